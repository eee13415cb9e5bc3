"""Chorus Pro in the product: a cabinet's account, one submission per invoice, its attachments,
status history, and the journal of every call made to Chorus."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from geoprod import crypto
from geoprod.models import Cabinet
from geoprod.validators import validate_siret, validate_siret_digits


class Environment(models.TextChoices):
    """The instance's Chorus Pro (settings.CHORUS_ENV): every cabinet of an instance uses the same one."""

    SIMULATOR = "simulator", "Simulateur (hors ligne)"
    SANDBOX = "sandbox", "Qualification (PISTE sandbox)"
    PRODUCTION = "production", "Production"


class DepositFormat(models.TextChoices):
    PDF = "pdf", "PDF non signé"
    FACTURX = "facturx", "Factur-X"


class ChorusAccount(models.Model):
    """Paramètres > Pièces > bloc Chorus Pro of one cabinet."""

    cabinet = models.OneToOneField(Cabinet, on_delete=models.CASCADE, related_name="chorus_account")
    # Qualification issues fictitious supplier identifiers (00000000178051…) without a valid checksum: the
    # checksum is enforced in clean(), for the simulator and production only.
    siret_fournisseur = models.CharField(
        "identifiant fournisseur (SIRET)", max_length=14, validators=[validate_siret_digits]
    )
    login = models.CharField("compte technique", max_length=120)
    password_encrypted = models.TextField(blank=True, editable=False)
    deposit_format = models.CharField(
        "format de dépôt",
        max_length=10,
        choices=DepositFormat.choices,
        default=DepositFormat.PDF,
        help_text="Factur-X : la facture est déposée comme flux structuré, lu par Chorus Pro sans ressaisie.",
    )
    id_structure = models.BigIntegerField("identifiant structure", null=True, blank=True, editable=False)
    structure_designation = models.CharField(max_length=255, blank=True, editable=False)
    services = models.JSONField("services déclarés dans Chorus Pro", default=list, blank=True, editable=False)
    banks = models.JSONField("banques déclarées dans Chorus Pro", default=list, blank=True, editable=False)
    # Chorus's reference lists (typespj, motifs/exonerationtva) as [{"code", "libelle"}], read by « Mettre à jour ».
    attachment_types = models.JSONField(
        "types de pièces jointes Chorus Pro", default=list, blank=True, editable=False
    )
    exemption_motives = models.JSONField(
        "motifs d'exonération de TVA Chorus Pro", default=list, blank=True, editable=False
    )
    password_expires_on = models.DateField(null=True, blank=True, editable=False)
    synced_at = models.DateTimeField("dernière mise à jour", null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = "compte Chorus Pro"
        verbose_name_plural = "comptes Chorus Pro"

    def __str__(self) -> str:
        return f"Chorus Pro — {self.cabinet}"

    def clean(self) -> None:
        if settings.CHORUS_ENV != Environment.SANDBOX:
            try:
                validate_siret(self.siret_fournisseur)
            except ValidationError as e:
                raise ValidationError({"siret_fournisseur": e.messages}) from None

    @property
    def password(self) -> str:
        return crypto.decrypt(self.password_encrypted)

    def set_password(self, raw: str) -> None:
        self.password_encrypted = crypto.encrypt(raw)

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted)

    @property
    def is_ready(self) -> bool:
        """Set up enough to send invoices: credentials and the structure id from « Mettre à jour »."""
        return bool(self.login and self.password_encrypted and self.id_structure)

    def active_services(self) -> list[dict]:
        return [s for s in self.services if s.get("actif", True)]

    def attachment_type_choices(self) -> list[tuple[str, str]]:
        return [(t["code"], t["libelle"]) for t in self.attachment_types]

    def exemption_motive_choices(self) -> list[tuple[str, str]]:
        return [(m["code"], m["libelle"]) for m in self.exemption_motives]


class SubmissionState(models.TextChoices):
    NEW = "nouvelle", "PDF non déposé"
    DEPOSITING = "depot_en_cours", "Dépôt du PDF en cours"
    READY = "a_soumettre", "À soumettre"
    SENDING = "envoi_en_cours", "Envoi en cours"
    UNKNOWN = "incertaine", "Envoi à vérifier"
    SUBMITTED = "soumise", "Soumise"
    COMPLETING = "complement_en_cours", "Envoi du complément en cours"
    RECYCLING = "recyclage_en_cours", "Recyclage en cours"


