"""Forms of the invoicing pages, with French messages; services re-check every rule."""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal

from django import forms

from clients.models import Client, Dossier
from clients.pickers import ClientPickerField, DossierPickerField
from geoprod import limits
from geoprod.filters import ListFilterForm
from invoices import terms, totals, vat
from invoices.models import (
    HoldReason,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    PaymentMode,
    Quote,
    QuoteStatus,
    ReminderChannel,
    ReminderLevel,
    Unit,
    VatRate,
)
from invoices.services import LineInput
from invoices.services.lines import MAX_LINE_AMOUNT
from invoices.services.terms import buyer_kind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FiniteDecimalField(forms.DecimalField):
    """Refuses "NaN" / "sNaN" / "Infinity" while parsing: Django only refuses them in validate(), after a
    formset's has_changed() has compared a signalling NaN, which raises InvalidOperation (a 500)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class LineForm(forms.Form):
    designation = forms.CharField(
        label="Désignation",
        max_length=limits.DESIGNATION_MAX_CHARS,
        validators=limits.DESIGNATION_VALIDATORS,
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    quantity = FiniteDecimalField(
        label="Quantité", max_digits=12, decimal_places=3, localize=True, initial=Decimal("1")
    )
    unit = forms.ChoiceField(label="Unité", choices=Unit.choices, initial=Unit.FORFAIT)
    unit_price = FiniteDecimalField(label="PU HT", max_digits=12, decimal_places=2, localize=True)
    vat_rate = forms.ChoiceField(
        label="TVA",
        choices=VatRate.choices,
        initial=VatRate.T20,
        error_messages={
            "invalid_choice": "Taux de TVA inconnu : choisissez 20 %%, 10 %%, 5,5 %%, 2,1 %% ou 0 %%."
        },
    )
    debours = forms.BooleanField(label="Débours", required=False)

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity <= 0:
            raise forms.ValidationError(
                "La quantité doit être positive (pour une remise, saisissez un prix unitaire négatif)."
            )
        return quantity

    def clean(self):
        cleaned = super().clean()
        quantity, price = cleaned.get("quantity"), cleaned.get("unit_price")
        if quantity is not None and price is not None and abs(quantity * price) >= MAX_LINE_AMOUNT:
            self.add_error("unit_price", "Le montant de la ligne dépasse 100 000 000 € : vérifiez la saisie.")
        return cleaned


class BaseLineFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": f"Une pièce compte au plus {limits.DOCUMENT_MAX_LINES} lignes.",
    }

    def clean(self):
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError("Ajoutez au moins une ligne.")

    def lines(self) -> list[LineInput]:
        return [
            LineInput(
                designation=f.cleaned_data["designation"],
                quantity=f.cleaned_data["quantity"],
                unit=f.cleaned_data["unit"],
                unit_price=f.cleaned_data["unit_price"],
                vat_rate=f.cleaned_data["vat_rate"],
                debours=f.cleaned_data.get("debours", False),
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=2,
    can_delete=True,
    max_num=limits.DOCUMENT_MAX_LINES,
    validate_max=True,
    absolute_max=limits.DOCUMENT_MAX_LINES + 20,
)


def line_initial(lines) -> list[dict]:
    return [
        {
            "designation": line.designation,
            "quantity": line.quantity,
            "unit": line.unit,
            "unit_price": line.unit_price,
            "vat_rate": line.vat_rate,
            "debours": line.debours,
        }
        for line in lines
    ]


class VatRegimeMixin:
    """The regimes the cabinet may pick (franchise en base is the cabinet's, never an invoice's), and the
    coded motif an exonération requires."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("vat_regime") == vat.EXONERATION and not cleaned.get("exemption_code"):
            self.add_error(
                "exemption_code", "Choisissez le motif d'exonération (article du CGI) : il est obligatoire."
            )
        return cleaned


# Searched, not listed: a cabinet's whole list of clients and dossiers is too long for a drop-down.
PICKERS = {"client": ClientPickerField, "dossier": DossierPickerField}


class CabinetScopedForm(forms.ModelForm):
    def __init__(self, *args, cabinet, **kwargs):
        super().__init__(*args, **kwargs)
        if "vat_regime" in self.fields:
            self.fields["vat_regime"].choices = vat.selectable_regimes(
                franchise_cabinet=cabinet.vat_franchise
            )
            if not self.instance.pk:
                self.initial["vat_regime"] = vat.default_regime(
                    franchise_cabinet=cabinet.vat_franchise, vat_on_debits=cabinet.vat_on_debits
                )
        if "client" in self.fields:
            self.fields["client"].queryset = Client.objects.filter(cabinet=cabinet)
        if "dossier" in self.fields:
            self.fields["dossier"].queryset = Dossier.objects.filter(cabinet=cabinet)


