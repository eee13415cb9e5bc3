"""The tenant (Cabinet), its members and their roles, and per-cabinet gapless counters."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from geoprod import images, limits
from geoprod.validators import validate_bic, validate_iban, validate_siret, validate_tva_intracom

MONTHS = [
    (1, "janvier"), (2, "février"), (3, "mars"), (4, "avril"), (5, "mai"), (6, "juin"), (7, "juillet"),
    (8, "août"), (9, "septembre"), (10, "octobre"), (11, "novembre"), (12, "décembre"),
]  # fmt: skip


class Cabinet(models.Model):
    """A cabinet de géomètres-experts: every domain row belongs to one."""

    raison_sociale = models.CharField("raison sociale", max_length=200)
    forme_juridique = models.CharField("forme juridique", max_length=60, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    tva_intracom = models.CharField(
        "TVA intracommunautaire", max_length=20, blank=True, validators=[validate_tva_intracom]
    )
    adresse = models.CharField("adresse", max_length=255, blank=True)
    code_postal = models.CharField("code postal", max_length=10, blank=True)
    ville = models.CharField("ville", max_length=100, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("mail", blank=True)
    rcs = models.CharField("RCS", max_length=100, blank=True, help_text="Ex. : RCS Toulouse 123 456 789")
    capital = models.DecimalField(
        "capital social (€)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    ordre_geometres = models.CharField("n° d'inscription à l'Ordre", max_length=40, blank=True)
    logo = models.ImageField("logo", upload_to="logos/", blank=True, validators=[images.validate_new_image])
    iban = models.CharField("IBAN", max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[validate_bic])

    # Paramètres > Pièces
    invoice_prefix = models.CharField(
        "préfixe de numérotation des factures",
        max_length=20,
        default="F",
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9+\-_/]*$",
                "Lettres, chiffres et + - _ / uniquement, sans espace.",
            )
        ],
    )
    invoice_footer = models.TextField(
        "texte bas de facture",
        blank=True,
        default="Règlement à 30 jours date de facture.",
        validators=limits.FOOTER_VALIDATORS,
    )
    payment_terms_days = models.PositiveSmallIntegerField("délai de paiement (jours)", default=30)
    late_penalty_rate = models.DecimalField(
        "taux des pénalités de retard (%)", max_digits=5, decimal_places=2, default=12.15
    )
    vat_on_debits = models.BooleanField("option pour le paiement de la TVA d'après les débits", default=False)
    vat_franchise = models.BooleanField(
        "franchise en base de TVA (art. 293 B du CGI)",
        default=False,
        help_text="Cabinet non assujetti : aucune TVA facturée, la mention « TVA non applicable, art. 293 B du "
        "CGI » figure sur chaque pièce et le numéro de TVA n'est pas requis.",
    )

    fiscal_year_start_month = models.PositiveSmallIntegerField(
        "premier mois de l'exercice comptable",
        choices=MONTHS,
        default=1,
        help_text="L'exercice porte le nom de l'année où il se clôt (ex. : juillet 2025 – juin 2026 = exercice 2026).",
    )

    class Meta:
        verbose_name = "cabinet"
        ordering = ["raison_sociale"]

    def __str__(self) -> str:
        return self.raison_sociale

    @property
    def siren(self) -> str:
        return self.siret[:9]


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur du cabinet"
    COMPTABLE = "comptable", "Comptable"


class Membership(models.Model):
    """Ties a user to exactly one cabinet with a role."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.COMPTABLE)

    class Meta:
        verbose_name = "membre"

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.cabinet})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Counter(models.Model):
    """A per-cabinet gapless counter (dossier numbers, invoice series). Incremented under a row lock."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="counters")
    name = models.CharField("série", max_length=60)
    value = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "compteur"
        verbose_name_plural = "compteurs"
        constraints = [models.UniqueConstraint(fields=["cabinet", "name"], name="unique_counter_per_cabinet")]

    def __str__(self) -> str:
        return f"{self.cabinet_id}:{self.name}={self.value}"


class LoginFailures(models.Model):
    """Failed logins counted for one address, one account, or one (account, address) pair (geoprod/throttling)."""

    scope = models.CharField("portée", max_length=10)
    key = models.CharField("clé", max_length=250)
    failures = models.PositiveIntegerField("échecs", default=0)
    last_failure_at = models.DateTimeField("dernier échec le")

    class Meta:
        verbose_name = "échecs de connexion"
        verbose_name_plural = "échecs de connexion"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="unique_login_failures_key")]
        indexes = [models.Index(fields=["last_failure_at"], name="login_failures_time")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} ({self.failures})"


class KnownLoginAddress(models.Model):
    """An address an account logged in from: guessing on that account elsewhere does not slow it down here."""

    username = models.CharField("identifiant", max_length=150)
    ip_address = models.GenericIPAddressField("adresse IP")
    last_login_at = models.DateTimeField("dernière connexion le")

    class Meta:
        verbose_name = "adresse de connexion connue"
        verbose_name_plural = "adresses de connexion connues"
        constraints = [
            models.UniqueConstraint(fields=["username", "ip_address"], name="unique_known_login_address")
        ]
        indexes = [models.Index(fields=["last_login_at"], name="known_login_address_time")]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip_address}"
