"""Client, contact and dossier pages. Thin: access check, form or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients import exports, selectors, services
from clients.forms import (
    ClientFilterForm,
    ClientForm,
    ContactForm,
    CoordinatesForm,
    DossierFilterForm,
    DossierForm,
    PickerSearchForm,
)
from clients.models import Client, Contact, Dossier
from geoprod import tabular
from geoprod.pagination import paginate
from geoprod.search import criteria, terms
from geoprod.tenancy import current_cabinet, get_for_cabinet


def filtered_clients(request) -> tuple[ClientFilterForm, QuerySet[Client]]:
    """The search form and the clients it selects: the list page and its exports read the same rows."""
    filters = ClientFilterForm(request.GET or None)
    return filters, selectors.filter_clients(current_cabinet(request), criteria(filters))


def client_list(request):
    filters, clients = filtered_clients(request)
    page, querystring = paginate(request, clients)
    return render(
        request, "clients/client_list.html", {"page": page, "filters": filters, "querystring": querystring}
    )


def client_export(request, fmt: str):
    tabular.check_format(fmt)
    _, clients = filtered_clients(request)
    return tabular.response(fmt, f"clients-{timezone.localdate():%Y-%m-%d}", exports.client_sheet(clients))


def client_create(request):
    cabinet = current_cabinet(request)
    form = ClientForm(request.POST or None, cabinet=cabinet)
    if request.method == "POST" and form.is_valid():
        client = form.save()
        messages.success(request, f"Le client « {client.nom} » a été créé.")
        return redirect("clients:client-detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form})


def client_edit(request, pk: int):
    cabinet = current_cabinet(request)
    client = get_for_cabinet(Client, cabinet, pk=pk)
    form = ClientForm(request.POST or None, instance=client, cabinet=cabinet)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Les informations du client ont été enregistrées.")
        return redirect("clients:client-detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


def client_detail(request, pk: int, coordinates_form=None, contact_form=None):
    cabinet = current_cabinet(request)
    client = get_for_cabinet(Client.objects.select_related("responsable"), cabinet, pk=pk)
    context = {
        "client": client,
        "contacts": client.contacts.all(),
        "dossiers": selectors.dossier_list(cabinet=cabinet, client=client)[:50],
        "coordinates_form": coordinates_form or CoordinatesForm(instance=client),
        "contact_form": contact_form or ContactForm(),
    }
    return render(request, "clients/client_detail.html", context)


@require_POST
def client_coordinates(request, pk: int):
    """« Mise à jour coordonnées »."""
    client = get_for_cabinet(Client, current_cabinet(request), pk=pk)
    form = CoordinatesForm(request.POST, instance=client)
    if not form.is_valid():
        return client_detail(request, pk, coordinates_form=form)
    form.save()
    messages.success(request, "Les coordonnées ont été mises à jour.")
    return redirect("clients:client-detail", pk=pk)


@require_POST
def contact_add(request, pk: int):
    client = get_for_cabinet(Client, current_cabinet(request), pk=pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return client_detail(request, pk, contact_form=form)
    form.instance.client = client
    form.save()
    messages.success(request, f"Le contact « {form.instance.nom} » a été ajouté.")
    return redirect(f"{client.get_absolute_url()}#contacts")


def contact_edit(request, pk: int):
    contact = get_for_cabinet(
        Contact.objects.select_related("client"), current_cabinet(request), via="client__cabinet", pk=pk
    )
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Le contact a été enregistré.")
        return redirect(f"{contact.client.get_absolute_url()}#contacts")
    return render(request, "clients/contact_form.html", {"form": form, "contact": contact})


@require_POST
def contact_delete(request, pk: int):
    contact = get_for_cabinet(
        Contact.objects.select_related("client"), current_cabinet(request), via="client__cabinet", pk=pk
    )
    contact.delete()
    messages.success(request, f"Le contact « {contact.nom} » a été supprimé.")
    return redirect(f"{contact.client.get_absolute_url()}#contacts")


def dossier_list(request):
    cabinet = current_cabinet(request)
    filters = DossierFilterForm(request.GET or None, cabinet=cabinet)
    page, querystring = paginate(request, selectors.filter_dossiers(cabinet, criteria(filters)))
    return render(
        request, "clients/dossier_list.html", {"page": page, "filters": filters, "querystring": querystring}
    )


def dossier_create(request):
    cabinet = current_cabinet(request)
    initial = {"client": request.GET.get("client"), "responsable": request.user.pk}
    form = DossierForm(request.POST or None, cabinet=cabinet, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "client"}
        dossier = services.create_dossier(cabinet=cabinet, client=form.cleaned_data["client"], **fields)
        messages.success(request, f"Le dossier {dossier.numero} a été créé.")
        return redirect("clients:dossier-detail", pk=dossier.pk)
    return render(request, "clients/dossier_form.html", {"form": form})


def dossier_edit(request, pk: int):
    cabinet = current_cabinet(request)
    dossier = get_for_cabinet(Dossier, cabinet, pk=pk)
    form = DossierForm(request.POST or None, instance=dossier, cabinet=cabinet)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Le dossier a été enregistré.")
        return redirect("clients:dossier-detail", pk=dossier.pk)
    return render(request, "clients/dossier_form.html", {"form": form, "dossier": dossier})


def dossier_detail(request, pk: int):
    qs = Dossier.objects.select_related("client", "famille", "responsable")
    dossier = get_for_cabinet(qs, current_cabinet(request), pk=pk)
    return render(request, "clients/dossier_detail.html", {"dossier": dossier})


def _picker_search(request) -> PickerSearchForm | JsonResponse:
    search = PickerSearchForm(request.GET)
    if not search.is_valid():
        return JsonResponse({"error": search.first_error()}, status=400)
    return search


def _picker_reply(rows: list, item) -> JsonResponse:
    more = len(rows) > selectors.PICKER_ROWS
    return JsonResponse({"results": [item(r) for r in rows[: selectors.PICKER_ROWS]], "more": more})


def client_choices(request):
    """The client picker's search: the cabinet's matching clients as JSON."""
    search = _picker_search(request)
    if isinstance(search, JsonResponse):
        return search
    rows = selectors.client_choices(current_cabinet(request), terms(search.cleaned_data["q"]))
    return _picker_reply(rows, lambda c: {"id": c.pk, "label": c.nom, "detail": c.ville})


def dossier_choices(request):
    """The dossier picker's search: the cabinet's matching dossiers (of the chosen client) as JSON."""
    search = _picker_search(request)
    if isinstance(search, JsonResponse):
        return search
    rows = selectors.dossier_choices(
        current_cabinet(request), terms(search.cleaned_data["q"]), client=search.cleaned_data["client"]
    )
    return _picker_reply(
        rows,
        lambda d: {"id": d.pk, "label": str(d), "detail": d.client.nom, "client": d.client_id},
    )
