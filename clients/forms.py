"""Client, contact and dossier forms with French error messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html

from clients.models import (
    FRANCE,
    PUBLIC_CATEGORIES,
    Category,
    Client,
    Contact,
    Dossier,
    DossierStatus,
    PublicTerm,
    WorkFamily,
)
from clients.pickers import ClientPickerField, is_ascii_id
from geoprod.filters import ListFilterForm
from geoprod.forms import CompactField
from geoprod.models import Cabinet
from geoprod.phones import PhoneField
from geoprod.templatetags.geoprod_tags import person
from geoprod.validators import compact_siret, validate_french_postcode


def _cabinet_users(cabinet: Cabinet):
    return get_user_model().objects.filter(membership__cabinet=cabinet).order_by("last_name", "username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person(obj)


class FrenchPostcodeMixin:
    """A French address carries a 5-digit postcode; a foreign one keeps its own format."""

    def clean(self):
        cleaned = super().clean()
        postcode = (cleaned.get("code_postal") or "").strip()
        cleaned["code_postal"] = postcode
        if (cleaned.get("pays") or "").strip().lower() in FRANCE:
            try:
                validate_french_postcode(postcode)
            except forms.ValidationError as e:
                self.add_error("code_postal", e)
        return cleaned


class ClientForm(FrenchPostcodeMixin, forms.ModelForm):
    site_web = forms.URLField(
        label="Site internet",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Saisissez une adresse internet valide (https://…)."},
    )
    siret = CompactField(label="N° SIRET", required=False, max_length=20)
    tva_intracom = CompactField(label="N° TVA intracommunautaire", required=False, max_length=24, upper=True)
    confirmer_doublon = forms.BooleanField(
        label="Ce n'est pas le même client", required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Client
        fields = [
            "nom", "adresse", "code_postal", "ville", "pays", "province", "telephone", "fax", "email",
            "site_web", "categorie", "delai_paiement_public", "siret", "tva_intracom", "destinataire_chorus",
            "groupe", "responsable",
        ]  # fmt: skip
        field_classes = {"responsable": UserChoiceField, "telephone": PhoneField, "fax": PhoneField}
        error_messages = {"nom": {"required": "Le nom du client est obligatoire."}}

    def __init__(self, *args, cabinet: Cabinet, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cabinet = cabinet
        self.fields["responsable"].queryset = _cabinet_users(cabinet)
        self.fields["siret"].widget.attrs["placeholder"] = "14 chiffres"
        term = self.fields["delai_paiement_public"]
        term.required = False
        term.widget.attrs["data-shown-for"] = ",".join(sorted(PUBLIC_CATEGORIES))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("delai_paiement_public") or cleaned.get("categorie") not in PUBLIC_CATEGORIES:
            cleaned["delai_paiement_public"] = PublicTerm.STANDARD
        twin, reason = self._likely_duplicate(cleaned)
        if twin is not None and not cleaned.get("confirmer_doublon"):
            self.fields["confirmer_doublon"].widget = forms.CheckboxInput()
            self.add_error(
                None,
                forms.ValidationError(
                    format_html(
                        'Ce client semble exister déjà ({}) : <a href="{}">{}</a>. Ouvrez sa fiche, ou cochez '
                        "« Ce n'est pas le même client » pour enregistrer quand même.",
                        reason,
                        reverse("clients:client-detail", args=[twin.pk]),
                        twin.nom,
                    ),
                    code="duplicate",
                ),
            )
        return cleaned

    def _likely_duplicate(self, cleaned) -> tuple[Client | None, str]:
        """Another client of the cabinet with the same SIRET, or the same name and postcode."""
        others = Client.objects.filter(cabinet=self.instance.cabinet).exclude(pk=self.instance.pk)
        siret = compact_siret(cleaned.get("siret") or "")
        if siret:
            twin = others.filter(siret=siret).order_by("pk").first()
            if twin:
                return twin, "même SIRET"
        nom, postcode = (cleaned.get("nom") or "").strip(), (cleaned.get("code_postal") or "").strip()
        if nom and postcode:
            twin = others.filter(nom__iexact=nom, code_postal=postcode).order_by("pk").first()
            if twin:
                return twin, "même nom et même code postal"
        return None, ""


class CoordinatesForm(FrenchPostcodeMixin, forms.ModelForm):
    """« Mise à jour coordonnées »: only the contact details of a client."""

    site_web = ClientForm.base_fields["site_web"]

    class Meta:
        model = Client
        fields = [
            "adresse",
            "code_postal",
            "ville",
            "pays",
            "province",
            "telephone",
            "fax",
            "email",
            "site_web",
        ]
        field_classes = {"telephone": PhoneField, "fax": PhoneField}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["nom", "fonction", "telephone", "email"]
        field_classes = {"telephone": PhoneField}
        error_messages = {"nom": {"required": "Le nom du contact est obligatoire."}}


class DossierForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = ["objet", "client", "famille", "responsable", "statut", "commune"]
        field_classes = {"responsable": UserChoiceField, "client": ClientPickerField}
        error_messages = {
            "objet": {"required": "L'objet du dossier est obligatoire."},
            "client": {"required": "Choisissez le client du dossier."},
        }

    def __init__(self, *args, cabinet: Cabinet, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cabinet = cabinet
        self.fields["client"].queryset = Client.objects.filter(cabinet=cabinet)
        # A family switched off in Paramètres stays offered to the dossiers that already use it.
        self.fields["famille"].queryset = WorkFamily.objects.filter(
            Q(actif=True) | Q(pk=self.instance.famille_id), cabinet=cabinet
        )
        self.fields["responsable"].queryset = _cabinet_users(cabinet)


class ClientFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher", required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    categorie = forms.ChoiceField(
        label="Catégorie", required=False, choices=[("", "Toutes")] + Category.choices
    )


class DossierFilterForm(ListFilterForm):
    search_help = "N°, objet, client ou SIRET"
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous")] + DossierStatus.choices)
    famille = forms.ModelChoiceField(
        label="Famille de travaux", required=False, queryset=WorkFamily.objects.none(), empty_label="Toutes"
    )
    responsable = UserChoiceField(label="Responsable", required=False, queryset=None, empty_label="Tous")

    def __init__(self, *args, cabinet: Cabinet, **kwargs):
        super().__init__(*args, cabinet=cabinet, **kwargs)
        del self.fields["dossier"]
        self.fields["famille"].queryset = WorkFamily.objects.filter(cabinet=cabinet)
        self.fields["responsable"].queryset = _cabinet_users(cabinet)


class PickerSearchForm(forms.Form):
    """What the client and dossier pickers send while the user types."""

    q = forms.CharField(
        required=False,
        max_length=100,
        error_messages={"max_length": "La recherche compte au plus 100 caractères."},
    )
    client = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            "invalid": "Le client indiqué n'est pas valide.",
            "min_value": "Le client indiqué n'est pas valide.",
            "max_value": "Le client indiqué n'est pas valide.",
        },
    )

    def clean_client(self):
        raw = str(self.data.get("client", "")).strip()
        if raw and not is_ascii_id(raw):
            raise forms.ValidationError("Le client indiqué n'est pas valide.")
        return self.cleaned_data["client"]

    def first_error(self) -> str:
        return next(iter(e for errors in self.errors.values() for e in errors))