class TvaType(models.TextChoices):
    DEBIT = "TVA_SUR_DEBIT", "TVA sur débit"
    ENCAISSEMENT = "TVA_SUR_ENCAISSEMENT", "TVA sur encaissement"
    EXONERATION = "EXONERATION", "Exonération"
    SANS_TVA = "SANS_TVA", "Sans TVA"


class PaymentMode(models.TextChoices):
    VIREMENT = "VIREMENT", "Virement"
    CHEQUE = "CHEQUE", "Chèque"
    PRELEVEMENT = "PRELEVEMENT", "Prélèvement"
    ESPECE = "ESPECE", "Espèces"
    AUTRE = "AUTRE", "Autre"
    REPORT = "REPORT", "Report"


# Chorus statuses after which nothing more will happen (chorus-api.md §4).
FINAL_STATUSES = frozenset({"MISE_EN_PAIEMENT", "REJETEE", "ABANDONNEE", "SUPPRIMEE"})
REJECTED = "REJETEE"
PAID_OUT = "MISE_EN_PAIEMENT"
# For a recipient that never reports MISE_EN_PAIEMENT, these are the last statuses it will send.
FINAL_WITHOUT_PAYMENT_REPORT = frozenset({"MANDATEE", "COMPTABILISEE", "MISE_A_DISPOSITION_COMPTABLE"})
NO_PAYMENT_REPORT_RULE = "statutMiseEnPaiementNestPasRemonte"


def service_label(service: dict) -> str:
    """A Chorus service as the screens list it: « CODE — Libellé »."""
    return f"{service['code']} — {service['libelle']}"


def not_final() -> Q:
    """The query twin of ChorusSubmission.is_final: submissions whose Chorus status may still change."""
    rule = f"destinataire_rules__{NO_PAYMENT_REPORT_RULE}"
    # Spelled out so a recipient without the rule (the key absent, NULL in SQL) is not lost by the negation.
    reports_payment = ~Q(**{rule: True}) | Q(**{f"{rule}__isnull": True})
    return ~Q(chorus_status__in=FINAL_STATUSES) & (
        ~Q(chorus_status__in=FINAL_WITHOUT_PAYMENT_REPORT) | reports_payment
    )


STATUS_LABELS = {
    "INTERPRETEE_OCR": "PDF déposé",
    "DEPOSEE": "Déposée",
    "EN_COURS_ACHEMINEMENT": "En cours d'acheminement",
    "MISE_A_DISPOSITION": "Mise à disposition",
    "PRISE_EN_COMPTE_DESTINATAIRE": "Prise en compte par le destinataire",
    "A_RECYCLER": "À recycler",
    "SUSPENDUE": "Suspendue",
    "COMPLETEE": "Complétée",
    "SERVICE_FAIT": "Service fait",
    "MANDATEE": "Mandatée",
    "MISE_A_DISPOSITION_COMPTABLE": "Mise à disposition du comptable",
    "COMPTABILISEE": "Comptabilisée",
    "MISE_EN_PAIEMENT": "Mise en paiement",
    "REJETEE": "Rejetée",
    "ABANDONNEE": "Abandonnée",
    "SUPPRIMEE": "Supprimée",
}


def status_label(code: str) -> str:
    """French label of a Chorus status; an unknown code is shown as it came."""
    return STATUS_LABELS.get(code, code)


def stale_before() -> datetime.datetime:
    """A claim taken before this instant belongs to a worker that died (the stale limit is above the tasks'
    hard time limit): the call's outcome is unknown."""
    return timezone.now() - datetime.timedelta(seconds=settings.CHORUS_STALE_CLAIM_SECONDS)


def stalled() -> Q:
    """The query twin of ChorusSubmission.is_stalled: claimed (deposit or « Soumettre ») before the stale
    limit, or queued for deposit that long without any news."""
    from chorus.lifecycle import CLAIMED

    limit = stale_before()
    claimed = Q(state__in=CLAIMED, sending_since__lt=limit)
    return claimed | Q(state=SubmissionState.NEW, last_error="", updated_at__lt=limit)


# What the accountant types on « Envoi de la facture vers Chorus Pro » (saved as a draft while editable).
DRAFT_FIELDS = [
    "destinataire_siret",
    "service_code",
    "numero_facture_origine",
    "type_tva",
    "motif_exoneration",
    "numero_engagement",
    "numero_marche",
    "mode_paiement",
    "id_service_fournisseur",
    "id_coordonnee_bancaire",
    "commentaire",
]


