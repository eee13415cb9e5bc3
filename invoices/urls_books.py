from django.urls import path

from invoices.views import books, exports

app_name = "books"
urlpatterns = [
    path("", books.books, name="index"),
    path("fec/", books.fec_download, name="fec-download"),
    path("impayes/<str:fmt>/", exports.ageing_export, name="ageing-export"),
]
