"""Clients of a cabinet, their contacts, and dossiers (the surveying jobs that get invoiced)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from geoprod.models import Cabinet
from geoprod.validators import compact_siret, validate_eu_vat, validate_siret


class Category(models.TextChoices):
    PARTICULIER = "particulier", "Particulier"
    ENTREPRISE = "entreprise", "Entreprise"
    COLLECTIVITE = "collectivite", "Collectivité territoriale"
    ETAT = "etat", "État"
    ETABLISSEMENT_PUBLIC = "etablissement_public", "Établissement public"
    AUTRE = "autre", "Autre"


class PublicTerm(models.IntegerChoices):
    """How long a public buyer has to pay (C. commande publique R2192-10 and R2192-11)."""

    STANDARD = 30, "30 jours (État, collectivité, autre établissement public)"
    SANTE = 50, "50 jours (établissement public de santé)"
    ENTREPRISE_PUBLIQUE = 60, "60 jours (entreprise publique)"


PUBLIC_CATEGORIES = frozenset({Category.COLLECTIVITE, Category.ETAT, Category.ETABLISSEMENT_PUBLIC})
# French buyers identified by their SIRET/SIREN on every invoice (French e-invoicing, BR-FR).
SIRET_CATEGORIES = PUBLIC_CATEGORIES | {Category.ENTREPRISE}
FRANCE = frozenset({"", "france", "fr"})


class Client(models.Model):
    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="clients")
    nom = models.CharField("nom", max_length=200)
    adresse = models.CharField("adresse", max_length=255, blank=True)
    code_postal = models.CharField("code postal", max_length=10, blank=True)
    ville = models.CharField("ville", max_length=100, blank=True)
    pays = models.CharField("pays", max_length=100, blank=True, default="France")
    province = models.CharField("province", max_length=100, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    fax = models.CharField("fax", max_length=30, blank=True)
    email = models.EmailField("mail", blank=True)
    site_web = models.URLField("site internet", blank=True)
    categorie = models.CharField(
        "catégorie", max_length=30, choices=Category.choices, default=Category.ENTREPRISE
    )
    delai_paiement_public = models.PositiveSmallIntegerField(
        "délai de paiement public",
        choices=PublicTerm.choices,
        default=PublicTerm.STANDARD,
        help_text="Compté à partir de la mise à disposition de la facture dans Chorus Pro.",
    )
    siret = models.CharField("N° SIRET", max_length=14, blank=True, validators=[validate_siret])
    tva_intracom = models.CharField(
        "N° TVA intracommunautaire",
        max_length=20,
        blank=True,
        validators=[validate_eu_vat],
        help_text="Obligatoire en autoliquidation et pour une prestation intracommunautaire.",
    )
    groupe = models.CharField("groupe", max_length=100, blank=True)
    # Remembered from the e-invoicing Directory at « Valider » (einvoicing/directory.py): the buyer's
    # electronic address (BT-49, scheme 0225) and when the Directory last confirmed it.
    adresse_electronique = models.CharField(
        "adresse électronique (annuaire)", max_length=125, blank=True, editable=False
    )
    adresse_electronique_le = models.DateTimeField(
        "adresse électronique vérifiée le", null=True, blank=True, editable=False
    )
    destinataire_chorus = models.BooleanField(
        "destinataire Chorus Pro",
        default=False,
        help_text="Client privé qui reçoit ses factures par Chorus Pro (les acheteurs publics y sont d'office).",
    )
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="responsable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        ordering = ["nom", "id"]
        indexes = [models.Index(fields=["cabinet", "nom"])]

    def __str__(self) -> str:
        return self.nom

    def get_absolute_url(self) -> str:
        return reverse("clients:client-detail", args=[self.pk])

    @property
    def is_public_body(self) -> bool:
        return self.categorie in PUBLIC_CATEGORIES

    @property
    def receives_chorus(self) -> bool:
        """Invoices to this client may go through Chorus Pro: a public buyer, or a client marked so."""
        return self.is_public_body or self.destinataire_chorus

    @property
    def is_professional(self) -> bool:
        return self.categorie != Category.PARTICULIER

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def is_french(self) -> bool:
        return (self.pays or "").strip().lower() in FRANCE

    @property
    def requires_siret(self) -> bool:
        """A French company or public body: no invoice without its SIRET (buyer SIREN, BR-FR)."""
        return self.is_french and self.categorie in SIRET_CATEGORIES

    def siret_error(self) -> str:
        if self.requires_siret and not self.siret:
            return (
                "Le N° SIRET est obligatoire pour une entreprise, une collectivité, l'État ou un "
                "établissement public français : il figure sur chaque facture (SIREN du client)."
            )
        return ""

    def clean(self) -> None:
        self.siret = compact_siret(self.siret)
        self.tva_intracom = "".join((self.tva_intracom or "").split()).upper()
        if self.siret_error():
            raise ValidationError({"siret": self.siret_error()})


class Contact(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    nom = models.CharField("nom", max_length=150)
    fonction = models.CharField("rôle", max_length=100, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("mail", blank=True)

    class Meta:
        ordering = ["nom", "id"]

    def __str__(self) -> str:
        return self.nom


class WorkFamily(models.Model):
    """Famille de travaux: a per-cabinet managed list (seeded with the usual surveying families)."""

    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="work_families")
    libelle = models.CharField("libellé", max_length=120)
    actif = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "famille de travaux"
        verbose_name_plural = "familles de travaux"
        ordering = ["libelle"]
        constraints = [
            models.UniqueConstraint(fields=["cabinet", "libelle"], name="unique_family_per_cabinet")
        ]

    def __str__(self) -> str:
        return self.libelle


DEFAULT_WORK_FAMILIES = (
    "Bornage amiable contradictoire",
    "Division / copropriété",
    "Topographie",
    "Implantation",
    "Délimitation du domaine public",
    "Mesurage",
    "Document d'arpentage",
    "Plan de division",
    "Permis d'aménager / lotissement",
    "État descriptif de division",
    "Expertise foncière",
    "Relevé d'intérieur",
)


class DossierStatus(models.TextChoices):
    COMMANDE = "commande", "Commandé"
    EN_COURS = "en_cours", "En cours"
    EN_ATTENTE = "en_attente", "En attente"
    TERMINE = "termine", "Terminé"
    ARCHIVE = "archive", "Archivé"


class Dossier(models.Model):
    cabinet = models.ForeignKey(Cabinet, on_delete=models.CASCADE, related_name="dossiers")
    numero = models.CharField("numéro", max_length=20, editable=False)
    objet = models.CharField("objet", max_length=255)
    client = models.ForeignKey(
        Client, verbose_name="client", on_delete=models.PROTECT, related_name="dossiers"
    )
    famille = models.ForeignKey(
        WorkFamily, verbose_name="famille de travaux", on_delete=models.PROTECT, null=True, blank=True
    )
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="responsable",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    statut = models.CharField(
        "statut", max_length=20, choices=DossierStatus.choices, default=DossierStatus.COMMANDE
    )
    commune = models.CharField("commune des travaux", max_length=100, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        ordering = ["-numero"]
        constraints = [models.UniqueConstraint(fields=["cabinet", "numero"], name="unique_dossier_number")]

    def __str__(self) -> str:
        return f"{self.numero} — {self.objet}"

    def get_absolute_url(self) -> str:
        return reverse("clients:dossier-detail", args=[self.pk])
