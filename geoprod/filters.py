"""The filter form every list shares: one search box, client, dossier and a period."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from geoprod.models import Cabinet

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ListFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False, max_length=100)
    # Plain ids: the page renders the <select>s itself, far cheaper than a ModelChoiceField widget once a
    # cabinet has hundreds of clients and dossiers.
    client = forms.IntegerField(label="Client", required=False, min_value=1)
    dossier = forms.IntegerField(label="Dossier", required=False, min_value=1)
    start = forms.DateField(label="Du", required=False, widget=DATE_WIDGET)
    end = forms.DateField(label="Au", required=False, widget=DATE_WIDGET)

    search_help = "N°, client, objet, montant ou SIRET"

    def __init__(self, *args, cabinet: Cabinet, **kwargs):
        super().__init__(*args, **kwargs)
        self.cabinet = cabinet
        self.fields["q"].widget.attrs.update(type="search", placeholder=self.search_help)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "La fin de la période doit suivre son début.")
        return cleaned

    @property
    def client_choices(self):
        from clients.models import Client

        return Client.objects.filter(cabinet=self.cabinet).order_by("nom").values_list("id", "nom")

    @property
    def dossier_choices(self) -> list[tuple[int, str]]:
        """The chosen client's dossiers (or the one dossier asked for): a cabinet's whole list would be
        too long for a drop-down."""
        from clients.models import Dossier

        client, dossier = self._value("client"), self._value("dossier")
        if not client and not dossier:
            return []
        qs = Dossier.objects.filter(cabinet=self.cabinet)
        qs = qs.filter(client_id=client) if client else qs.filter(pk=dossier)
        return [
            (pk, f"{numero} — {objet}")
            for pk, numero, objet in qs.order_by("-numero").values_list("id", "numero", "objet")
        ]

    @property
    def client_options(self) -> str:
        """The client drop-down's options, the chosen one selected: built here in one pass (a template loop
        costs several milliseconds for a cabinet's few hundred clients, on every list page)."""
        return _options(self.client_choices, self._value("client"))

    @property
    def dossier_options(self) -> str:
        return _options(
            [(pk, Truncator(label).chars(60)) for pk, label in self.dossier_choices], self._value("dossier")
        )

    def _value(self, name: str) -> int | None:
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return None
        return self.cleaned_data.get(name)


def _options(choices, selected: int | None) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((str(pk), mark_safe(" selected") if pk == selected else "", label) for pk, label in choices),
    )
