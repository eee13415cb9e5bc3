from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models

from einvoicing.models import PlatformAccount
from geoprod.filters import DATE_WIDGET


def _https_by_default(field, **kwargs):
    """An address typed without its scheme is read as https:// (Django 6's default, asked for now)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PlatformAccountForm(forms.ModelForm):
    """The secret is write-only: never rendered back; left empty, the stored one is kept."""

    formfield_callback = _https_by_default

    client_secret = forms.CharField(
        label="secret client",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Laissez vide pour conserver le secret enregistré.",
    )

    class Meta:
        model = PlatformAccount
        fields = ["name", "matricule", "flow_url", "directory_url", "token_url", "client_id", "vat_regime"]

    def clean(self):
        data = super().clean()
        if not data.get("client_secret") and not (self.instance.pk and self.instance.has_secret):
            self.add_error("client_secret", "Saisissez le secret client fourni par la plateforme agréée.")
        if not (settings.DEBUG or getattr(settings, "GEOPROD_DEMO", False)):
            for name in ("flow_url", "directory_url", "token_url"):
                if data.get(name) and not data[name].lower().startswith("https://"):
                    self.add_error(
                        name, "Adresse en https:// obligatoire : les identifiants ne circulent que chiffrés."
                    )
        return data


class ReceivedFilterForm(forms.Form):
    """« Factures reçues »: supplier (name, SIREN) or number, status, period of the invoice date."""

    q = forms.CharField(label="Fournisseur ou n°", required=False, max_length=100)
    status = forms.ChoiceField(label="Statut", required=False)
    start = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)
    search_help = "Fournisseur, SIREN ou numéro de facture"

    def __init__(self, *args, **kwargs):
        from einvoicing.models import ReceivedStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Tous")] + ReceivedStatus.choices
        self.fields["q"].widget.attrs.update(type="search", placeholder=self.search_help)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "La fin de la période doit suivre son début.")
        return cleaned


class ReceivedAnswerForm(forms.Form):
    """One answer to a received invoice; the reason is required for a refusal and a dispute, the expected
    action for a dispute (checked again by receiving.answer)."""

    code = forms.TypedChoiceField(
        coerce=int, choices=[(204, "204"), (205, "205"), (207, "207"), (210, "210")], widget=forms.HiddenInput
    )
    reason_code = forms.ChoiceField(label="Motif", required=False)
    action_code = forms.ChoiceField(label="Action attendue du fournisseur", required=False)
    comment = forms.CharField(
        label="Commentaire", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        from einvoicing import receiving

        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = receiving.choices(receiving.REFUSAL_REASONS)
        self.fields["action_code"].choices = receiving.choices(receiving.ACTION_CODES)

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code in (207, 210) and not cleaned.get("reason_code"):
            self.add_error("reason_code", "Choisissez le motif.")
        if code == 207 and not cleaned.get("action_code"):
            self.add_error("action_code", "Choisissez l'action attendue du fournisseur.")
        return cleaned