class InvoiceForm(VatRegimeMixin, CabinetScopedForm):
    class Meta:
        model = Invoice
        fields = [
            "client",
            "dossier",
            "objet",
            "service_date",
            "payment_terms_days",
            "payment_end_of_month",
            "vat_regime",
            "exemption_code",
            "numero_engagement",
            "numero_marche",
            "code_service",
            "footer_text",
        ]
        field_classes = PICKERS
        widgets = {"service_date": DATE_WIDGET, "footer_text": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "footer_text": limits.FOOTER_HELP,
            "payment_terms_days": "Au plus 60 jours (ou 45 jours fin de mois) pour une entreprise, "
            "30 jours pour un acheteur public (50 pour un établissement public de santé, 60 pour une entreprise "
            "publique) ; libre pour un particulier.",
        }

    def clean(self):
        cleaned = super().clean()
        client = cleaned.get("client") or getattr(self.instance, "client", None)
        days = cleaned.get("payment_terms_days")
        if client is not None and days is not None:
            error = terms.terms_error(
                days=days,
                end_of_month=cleaned.get("payment_end_of_month", False),
                buyer=buyer_kind(client),
                public_max_days=client.delai_paiement_public,
            )
            if error:
                self.add_error("payment_terms_days", error)
        return cleaned


class InvoiceEditForm(InvoiceForm):
    class Meta(InvoiceForm.Meta):
        fields = [f for f in InvoiceForm.Meta.fields if f not in ("client", "dossier")]


class QuoteForm(VatRegimeMixin, CabinetScopedForm):
    class Meta:
        model = Quote
        fields = ["client", "dossier", "objet", "date", "validity_days", "vat_regime", "exemption_code"]
        field_classes = PICKERS
        widgets = {"date": DATE_WIDGET}


class QuoteEditForm(QuoteForm):
    class Meta(QuoteForm.Meta):
        fields = [f for f in QuoteForm.Meta.fields if f not in ("client", "dossier")]


class PartialInvoiceForm(forms.Form):
    percent = forms.DecimalField(
        label="Pourcentage de la commande", required=False, localize=True, max_digits=5, decimal_places=2
    )
    amount_ht = forms.DecimalField(
        label="ou montant HT", required=False, localize=True, max_digits=12, decimal_places=2
    )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("percent") is None) == (cleaned.get("amount_ht") is None):
            raise forms.ValidationError("Indiquez soit un pourcentage, soit un montant HT.")
        return cleaned


class InvoiceFilterForm(ListFilterForm):
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous")] + InvoiceStatus.choices)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous")] + InvoiceKind.choices)
    overdue = forms.BooleanField(label="En retard uniquement", required=False)


class QuoteFilterForm(ListFilterForm):
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous")] + QuoteStatus.choices)


class PaymentFilterForm(ListFilterForm):
    mode = forms.ChoiceField(
        label="Mode de règlement", required=False, choices=[("", "Tous")] + PaymentMode.choices
    )
    search_help = "Client, référence, montant ou SIRET"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["dossier"]


class ReminderForm(forms.Form):
    level = forms.TypedChoiceField(label="Ton de la relance", choices=ReminderLevel.choices, coerce=int)


class AllocationForm(forms.Form):
    """One amount per open invoice of the client; empty means nothing allocated to it."""

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoices = list(invoices)
        for invoice in self.invoices:
            self.fields[f"alloc_{invoice.pk}"] = forms.DecimalField(
                label=f"{invoice.number} — reste dû {totals.money_fr(invoice.amount_due)}",
                required=False,
                localize=True,
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0"),
                error_messages={"min_value": "Un montant affecté ne peut pas être négatif."},
            )

    def allocation_fields(self):
        return [self[f"alloc_{invoice.pk}"] for invoice in self.invoices]

    def allocations(self) -> list[tuple[Invoice, Decimal]]:
        return [
            (invoice, self.cleaned_data[f"alloc_{invoice.pk}"])
            for invoice in self.invoices
            if self.cleaned_data.get(f"alloc_{invoice.pk}")
        ]


class PaymentForm(AllocationForm):
    date = forms.DateField(label="Date du règlement", widget=DATE_WIDGET)
    amount = forms.DecimalField(label="Montant", max_digits=12, decimal_places=2, localize=True)
    mode = forms.ChoiceField(label="Mode de règlement", choices=PaymentMode.choices)
    reference = forms.CharField(label="Référence", max_length=100, required=False)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError("Le montant du règlement doit être positif.")
        return amount


class RefundForm(forms.Form):
    date = forms.DateField(label="Date du remboursement", widget=DATE_WIDGET)
    amount = forms.DecimalField(label="Montant remboursé", max_digits=12, decimal_places=2, localize=True)
    mode = forms.ChoiceField(label="Mode de remboursement", choices=PaymentMode.choices)
    reason = forms.CharField(label="Motif", max_length=100, required=False)


class ReverseForm(forms.Form):
    date = forms.DateField(label="Date de la contre-passation", widget=DATE_WIDGET)
    reason = forms.CharField(label="Motif", max_length=100, required=False)