ORIGIN_INVALID = (
    "Choisissez la facture d'origine dans la liste : une facture émise par le cabinet et soumise à Chorus Pro "
    "pour ce même destinataire."
)


class ChorusSubmission(models.Model):
    """The sending of one invoice to Chorus Pro: what the user typed, where it stands, what Chorus said."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="chorus_submissions")
    invoice = models.OneToOneField(
        "invoices.Invoice", on_delete=models.PROTECT, related_name="chorus_submission"
    )
    account = models.ForeignKey(
        ChorusAccount, verbose_name="compte", on_delete=models.PROTECT, related_name="submissions"
    )
    state = models.CharField(max_length=20, choices=SubmissionState.choices, default=SubmissionState.NEW)
    sending_since = models.DateTimeField(null=True, blank=True)

    piece_jointe_id = models.BigIntegerField("numéro pièce jointe", null=True, blank=True)
    deposited_at = models.DateTimeField("date création", null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # Factur-X path: the flux number, followed with consulterCRDetaille until the invoice exists in Chorus.
    numero_flux_depot = models.CharField("numéro de flux", max_length=40, blank=True)

    destinataire_siret = models.CharField("destinataire", max_length=14, blank=True)
    destinataire_designation = models.CharField("désignation", max_length=255, blank=True)
    destinataire_id_structure = models.BigIntegerField(null=True, blank=True)
    destinataire_rules = models.JSONField(default=dict, blank=True)
    destinataire_services = models.JSONField(default=list, blank=True)
    service_code = models.CharField("service", max_length=100, blank=True)
    numero_facture_origine = models.CharField("N° facture d'origine", max_length=35, blank=True)
    type_tva = models.CharField("type de TVA", max_length=30, choices=TvaType.choices, blank=True)
    motif_exoneration = models.CharField("motif exonération de TVA", max_length=255, blank=True)
    numero_engagement = models.CharField("N° d'engagement", max_length=50, blank=True)
    numero_marche = models.CharField("N° du marché", max_length=50, blank=True)
    mode_paiement = models.CharField(
        "mode de règlement", max_length=20, choices=PaymentMode.choices, default=PaymentMode.VIREMENT
    )
    id_service_fournisseur = models.BigIntegerField("service fournisseur", null=True, blank=True)
    id_coordonnee_bancaire = models.BigIntegerField("réf. bancaires", null=True, blank=True)
    commentaire = models.CharField("commentaire", max_length=200, blank=True)
    # The supplier's answer to a « Suspendue » or « À recycler » invoice (completer / recycler).
    reply_comment = models.CharField("commentaire de la réponse", max_length=200, blank=True)

    identifiant_facture_cpp = models.BigIntegerField("identifiant Chorus Pro", null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Chorus's dateDepot: set by « Soumettre », renewed by « Recycler » (same number, new deposit); the day the
    # public buyer received the invoice, which starts its 30-day payment term.
    date_depot = models.DateField("date de dépôt Chorus Pro", null=True, blank=True)
    chorus_status = models.CharField("statut Chorus Pro", max_length=40, blank=True)
    chorus_status_at = models.DateTimeField(null=True, blank=True)
    chorus_comment = models.TextField(blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    last_error = models.TextField(blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error_field = models.CharField(max_length=60, blank=True)
    # The fields proposed from the last envoi to the same dossier or client: {"invoice": "F…", "values": {…}}.
    remembered_from = models.JSONField("repris du dernier envoi", default=dict, blank=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "envoi Chorus Pro"
        verbose_name_plural = "envois Chorus Pro"
        indexes = [models.Index(fields=["state", "chorus_status"]), models.Index(fields=["account", "state"])]

    def __str__(self) -> str:
        return f"Envoi Chorus Pro de {self.invoice_id}"

    def get_absolute_url(self) -> str:
        return reverse("chorus:submission-detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        """The invoice exists in Chorus (submitted, or being completed or recycled)."""
        from chorus.lifecycle import IN_CHORUS

        return self.state in IN_CHORUS

    @property
    def deposit_pending(self) -> bool:
        """The PDF deposit is queued or running (a failed one shows its error instead)."""
        return self.state == SubmissionState.DEPOSITING or (
            self.state == SubmissionState.NEW and not self.last_error
        )

    @property
    def is_editable(self) -> bool:
        return self.state == SubmissionState.READY

    @property
    def is_sending(self) -> bool:
        return self.state == SubmissionState.SENDING

    @property
    def is_answering(self) -> bool:
        """« Compléter » or « Recycler » has been sent and waits for Chorus's answer."""
        return self.state in (SubmissionState.COMPLETING, SubmissionState.RECYCLING)

    @property
    def is_stalled(self) -> bool:
        """A deposit, « Soumettre », « Compléter » or « Recycler » that no worker carries on with any more
        (see stalled())."""
        from chorus.lifecycle import CLAIMED

        limit = stale_before()
        if self.state in CLAIMED:
            return self.sending_since is not None and self.sending_since < limit
        return self.deposit_pending and self.updated_at is not None and self.updated_at < limit

    @property
    def can_submit(self) -> bool:
        from chorus import lifecycle

        return lifecycle.can_submit(self)

    @property
    def can_verify(self) -> bool:
        from chorus import lifecycle

        return lifecycle.can_verify(self)

    @property
    def can_retry_deposit(self) -> bool:
        from chorus import lifecycle

        return lifecycle.can_retry_deposit(self)

    @property
    def can_refresh(self) -> bool:
        from chorus import lifecycle

        return lifecycle.can_refresh(self)

    @property
    def can_complete(self) -> bool:
        from chorus import lifecycle

        return lifecycle.can_complete(self)

    @property
    def can_recycle(self) -> bool:
        from chorus import lifecycle

        return lifecycle.can_recycle(self)

    @property
    def can_abandon(self) -> bool:
        """« Abandonner l'envoi » (chorus/lifecycle.py)."""
        from chorus import lifecycle

        return lifecycle.can_abandon(self)

    @property
    def status_display(self) -> str:
        if self.is_submitted and self.chorus_status and not self.is_answering:
            return status_label(self.chorus_status)
        return self.get_state_display()

    @property
    def supplier_service_label(self) -> str:
        services = self.account.services
        return next((service_label(s) for s in services if s["id"] == self.id_service_fournisseur), "")

    @property
    def bank_label(self) -> str:
        return next((b["nom"] for b in self.account.banks if b["id"] == self.id_coordonnee_bancaire), "")

    @property
    def remembered_fields(self) -> list[str]:
        """The fields still holding what was proposed from the last envoi (one the user changed is no longer
        « repris »)."""
        values = self.remembered_from.get("values", {})
        return [field for field, value in values.items() if getattr(self, field) == value]

    @property
    def remembered_invoice(self) -> str:
        return self.remembered_from.get("invoice", "")

    @property
    def is_rejected(self) -> bool:
        return self.is_submitted and self.chorus_status == REJECTED

    @property
    def is_final(self) -> bool:
        if self.chorus_status in FINAL_STATUSES:
            return True
        stops_early = self.destinataire_rules.get(NO_PAYMENT_REPORT_RULE, False)
        return bool(stops_early and self.chorus_status in FINAL_WITHOUT_PAYMENT_REPORT)


