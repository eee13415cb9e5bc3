"""Tables of the offline Chorus Pro: its own directory, files, invoices, clock and fault switches.

Nothing here is shared with the product's models: the simulator stands for a remote platform.
Identifiers shown to API callers are the primary key plus a fixed base, so they look like Chorus ids
(eight digits) without a separate sequence to keep in step.
"""

from __future__ import annotations

from django.db import models

ATTACHMENT_ID_BASE = 9_100_000
INVOICE_ID_BASE = 8_500_000
FLUX_NUMBER_PREFIX = "CPP-FLUX-"


class SimStructure(models.Model):
    """An entry of the Chorus directory: a supplier (private) or a public recipient."""

    id_cpp = models.BigIntegerField(unique=True)
    siret = models.CharField(max_length=14, db_index=True)
    type_identifiant = models.CharField(max_length=20, default="SIRET")
    designation = models.CharField(max_length=200)
    is_public = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    code_service_obligatoire = models.BooleanField(default=False)
    ej_obligatoire = models.BooleanField(default=False)
    ej_ou_service = models.BooleanField(default=False)
    mep_non_remonte = models.BooleanField(default=False)
    email = models.CharField(max_length=200, blank=True)
    numero_tva = models.CharField(max_length=20, blank=True)
    adresse = models.CharField(max_length=200, blank=True)
    code_postal = models.CharField(max_length=10, blank=True)
    ville = models.CharField(max_length=100, blank=True)
    telephone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["id_cpp"]

    def __str__(self) -> str:
        return f"{self.designation} ({self.siret})"


class SimService(models.Model):
    structure = models.ForeignKey(SimStructure, on_delete=models.CASCADE, related_name="services")
    id_service = models.BigIntegerField(unique=True)
    code = models.CharField(max_length=100)
    libelle = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    ej_obligatoire = models.BooleanField(default=False)
    mise_en_paiement = models.BooleanField(default=True)
    date_debut = models.DateField(null=True, blank=True)
    date_fin = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id_service"]
        constraints = [models.UniqueConstraint(fields=["structure", "code"], name="sim_service_code_unique")]

    def __str__(self) -> str:
        return self.code


class SimBankAccount(models.Model):
    structure = models.ForeignKey(SimStructure, on_delete=models.CASCADE, related_name="bank_accounts")
    id_coordonnee = models.BigIntegerField(unique=True)
    nom = models.CharField(max_length=100)
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id_coordonnee"]

    def __str__(self) -> str:
        return self.nom


class SimTechnicalAccount(models.Model):
    """A Chorus « utilisateur technique », what the cpro-account header names."""

    login = models.CharField(max_length=100, unique=True)
    password = models.CharField(max_length=100)
    password_expires_on = models.DateField()
    id_utilisateur = models.BigIntegerField(unique=True)
    nom = models.CharField(max_length=100, default="Utilisateur technique")
    structures = models.ManyToManyField(SimStructure, related_name="technical_accounts")

    def __str__(self) -> str:
        return self.login


class SimToken(models.Model):
    access_token = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=100)
    scope = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField()
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"jeton {self.client_id} jusqu'au {self.expires_at:%Y-%m-%d %H:%M}"


class SimAttachment(models.Model):
    """A file added to the technical account's space, by ajouter/fichier or deposer/pdf."""

    class Origin(models.TextChoices):
        AJOUT = "AJOUT_FICHIER"
        DEPOT_PDF = "DEPOT_PDF"

    account = models.ForeignKey(SimTechnicalAccount, on_delete=models.CASCADE, related_name="attachments")
    origin = models.CharField(max_length=20, choices=Origin.choices)
    name = models.CharField(max_length=255)
    mime = models.CharField(max_length=255, blank=True)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    format_depot = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.piece_jointe_id} {self.name}"

    @property
    def piece_jointe_id(self) -> int:
        return ATTACHMENT_ID_BASE + self.pk


