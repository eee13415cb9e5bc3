from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import UploadedFile

from clients.models import WorkFamily
from geoprod import images, limits, throttling
from geoprod.models import Cabinet
from geoprod.phones import PhoneField
from geoprod.validators import validate_french_postcode


class CompactField(forms.CharField):
    """A code people type with spaces (SIRET, TVA, IBAN). The field is wider than the stored value; the spaces
    go after its length check and before the model's, and the letters are upper-cased when asked."""

    def __init__(self, *, upper: bool = False, **kwargs):
        self.upper = upper
        super().__init__(**kwargs)

    def clean(self, value):
        value = "".join(super().clean(value).split())
        return value.upper() if self.upper else value


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Saisissez votre identifiant."
        self.fields["password"].error_messages["required"] = "Saisissez votre mot de passe."

    error_messages = {
        "invalid_login": "Identifiant ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def get_invalid_login_error(self):
        remaining = getattr(self.request, "login_wait", None)
        if remaining:
            return forms.ValidationError(
                "Trop de tentatives de connexion ont échoué : par sécurité, patientez "
                f"{throttling.minutes(remaining)} avant de réessayer.",
                code="throttled",
            )
        return super().get_invalid_login_error()


class CabinetIdentityForm(forms.ModelForm):
    siret = CompactField(label="SIRET", required=False, max_length=20)
    tva_intracom = CompactField(label="TVA intracommunautaire", required=False, max_length=24, upper=True)
    iban = CompactField(label="IBAN", required=False, max_length=42, upper=True)

    class Meta:
        model = Cabinet
        fields = [
            "raison_sociale", "forme_juridique", "siret", "tva_intracom", "adresse", "code_postal", "ville",
            "telephone", "email", "rcs", "capital", "ordre_geometres", "logo", "iban", "bic",
            "fiscal_year_start_month",
        ]  # fmt: skip
        field_classes = {"logo": images.BoundedImageField, "telephone": PhoneField}
        widgets = {"logo": images.LogoInput}
        error_messages = {"raison_sociale": {"required": "La raison sociale est obligatoire."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year_start_month"].required = False

    def clean_bic(self) -> str:
        return self.cleaned_data.get("bic", "").strip().upper()

    def clean_fiscal_year_start_month(self) -> int:
        # A form posted without the field (an older page, a script) keeps the exercice it had.
        return self.cleaned_data.get("fiscal_year_start_month") or self.instance.fiscal_year_start_month or 1

    def clean_code_postal(self) -> str:
        postcode = self.cleaned_data.get("code_postal", "").strip()
        validate_french_postcode(postcode)
        return postcode

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return images.reencoded(logo)
        return logo


class PiecesForm(forms.ModelForm):
    """Paramètres > Pièces: numbering and invoice texts."""

    class Meta:
        model = Cabinet
        fields = [
            "invoice_prefix",
            "invoice_footer",
            "payment_terms_days",
            "late_penalty_rate",
            "vat_on_debits",
            "vat_franchise",
        ]
        widgets = {"invoice_footer": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"invoice_footer": limits.FOOTER_HELP}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("vat_franchise") and cleaned.get("vat_on_debits"):
            self.add_error(
                "vat_on_debits",
                "Un cabinet en franchise en base ne facture pas de TVA : l'option pour les débits ne s'applique pas.",
            )
        return cleaned

    def clean_payment_terms_days(self) -> int:
        days = self.cleaned_data["payment_terms_days"]
        if days > 60:
            raise forms.ValidationError(
                "Le délai de paiement ne peut pas dépasser 60 jours (art. L441-10 du Code de commerce)."
            )
        return days


class WorkFamilyForm(forms.ModelForm):
    class Meta:
        model = WorkFamily
        fields = ["libelle"]
        error_messages = {"libelle": {"required": "Saisissez le libellé de la famille de travaux."}}

    def __init__(self, *args, cabinet: Cabinet, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cabinet = cabinet

    def clean_libelle(self) -> str:
        libelle = self.cleaned_data["libelle"].strip()
        if WorkFamily.objects.filter(cabinet=self.instance.cabinet, libelle__iexact=libelle).exists():
            raise forms.ValidationError("Cette famille de travaux existe déjà.")
        return libelle


MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class DashboardPeriodForm(forms.Form):
    """The tableau de bord's period, in whole months (« 2026-01 »; a full date is read as its month)."""

    start = forms.DateField(
        label="Du mois",
        required=False,
        widget=MONTH_WIDGET,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": "Indiquez un mois (ex. : 2026-01)."},
    )
    end = forms.DateField(
        label="Au mois",
        required=False,
        widget=MONTH_WIDGET,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": "Indiquez un mois (ex. : 2026-12)."},
    )

    def clean(self):
        from geoprod import dashboard

        cleaned = super().clean()
        if self.errors:
            return cleaned
        default_first, default_last = dashboard.default_period()
        end = cleaned.get("end")
        last = dashboard.month_start(end) if end else default_last
        start = cleaned.get("start")
        first = dashboard.month_start(start) if start else dashboard.add_months(last, -11)
        if first > last:
            self.add_error("end", "La fin de la période doit suivre son début.")
        elif len(dashboard.months_between(first, last)) > dashboard.MAX_MONTHS:
            self.add_error("start", f"Choisissez une période de {dashboard.MAX_MONTHS} mois au plus.")
        else:
            cleaned["first"], cleaned["last"] = first, last
        return cleaned

    def period(self) -> tuple:
        """(first month, last month) asked for, or the last twelve months when the input is unusable."""
        from geoprod import dashboard

        if self.is_bound and self.is_valid():
            return self.cleaned_data["first"], self.cleaned_data["last"]
        return dashboard.default_period()
