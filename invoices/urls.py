from django.urls import path

from invoices.views import exports, invoices, payments, quotes

app_name = "invoices"
urlpatterns = [
    path("", invoices.invoice_list, name="invoice-list"),
    path("export/<str:fmt>/", exports.invoice_export, name="invoice-export"),
    path("nouvelle/", invoices.invoice_create, name="invoice-create"),
    path("<int:pk>/", invoices.invoice_detail, name="invoice-detail"),
    path("<int:pk>/modifier/", invoices.invoice_edit, name="invoice-edit"),
    path("<int:pk>/valider/", invoices.invoice_issue, name="invoice-issue"),
    path("<int:pk>/supprimer/", invoices.invoice_delete, name="invoice-delete"),
    path("<int:pk>/dupliquer/", invoices.invoice_duplicate, name="invoice-duplicate"),
    path("<int:pk>/avoir/", invoices.invoice_credit, name="invoice-credit"),
    path("<int:pk>/pdf/", invoices.invoice_pdf, name="invoice-pdf"),
    path("<int:pk>/factur-x.xml", invoices.invoice_facturx, name="invoice-facturx"),
    path("<int:pk>/relancer/", invoices.invoice_remind, name="invoice-remind"),
    path("<int:pk>/relances/<int:reminder_pk>/pdf/", invoices.reminder_pdf, name="reminder-pdf"),
    path("devis/", quotes.quote_list, name="quote-list"),
    path("devis/export/<str:fmt>/", exports.quote_export, name="quote-export"),
    path("devis/nouveau/", quotes.quote_create, name="quote-create"),
    path("devis/<int:pk>/", quotes.quote_detail, name="quote-detail"),
    path("devis/<int:pk>/modifier/", quotes.quote_edit, name="quote-edit"),
    path("devis/<int:pk>/pdf/", quotes.quote_pdf, name="quote-pdf"),
    path("devis/<int:pk>/decision/", quotes.quote_decide, name="quote-decide"),
    path("devis/<int:pk>/facturer/", quotes.quote_invoice, name="quote-invoice"),
    path("devis/<int:pk>/facture-partielle/", quotes.quote_invoice_part, name="quote-invoice-part"),
    path("reglements/", payments.payment_list, name="payment-list"),
    path("reglements/export/<str:fmt>/", exports.payment_export, name="payment-export"),
    path("reglements/nouveau/", payments.payment_create, name="payment-create"),
    path("reglements/<int:pk>/", payments.payment_detail, name="payment-detail"),
    path("reglements/<int:pk>/contre-passer/", payments.payment_reverse, name="payment-reverse"),
]
