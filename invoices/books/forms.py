"""Forms of the Comptabilité pages: the cabinet's account plan and the choice of an exercice."""

from __future__ import annotations

from django import forms

from invoices.books import fec
from invoices.models import AccountPlan


class AccountPlanForm(forms.ModelForm):
    """Paramètres > Comptabilité: journals and accounts the FEC uses."""

    class Meta:
        model = AccountPlan
        fields = [
            "sales_journal_code", "sales_journal_label", "bank_journal_code", "bank_journal_label",
            "clients", "client_aux_prefix", "sales_20", "sales_10", "sales_5_5", "sales_2_1", "sales_0",
            "vat_20", "vat_10", "vat_5_5", "vat_2_1", "vat_pending", "acomptes", "debours", "bank",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"Le champ « {field.label} » est obligatoire."

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                # Accounts and journal codes are typed the way people write them (« 706 120 », « ve »).
                cleaned[name] = value.strip() if name.endswith("_label") else "".join(value.split()).upper()
        return cleaned


class FiscalYearForm(forms.Form):
    exercice = forms.TypedChoiceField(
        label="Exercice",
        coerce=int,
        error_messages={
            "invalid_choice": "Choisissez un exercice de la liste.",
            "required": "Choisissez un exercice.",
        },
    )

    def __init__(self, *args, cabinet, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = fec.fiscal_years(cabinet)
        self.fields["exercice"].choices = [(fy.year, fy.label) for fy in self.years]
        self.cabinet = cabinet

    def fiscal_year(self) -> fec.FiscalYear:
        return fec.FiscalYear.of(self.cabinet, self.cleaned_data["exercice"])