class ChorusAttachment(models.Model):
    """A complementary attachment sent to Chorus and linked to a submission."""

    submission = models.ForeignKey(ChorusSubmission, on_delete=models.CASCADE, related_name="attachments")
    designation = models.CharField("désignation", max_length=100)
    type = models.CharField("type", max_length=60)  # a code of the account's typespj list
    filename = models.CharField("fichier", max_length=50)
    size = models.PositiveIntegerField("taille (octets)")
    piece_jointe_id = models.BigIntegerField("numéro pièce jointe")
    # Added to answer a « Suspendue » invoice: sent with « Compléter » (sent_at), not with « Soumettre ».
    for_completion = models.BooleanField("pour compléter", default=False)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe complémentaire"
        verbose_name_plural = "pièces jointes complémentaires"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.designation

    @property
    def type_label(self) -> str:
        types = self.submission.account.attachment_type_choices()
        return next((libelle for code, libelle in types if code == self.type), self.type)


class ChorusStatusChange(models.Model):
    submission = models.ForeignKey(
        ChorusSubmission, verbose_name="envoi", on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField("statut", max_length=40)
    changed_at = models.DateTimeField("changé le")
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "changement de statut Chorus Pro"
        verbose_name_plural = "changements de statut Chorus Pro"
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "status", "changed_at"], name="unique_status_change"
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.changed_at:%d/%m/%Y %H:%M}"

    @property
    def label(self) -> str:
        return status_label(self.status)


