from django.urls import path

from chorus import views, views_bulk, views_followup

app_name = "chorus"
urlpatterns = [
    path("compte/", views.account_save, name="account-save"),
    path("compte/mettre-a-jour/", views.account_sync, name="account-sync"),
    path("compte/tester/", views.account_test, name="account-test"),
    path("factures/<int:pk>/envoyer/", views.invoice_send, name="invoice-send"),
    path("factures/<int:pk>/rafraichir/", views.invoice_refresh, name="invoice-refresh"),
    path("envois/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("envois/<int:pk>/loupe/", views.submission_lookup, name="submission-lookup"),
    path("envois/<int:pk>/pieces-jointes/", views.attachment_add, name="attachment-add"),
    path("pieces-jointes/<int:pk>/supprimer/", views.attachment_remove, name="attachment-remove"),
    path("envois/<int:pk>/soumettre/", views.submission_submit, name="submission-submit"),
    path("envois/<int:pk>/abandonner/", views.submission_abandon, name="submission-abandon"),
    path("envois/<int:pk>/reprendre/", views.submission_resume, name="submission-resume"),
    path("envois/<int:pk>/rafraichir/", views.submission_refresh, name="submission-refresh"),
    path("factures/envoyer/", views_bulk.bulk_send, name="bulk-send"),
    path("lots/<int:pk>/", views_bulk.batch_detail, name="batch-detail"),
    path("lots/<int:pk>/etat/", views_bulk.batch_status, name="batch-status"),
    path("envois/<int:pk>/completer/", views.submission_complete, name="submission-complete"),
    path("envois/<int:pk>/recycler/", views.submission_recycle, name="submission-recycle"),
    path("envois/<int:pk>/recycler/loupe/", views.recycle_lookup, name="submission-recycle-lookup"),
    path("envois/<int:pk>/corriger/", views_followup.submission_correct, name="submission-correct"),
    path(
        "factures/<int:pk>/interets-moratoires/",
        views_followup.invoice_claim_letter,
        name="invoice-claim-letter",
    ),
]
