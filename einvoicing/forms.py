from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models

from einvoicing.models import PlatformAccount


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