class ChorusExchange(models.Model):
    """Journal of one call to Chorus Pro, with secrets and file contents redacted."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, null=True, related_name="chorus_exchanges")
    submission = models.ForeignKey(
        ChorusSubmission, on_delete=models.SET_NULL, null=True, blank=True, related_name="exchanges"
    )
    operation = models.CharField(max_length=100)
    environment = models.CharField(max_length=20)
    http_status = models.PositiveSmallIntegerField(null=True)
    duration_ms = models.PositiveIntegerField(default=0)
    code_retour = models.CharField(max_length=40, blank=True)
    request = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    response = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField("erreur", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "échange avec Chorus Pro"
        verbose_name_plural = "échanges avec Chorus Pro"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.operation} {self.http_status or '—'}"


class ChorusRefreshRun(models.Model):
    """What one refresh run (nightly or by hand) did for one cabinet."""

    account = models.ForeignKey(
        ChorusAccount, verbose_name="compte", on_delete=models.CASCADE, related_name="refresh_runs"
    )
    started_at = models.DateTimeField("commencé le")
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    window_start = models.DateTimeField("depuis le", null=True, blank=True)
    api_calls = models.PositiveIntegerField("appels à l'API", default=0)
    checked = models.PositiveIntegerField("envois vérifiés", default=0)
    updated = models.PositiveIntegerField("envois mis à jour", default=0)
    succeeded = models.BooleanField("réussi", default=False)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "relevé des statuts Chorus Pro"
        verbose_name_plural = "relevés des statuts Chorus Pro"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Rafraîchissement {self.account_id} {self.started_at:%d/%m/%Y %H:%M}"


class SendBatch(models.Model):
    """A « lot d'envoi »: several invoices sent to Chorus Pro in one go from the invoice list, each through its
    own submission."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="chorus_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submit_when_complete = models.BooleanField("soumettre directement les envois complets", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "lot d'envoi Chorus Pro"
        verbose_name_plural = "lots d'envoi Chorus Pro"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Lot d'envoi {self.pk} du {self.created_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("chorus:batch-detail", args=[self.pk])


class SendBatchItem(models.Model):
    """One invoice of a lot d'envoi: its submission, or why it could not start."""

    batch = models.ForeignKey(SendBatch, verbose_name="lot", on_delete=models.CASCADE, related_name="items")
    # Only a draft can be deleted, and a draft's line only says why it could not be sent.
    invoice = models.ForeignKey(
        "invoices.Invoice", verbose_name="facture", on_delete=models.CASCADE, related_name="+"
    )
    # An envoi abandoned later leaves the line, without its submission.
    submission = models.ForeignKey(
        ChorusSubmission,
        verbose_name="envoi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    queued = models.BooleanField("dépôt lancé par le lot", default=False)
    error = models.TextField("non envoyée", blank=True)
    note = models.TextField("à compléter", blank=True)

    class Meta:
        verbose_name = "facture d'un lot d'envoi"
        verbose_name_plural = "factures d'un lot d'envoi"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.batch} — {self.invoice_id}"


class ChorusCorrection(models.Model):
    """« Corriger la facture rejetée »: the avoir that cancelled an invoice the buyer rejected in Chorus Pro, and
    the draft that replaces it, with the buyer's reason. One per submission, so a second click finds it."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="chorus_corrections")
    submission = models.OneToOneField(
        ChorusSubmission, verbose_name="envoi rejeté", on_delete=models.PROTECT, related_name="correction"
    )
    avoir = models.OneToOneField(
        "invoices.Invoice", verbose_name="avoir", on_delete=models.PROTECT, related_name="cancelled_rejection"
    )
    # The user may delete the draft; « Corriger » then makes a new one.
    draft = models.OneToOneField(
        "invoices.Invoice",
        verbose_name="facture de remplacement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrects_rejection",
    )
    reason = models.TextField("motif du rejet", blank=True)
    rejected_at = models.DateTimeField("rejetée le", null=True, blank=True)
    destinataire_siret = models.CharField("destinataire", max_length=14, blank=True)
    service_code = models.CharField("service", max_length=100, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "correction après rejet Chorus Pro"
        verbose_name_plural = "corrections après rejet Chorus Pro"

    def __str__(self) -> str:
        return f"Correction de l'envoi {self.submission_id}"

    @property
    def rejected_invoice(self):
        return self.submission.invoice