class ReminderPlanForm(forms.Form):
    """Paramètres > Relances: the plan on or off, and for each tone whether it is used, when and how."""

    enabled = forms.BooleanField(label="Relancer automatiquement chaque matin", required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        steps = {s.level: s for s in plan.steps.all()}
        self.initial.setdefault("enabled", plan.enabled)
        self.levels = []
        for level, label in ReminderLevel.choices:
            step = steps.get(level)
            self.fields[f"active_{level}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"days_{level}"] = forms.IntegerField(
                label="Jours après l'échéance", min_value=1, max_value=365, required=False
            )
            self.fields[f"channel_{level}"] = forms.ChoiceField(
                label="Envoi", choices=ReminderChannel.choices
            )
            self.initial.setdefault(f"active_{level}", step is not None)
            self.initial.setdefault(f"days_{level}", step.days_after_due if step else None)
            self.initial.setdefault(f"channel_{level}", step.channel if step else ReminderChannel.LETTER)
            self.levels.append(
                (label, self[f"active_{level}"], self[f"days_{level}"], self[f"channel_{level}"])
            )

    def clean(self):
        data = super().clean()
        previous = 0
        for level, label in ReminderLevel.choices:
            if not data.get(f"active_{level}"):
                continue
            days = data.get(f"days_{level}")
            if days is None:
                self.add_error(f"days_{level}", f"Indiquez après combien de jours envoyer le « {label} ».")
            elif days <= previous:
                self.add_error(
                    f"days_{level}",
                    "Chaque étape vient après la précédente : indiquez un nombre de jours plus grand.",
                )
            else:
                previous = days
        if data.get("enabled") and not any(data.get(f"active_{level}") for level in ReminderLevel.values):
            self.add_error("enabled", "Activez au moins une étape pour relancer automatiquement.")
        return data

    def steps(self) -> list[tuple[int, int, str]]:
        """(level, days, channel) of the active steps."""
        data = self.cleaned_data
        return [
            (level, data[f"days_{level}"], data[f"channel_{level}"])
            for level in ReminderLevel.values
            if data.get(f"active_{level}")
        ]


class ReminderHoldForm(forms.Form):
    reason = forms.ChoiceField(label="Motif", choices=HoldReason.choices)
    note = forms.CharField(label="Précision", max_length=200, required=False)


STATEMENT_HELP = "Relevé CAMT.053 (XML, format ISO 20022) ou export CSV de votre banque."


class StatementUploadForm(forms.Form):
    account = forms.TypedChoiceField(label="Compte bancaire", coerce=int, required=False, empty_value=None)
    new_account = forms.CharField(
        label="ou nouveau compte",
        max_length=100,
        required=False,
        help_text="Par exemple « Crédit Agricole — courant ».",
    )
    file = forms.FileField(label="Relevé", help_text=STATEMENT_HELP)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "Nouveau compte")] + [(a.pk, a.label) for a in accounts]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limits.BANK_STATEMENT_MAX_BYTES:
            raise forms.ValidationError(
                f"Le relevé ne doit pas dépasser {limits.BANK_STATEMENT_MAX_BYTES // (1024 * 1024)} Mo."
            )
        if upload.size == 0:
            raise forms.ValidationError("Le fichier est vide.")
        return upload


def column_choices(headers: list[str]) -> list[tuple[str, str]]:
    return [("", "—")] + [(h, h) for h in headers if h]


class CsvMappingForm(forms.Form):
    """The columns of a CSV statement; the file travels with the form so nothing is uploaded twice."""

    content = forms.CharField(widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)
    account = forms.IntegerField(widget=forms.HiddenInput)
    separator = forms.ChoiceField(
        label="Séparateur",
        choices=[(";", "Point-virgule ;"), (",", "Virgule ,"), ("\t", "Tabulation"), ("|", "Barre |")],
    )
    decimal_comma = forms.BooleanField(label="Virgule décimale (1 560,00)", required=False)
    date = forms.ChoiceField(label="Date")
    label = forms.ChoiceField(label="Libellé")
    amount = forms.ChoiceField(label="Montant (signé)", required=False)
    debit = forms.ChoiceField(label="ou Débit", required=False)
    credit = forms.ChoiceField(label="et Crédit", required=False)
    reference = forms.ChoiceField(label="Référence", required=False)
    currency = forms.ChoiceField(label="Devise", required=False)

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for role in ("date", "label", "amount", "debit", "credit", "reference", "currency"):
            self.fields[role].choices = column_choices(headers)
        self.fields["date"].error_messages["required"] = "Choisissez la colonne de la date."
        self.fields["label"].error_messages["required"] = "Choisissez la colonne du libellé."

    def clean_content(self):
        try:
            data = base64.b64decode(self.cleaned_data["content"], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(
                "Le fichier transmis est illisible : importez-le de nouveau."
            ) from None
        if len(data) > limits.BANK_STATEMENT_MAX_BYTES:
            raise forms.ValidationError("Le relevé est trop volumineux.")
        return data

    def mapping(self) -> dict:
        keys = (
            "separator",
            "decimal_comma",
            "date",
            "label",
            "amount",
            "debit",
            "credit",
            "reference",
            "currency",
        )
        return {k: self.cleaned_data.get(k) for k in keys}
