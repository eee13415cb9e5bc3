"""A cabinet's Plateforme Agréée: where it is, the cabinet's credentials there (secret encrypted at rest,
never shown back), and the VAT regime that sets the e-reporting calendar."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from geoprod import crypto
from geoprod.models import Cabinet


class VatReportingRegime(models.TextChoices):
    """Sets how often e-reporting is due (reference.md §6, décret 2022-1299)."""

    REEL_MENSUEL = "reel_mensuel", "Réel normal mensuel"
    REEL_TRIMESTRIEL = "reel_trimestriel", "Réel normal trimestriel"
    SIMPLIFIE = "simplifie", "Réel simplifié"
    FRANCHISE = "franchise", "Franchise en base"


class PlatformAccount(models.Model):
    """Paramètres > Facturation électronique of one cabinet."""

    cabinet = models.OneToOneField(Cabinet, on_delete=models.CASCADE, related_name="platform_account")
    name = models.CharField("plateforme agréée", max_length=120)
    flow_url = models.URLField(
        "adresse de l'API Flow", max_length=255, help_text="Ex. https://api.plateforme.fr/flow-service"
    )
    directory_url = models.URLField(
        "adresse de l'API Annuaire",
        max_length=255,
        help_text="Ex. https://api.plateforme.fr/directory-service",
    )
    token_url = models.URLField("adresse du serveur de jetons", max_length=255)
    client_id = models.CharField("identifiant client", max_length=200)
    matricule = models.CharField(
        "matricule de la plateforme",
        max_length=4,
        blank=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9]{4}$", "Le matricule compte exactement 4 lettres ou chiffres.")
        ],
        help_text="Les 4 caractères qui identifient la plateforme auprès de l'administration (émetteur de l'e-reporting).",
    )
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    vat_regime = models.CharField(
        "régime de TVA (e-reporting)",
        max_length=20,
        choices=VatReportingRegime.choices,
        default=VatReportingRegime.REEL_MENSUEL,
    )
    electronic_address = models.CharField(
        "adresse électronique du cabinet (BT-34)", max_length=125, blank=True, editable=False
    )
    checked_at = models.DateTimeField("dernier test", null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    # Lifecycle refresh: the updatedAt of the last flow recorded (the next search starts just before it).
    lifecycle_cursor = models.DateTimeField(null=True, blank=True, editable=False)
    lifecycle_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The webhook URL's secret, hashed (sha256): the URL is shown once, when it is (re)generated.
    webhook_secret_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = "plateforme agréée"
        verbose_name_plural = "plateformes agréées"

    def __str__(self) -> str:
        return f"{self.name} — {self.cabinet}"

    @property
    def client_secret(self) -> str:
        return crypto.decrypt(self.client_secret_encrypted)

    def set_client_secret(self, raw: str) -> None:
        self.client_secret_encrypted = crypto.encrypt(raw)

    @property
    def has_secret(self) -> bool:
        return bool(self.client_secret_encrypted)


class EInvoiceState(models.TextChoices):
    NEW = "nouvelle", "À transmettre"
    SENDING = "envoi_en_cours", "Transmission en cours"
    UNKNOWN = "incertaine", "Transmission à vérifier"
    SENT = "transmise", "Transmise à la plateforme"
    ERROR = "erreur", "Échec de la transmission"


class EInvoice(models.Model):
    """The sending of one B2B invoice (its Factur-X) to the cabinet's Plateforme Agréée, exactly once."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="einvoices")
    invoice = models.OneToOneField("invoices.Invoice", on_delete=models.PROTECT, related_name="einvoice")
    state = models.CharField(max_length=20, choices=EInvoiceState.choices, default=EInvoiceState.NEW)
    sending_since = models.DateTimeField(null=True, blank=True)
    buyer_address = models.CharField("adresse électronique de l'acheteur (BT-49)", max_length=125, blank=True)
    flow_id = models.CharField("identifiant du flux", max_length=36, blank=True)
    submitted_at = models.DateTimeField("transmise le", null=True, blank=True)
    ack_status = models.CharField("accusé de réception", max_length=10, blank=True)
    ack_details = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True)
    # The latest lifecycle status (denormalised from EInvoiceStatus for the lists' badge).
    status_code = models.PositiveSmallIntegerField("statut", null=True, blank=True)
    status_at = models.DateTimeField("statut du", null=True, blank=True)
    # The guided correction after « Refusée » / « Rejetée »: the avoir cancelling the invoice, the new draft.
    correction_avoir = models.ForeignKey(
        "invoices.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    correction_draft = models.ForeignKey(
        "invoices.Invoice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "facture électronique transmise"
        verbose_name_plural = "factures électroniques transmises"

    def __str__(self) -> str:
        return f"Facture électronique {self.invoice_id}"

    @property
    def can_send(self) -> bool:
        return self.state in (EInvoiceState.NEW, EInvoiceState.ERROR, EInvoiceState.UNKNOWN)

    @property
    def status_label(self) -> str:
        from einvoicing import statuses

        return statuses.label(self.status_code)

    @property
    def status_tone(self) -> str:
        from einvoicing import statuses

        return statuses.tone(self.status_code)

    @property
    def ack_label(self) -> str:
        return {"Ok": "accepté", "Error": "refusé", "Pending": "en attente"}.get(self.ack_status, "")


class EInvoiceStatus(models.Model):
    """One status of the invoice's lifecycle, as read from the PA: a CDAR message (codes of
    einvoicing.statuses) or the acknowledgement of our flow. Recorded once per source flow."""

    einvoice = models.ForeignKey(EInvoice, on_delete=models.CASCADE, related_name="statuses")
    code = models.PositiveSmallIntegerField("code")
    at = models.DateTimeField("date")
    reason_code = models.CharField("motif (code)", max_length=40, blank=True)
    reason_text = models.TextField("motif", blank=True)
    action_code = models.CharField("action attendue (code)", max_length=10, blank=True)
    comment = models.TextField("commentaire", blank=True)
    issuer_role = models.CharField("émetteur", max_length=3, blank=True)
    source_flow_id = models.CharField("flux d'origine", max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "statut de facture électronique"
        verbose_name_plural = "statuts de facture électronique"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["einvoice", "source_flow_id"], name="einvoice_status_once_per_flow"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        from einvoicing import statuses

        return statuses.label(self.code)

    @property
    def tone(self) -> str:
        from einvoicing import statuses

        return statuses.tone(self.code)

    @property
    def reason_display(self) -> str:
        from einvoicing import statuses

        return self.reason_text or statuses.REASONS.get(self.reason_code, self.reason_code)


class OutgoingStatusState(models.TextChoices):
    NEW = "a_envoyer", "À envoyer"
    SENDING = "en_cours", "Envoi en cours"
    UNKNOWN = "a_verifier", "Envoi à vérifier"
    SENT = "envoye", "Envoyé"
    ERROR = "erreur", "Erreur"


class OutgoingStatus(models.Model):
    """One lifecycle message (CDAR) the cabinet sends to its Plateforme Agréée, exactly once: the XML is built
    and validated when the status is recorded, then sent byte for byte with `tracking_id` as trackingId."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="outgoing_statuses")
    invoice = models.ForeignKey(
        "invoices.Invoice",
        on_delete=models.PROTECT,
        related_name="outgoing_statuses",
        null=True,
        blank=True,
        help_text="La facture émise par le cabinet dont il s'agit (vide pour une facture reçue).",
    )
    allocation = models.ForeignKey(
        "invoices.PaymentAllocation",
        on_delete=models.PROTECT,
        related_name="outgoing_statuses",
        null=True,
        blank=True,
        help_text="L'affectation de règlement d'un statut « Encaissée ».",
    )
    tracking_id = models.CharField("identifiant de suivi", max_length=36)
    code = models.PositiveSmallIntegerField("statut")
    sender_role = models.CharField("rôle de l'émetteur", max_length=2)
    invoice_number = models.CharField("facture (BT-1)", max_length=100)
    invoice_flow_id = models.CharField("flux de la facture", max_length=36, blank=True)
    reason_code = models.CharField("motif", max_length=30, blank=True)
    reason_text = models.TextField("libellé du motif", blank=True)
    action_code = models.CharField("action attendue", max_length=3, blank=True)
    comment = models.TextField("commentaire", blank=True)
    amounts = models.JSONField("montants par taux de TVA", default=list, blank=True)
    xml = models.BinaryField("message CDAR")
    state = models.CharField(
        max_length=12, choices=OutgoingStatusState.choices, default=OutgoingStatusState.NEW
    )
    sending_since = models.DateTimeField(null=True, blank=True)
    flow_id = models.CharField("identifiant du flux", max_length=36, blank=True)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    ack_status = models.CharField("accusé de réception", max_length=10, blank=True)
    ack_details = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "statut de cycle de vie émis"
        verbose_name_plural = "statuts de cycle de vie émis"
        constraints = [
            models.UniqueConstraint(
                fields=["cabinet", "tracking_id"], name="outgoing_status_unique_tracking_id"
            )
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Statut {self.code} de la facture {self.invoice_number}"

    @property
    def can_retry(self) -> bool:
        return self.state in (OutgoingStatusState.ERROR, OutgoingStatusState.UNKNOWN)

    @property
    def label(self) -> str:
        from einvoicing import cdar

        return cdar.LABELS.get(self.code, str(self.code)).replace("_", " ")

    @property
    def amounts_by_rate(self) -> list[tuple]:
        """(VAT rate, amount) pairs of an « Encaissée », as Decimals."""
        from decimal import Decimal

        return [(Decimal(rate), Decimal(amount)) for rate, amount in self.amounts]

    @property
    def ack_label(self) -> str:
        return {"Ok": "accepté", "Error": "refusé", "Pending": "en attente"}.get(self.ack_status, "")


class EReportKind(models.TextChoices):
    """The flux 10 sub-flows (reference.md §6)."""

    INVOICES = "10.1", "Factures internationales (10.1)"
    INVOICE_PAYMENTS = "10.2", "Paiements internationaux (10.2)"
    TRANSACTIONS = "10.3", "Transactions (10.3)"
    PAYMENTS = "10.4", "Encaissements (10.4)"


class EReportType(models.TextChoices):
    INITIAL = "IN", "Initiale"
    CORRECTIVE = "RE", "Rectificative"


class EReport(models.Model):
    """One flux 10 transmission of a cabinet for one period, sent as an `FRR` flow exactly once. Version 1 is the
    initial report (IN); a correction of the period after it was sent is a new version of type RE."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="ereports")
    kind = models.CharField("flux", max_length=4, choices=EReportKind.choices)
    period_start = models.DateField("début de la période")
    period_end = models.DateField("fin de la période")
    version = models.PositiveIntegerField(default=1)
    type_code = models.CharField(
        "type", max_length=2, choices=EReportType.choices, default=EReportType.INITIAL
    )
    document = models.BinaryField("fichier XML", editable=False)
    sha256 = models.CharField(max_length=64)
    content_sha256 = models.CharField(
        "empreinte du contenu",
        max_length=64,
        help_text="Empreinte du rapport hors en-tête (date d'émission).",
    )
    tracking_id = models.CharField("identifiant de suivi", max_length=36, unique=True)
    state = models.CharField(max_length=20, choices=EInvoiceState.choices, default=EInvoiceState.NEW)
    sending_since = models.DateTimeField(null=True, blank=True)
    flow_id = models.CharField("identifiant du flux", max_length=36, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    ack_status = models.CharField("accusé de réception", max_length=10, blank=True)
    ack_details = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "déclaration d'e-reporting"
        verbose_name_plural = "déclarations d'e-reporting"
        ordering = ["period_start", "kind", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cabinet", "kind", "period_start", "period_end", "version"],
                name="ereport_one_version",
            )
        ]

    def __str__(self) -> str:
        return (
            f"E-reporting {self.kind} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y} v{self.version}"
        )

    @property
    def can_send(self) -> bool:
        """A new, failed or uncertain sending; or a flow the platform refused (sent again as a new version)."""
        refused = self.state == EInvoiceState.SENT and self.ack_status == "Error"
        return refused or self.state in (EInvoiceState.NEW, EInvoiceState.ERROR, EInvoiceState.UNKNOWN)

    @property
    def status_label(self) -> str:
        """« envoyé », « accepté », « refusé »… as the E-reporting page shows it."""
        if self.state == EInvoiceState.SENT:
            return {"Ok": "accepté", "Error": "refusé"}.get(self.ack_status, "envoyé")
        return {
            EInvoiceState.NEW: "à envoyer",
            EInvoiceState.SENDING: "envoi en cours",
            EInvoiceState.UNKNOWN: "envoi à vérifier",
            EInvoiceState.ERROR: "refusé",
        }[self.state]


from einvoicing.received_models import (  # noqa: E402, F401  (the models of « Factures reçues »)
    ReceivedAnswer,
    ReceivedInvoice,
    ReceivedStatus,
    ReceivingCursor,
)
