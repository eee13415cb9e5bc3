"""Client and dossier pickers: a real <select> that the server validates, holding only the chosen option.

A cabinet has hundreds of clients and a thousand dossiers or more: a drop-down of all of them is both
unusable and the slowest part of the page (every option rendered through the widget templates). The
select carries only the empty choice and the chosen row; static/js/picker.js puts a search box beside it,
which asks the cabinet's search views (clients.views.client_choices / dossier_choices) for matching rows
and puts the chosen one into the select. The form posts the select as before, with or without script.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy

from clients.models import Client, Dossier


class PickerSelect(forms.Select):
    """Renders the empty choice and the selected row only (one query by primary key, none when empty)."""

    def __init__(self, *, search_url: str, placeholder: str, fills: str = "", attrs=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.placeholder = placeholder
        self.fills = fills

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "data-picker": str(self.search_url),
            "data-picker-placeholder": self.placeholder,
        }
        if self.fills:
            # The dossier picker fills the client picker of the same form (the dossier's client).
            attrs["data-picker-fills"] = self.fills
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        field = self.choices.field
        chosen = next((v for v in value if v not in ("", None)), None)
        options = [self.create_option(name, "", field.empty_label, chosen is None, 0, attrs=attrs)]
        row = self._row(field, chosen) if chosen is not None else None
        if row is not None:
            option = self.create_option(
                name, str(row.pk), field.label_from_instance(row), True, 1, attrs=attrs
            )
            option["attrs"].update(self.option_data(row))
            options.append(option)
        return [(None, options, 0)]

    def option_data(self, row) -> dict:
        return {}

    @staticmethod
    def _row(field, pk):
        # Only the field's queryset (the cabinet's rows): another cabinet's id is not shown, and the field
        # refuses it on submit.
        return field.queryset.filter(pk=int(pk)).first() if is_ascii_id(pk) else None


class DossierPickerSelect(PickerSelect):
    def option_data(self, row) -> dict:
        return {"data-client": str(row.client_id)}


def is_ascii_id(value) -> bool:
    """An id in ASCII digits: int() would also read « ١ » as 1."""
    key = str(value)
    return key.isascii() and key.isdigit() and len(key) <= 18


class PickerField(forms.ModelChoiceField):
    """Refuses anything but an id in ASCII digits: int() would read « ١ » as 1, another client."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, int) and not is_ascii_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ClientPickerField(PickerField):
    """The cabinet's clients, chosen by search; give the cabinet's queryset in the form's __init__."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Client.objects.none())
        kwargs.setdefault(
            "widget",
            PickerSelect(
                search_url=reverse_lazy("clients:client-choices"),
                placeholder="Rechercher un client (nom ou SIRET)…",
            ),
        )
        super().__init__(**kwargs)


class DossierPickerField(PickerField):
    """The cabinet's dossiers, chosen by search; choosing one also chooses its client (the `fills` field)."""

    def __init__(self, *, fills: str = "id_client", **kwargs):
        kwargs.setdefault("queryset", Dossier.objects.none())
        kwargs.setdefault(
            "widget",
            DossierPickerSelect(
                search_url=reverse_lazy("clients:dossier-choices"),
                placeholder="Rechercher un dossier (n°, objet ou client)…",
                fills=fills,
            ),
        )
        super().__init__(**kwargs)
