from django.urls import path

from einvoicing import views_ereporting

app_name = "einvoicing"
urlpatterns = [
    path("e-reporting/", views_ereporting.ereporting_month, name="ereporting"),
    path(
        "e-reporting/<str:kind>/<str:key>.xml",
        views_ereporting.ereporting_download,
        name="ereporting-download",
    ),
]
