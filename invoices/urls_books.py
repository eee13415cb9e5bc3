from django.urls import path

from invoices.views import books

app_name = "books"
urlpatterns = [
    path("", books.books, name="index"),
    path("fec/", books.fec_download, name="fec-download"),
]
