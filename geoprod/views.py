"""Home dashboard and the Paramètres pages (cabinet admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clients.models import WorkFamily
from geoprod import dashboard, selectors
from geoprod.forms import CabinetIdentityForm, DashboardPeriodForm, LoginForm, PiecesForm, WorkFamilyForm
from geoprod.tenancy import admin_required, current_cabinet, get_for_cabinet


class LoginView(auth_views.LoginView):
    """The login page; a login refused because too many attempts failed answers 429 Too Many Requests."""

    template_name = "geoprod/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(self.request, "login_wait", None):
            response.status_code = 429
        return response


def home(request):
    cabinet = current_cabinet(request)
    period = DashboardPeriodForm(request.GET or None)
    first, last = period.period()
    context = {
        "figures": selectors.home_figures(cabinet=cabinet),
        "dashboard": dashboard.dashboard(cabinet=cabinet, first=first, last=last),
        "period": period,
    }
    return render(request, "geoprod/home.html", context)


@admin_required
def settings_cabinet(request):
    cabinet = current_cabinet(request)
    form = CabinetIdentityForm(request.POST or None, request.FILES or None, instance=cabinet)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "L'identité du cabinet a été enregistrée.")
        return redirect("settings:cabinet")
    return render(request, "geoprod/settings_cabinet.html", {"form": form, "tab": "cabinet"})


@admin_required
def cabinet_logo(request):
    """The user's own cabinet logo, read through the storage: media files are never served as a folder
    (invoice PDFs sit there at guessable paths), so the Paramètres preview comes through here."""
    logo = current_cabinet(request).logo
    if not logo:
        raise Http404("Aucun logo.")
    response = FileResponse(logo.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@admin_required
def settings_pieces(request):
    cabinet = current_cabinet(request)
    form = PiecesForm(request.POST or None, instance=cabinet)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Les paramètres des pièces ont été enregistrés.")
        return redirect("settings:pieces")
    return render(request, "geoprod/settings_pieces.html", {"form": form, "tab": "pieces"})


@admin_required
def settings_families(request):
    cabinet = current_cabinet(request)
    form = WorkFamilyForm(request.POST or None, cabinet=cabinet)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"La famille « {form.instance.libelle} » a été ajoutée.")
        return redirect("settings:families")
    families = WorkFamily.objects.filter(cabinet=cabinet)
    return render(
        request, "geoprod/settings_families.html", {"form": form, "families": families, "tab": "families"}
    )


@admin_required
@require_POST
def settings_family_toggle(request, pk: int):
    family = get_for_cabinet(WorkFamily, current_cabinet(request), pk=pk)
    family.actif = not family.actif
    family.save(update_fields=["actif"])
    state = "réactivée" if family.actif else "désactivée"
    messages.success(request, f"La famille « {family.libelle} » a été {state}.")
    return redirect("settings:families")