class SimInvoice(models.Model):
    account = models.ForeignKey(SimTechnicalAccount, on_delete=models.PROTECT, related_name="invoices")
    supplier = models.ForeignKey(SimStructure, on_delete=models.PROTECT, related_name="+")
    supplier_service = models.ForeignKey(
        SimService, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bank_account = models.ForeignKey(SimBankAccount, on_delete=models.PROTECT, null=True, blank=True)
    recipient = models.ForeignKey(SimStructure, on_delete=models.PROTECT, related_name="+")
    recipient_service = models.ForeignKey(
        SimService, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    numero = models.CharField(max_length=40)
    mode_depot = models.CharField(max_length=30)
    cadre = models.CharField(max_length=60)
    type_facture = models.CharField(max_length=10)
    type_tva = models.CharField(max_length=30, blank=True)
    devise = models.CharField(max_length=3, default="EUR")
    date_facture = models.DateField()
    date_echeance = models.DateField(null=True, blank=True)
    deposited_at = models.DateTimeField()
    numero_bon_commande = models.CharField(max_length=50, blank=True)
    numero_marche = models.CharField(max_length=50, blank=True)
    numero_facture_origine = models.CharField(max_length=40, blank=True)
    mode_paiement = models.CharField(max_length=20, blank=True)
    montant_ht = models.DecimalField(max_digits=14, decimal_places=2)
    montant_tva = models.DecimalField(max_digits=14, decimal_places=2)
    montant_ttc = models.DecimalField(max_digits=14, decimal_places=2)
    montant_a_payer = models.DecimalField(max_digits=14, decimal_places=2)
    numero_flux = models.CharField(max_length=40, blank=True)
    payload = models.JSONField(default=dict)
    outcome = models.CharField(max_length=20)
    status = models.CharField(max_length=40)
    status_at = models.DateTimeField(db_index=True)
    status_comment = models.CharField(max_length=300, blank=True)
    next_change_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Start of the current routing cycle: the deposit, or the last completer / recycler.
    cycle_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "numero"], name="sim_invoice_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.numero} ({self.status})"

    @property
    def identifiant_cpp(self) -> int:
        return INVOICE_ID_BASE + self.pk


class SimStatusChange(models.Model):
    invoice = models.ForeignKey(SimInvoice, on_delete=models.CASCADE, related_name="history")
    code = models.CharField(max_length=40)
    at = models.DateTimeField()
    comment = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.at:%Y-%m-%d %H:%M}"


class SimFlux(models.Model):
    """A structured flow deposited by deposer/flux (Factur-X)."""

    account = models.ForeignKey(SimTechnicalAccount, on_delete=models.CASCADE, related_name="flux")
    nom_fichier = models.CharField(max_length=255)
    syntaxe = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    deposited_at = models.DateTimeField()
    errors = models.JSONField(default=list)
    # Factur-X: the invoice read from the embedded XML, created in Chorus when the flux is integrated.
    invoice = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.numero

    @property
    def numero(self) -> str:
        return f"{FLUX_NUMBER_PREFIX}{self.pk:08d}"


class SimClock(models.Model):
    """Simulated time = wall time + offset; tests move it forward, never back."""

    offset_seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"horloge +{self.offset_seconds:.0f} s"


class SimFault(models.Model):
    """One fault switch. Fires on the matching calls, deterministically (see faults.py)."""

    kind = models.CharField(max_length=30)
    operation = models.CharField(max_length=120, default="*")
    share = models.FloatField(null=True, blank=True)
    remaining = models.IntegerField(null=True, blank=True)
    params = models.JSONField(default=dict)
    seen = models.PositiveIntegerField(default=0)
    fired = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} sur {self.operation}"


class SimCall(models.Model):
    """Journal of the calls received, for the stats control endpoint."""

    operation = models.CharField(max_length=120, db_index=True)
    method = models.CharField(max_length=10)
    http_status = models.PositiveSmallIntegerField(null=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.method} {self.operation} {self.http_status}"
