"""The Chorus Pro client against the simulator over real HTTP (pytest-django's live server).

The whole sequence the product uses, then each fault switch producing the client's typed error.
Faults are set by the simulator's control functions, in this process (the product's HTTP control endpoints
answer only logged-in staff; the standalone server's, driven over HTTP below, are open).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from chorus import client
from chorus.simulator import lifecycle, seed_data, state
from chorus.simulator.views_control import CONTROLS
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("transactional_db")]

GARONNE_ID = 26300101
TOULOUSE = "21310555400017"
PASSWORD = factories.CHORUS_PASSWORD
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class DictCache:
    """A token cache of one test's own, so no token outlives the test's database."""

    def __init__(self) -> None:
        self.data: dict[str, object] = {}

    def get(self, key: str, default: object = None) -> object:
        return self.data.get(key, default)

    def set(self, key: str, value: object, timeout: float | None = None) -> None:
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)


@pytest.fixture
def sim_url(live_server) -> str:
    return f"{live_server.url}/_chorus-sim"


@pytest.fixture
def control(sim_url):
    def send(name: str, body: dict | None = None) -> dict:
        _, handler = CONTROLS[name]
        state.ensure_seeded()
        return handler(body or {})

    return send


@pytest.fixture
def session():
    """Closed after each test, so no kept-alive connection holds a live-server thread past the session."""
    with requests.Session() as opened:
        yield opened


@pytest.fixture
def make_api(sim_url, session):
    def make(
        *,
        login: str = factories.CHORUS_LOGIN,
        password: str = PASSWORD,
        secret: str = "secret-simulateur",
        timeout: tuple[float, float] = (2, 5),
        attempts: int = 3,
        calls: list | None = None,
    ) -> client.ChorusClient:
        return client.ChorusClient(
            endpoints=client.Endpoints(
                environment=client.SIMULATOR,
                token_url=f"{sim_url}/api/oauth/token",
                api_base=f"{sim_url}/cpro",
            ),
            piste=client.PisteApp(client_id="geoprod-simulateur", client_secret=secret),
            account=client.TechnicalAccount(login=login, password=password),
            token_cache=DictCache(),
            journal=calls.append if calls is not None else (lambda exchange: None),
            timeout=timeout,
            retry=client.RetryPolicy(attempts=attempts, backoff=0.01, max_backoff=0.01),
            session=session,
            sleep=lambda seconds: None,
        )

    return make


@pytest.fixture
def api(make_api) -> client.ChorusClient:
    return make_api()


def wait_for_held_replies(control) -> None:
    """Waits until the simulator has sent every reply it held back, before the test's data is flushed."""
    deadline = time.monotonic() + 10
    while any("pending" in by_status for by_status in control("stats")["byStatus"].values()):
        assert time.monotonic() < deadline, "une réponse retenue par le simulateur ne part pas"
        time.sleep(0.1)
    time.sleep(0.1)  # the request thread closes its connections just after writing the status


def submit_request(api: client.ChorusClient, numero: str, **changes) -> client.SubmitRequest:
    deposit = api.deposit_pdf(PDF, f"{numero}.pdf")
    fields = dict(
        numero_facture=numero,
        date_facture=date.today(),
        id_fournisseur=GARONNE_ID,
        code_destinataire=TOULOUSE,
        code_service_executant="DGST",
        id_coordonnee_bancaire=51001,
        piece_jointe_principale_id=deposit.piece_jointe_id,
        piece_jointe_principale_designation=f"Facture {numero}",
        totals=client.Totals(
            ht=Decimal("1250.00"), tva=Decimal("250.00"), ttc=Decimal("1500.00"), a_payer=Decimal("1500.00")
        ),
        vat_lines=(
            client.VatLine(rate=Decimal("20"), base_ht=Decimal("1250.00"), montant_tva=Decimal("250.00")),
        ),
    )
    return client.SubmitRequest(**(fields | changes))


def paid_number() -> str:
    return next(n for i in range(1, 100) if lifecycle.outcome_for(n := f"F-2026-{i:04d}") == lifecycle.NORMAL)


def test_whole_sequence_the_product_uses(api, control):
    (own,) = api.active_structures()
    assert (own.id_structure_cpp, own.identifiant, own.designation) == (
        GARONNE_ID,
        "81234567600017",
        "Géomètres Experts Garonne",
    )
    assert [s.code for s in api.list_services(own.id_structure_cpp)] == ["FACTURATION", "AGENCE_MONTAUBAN"]
    assert [b.id_coordonnee_bancaire for b in api.bank_accounts(own.id_structure_cpp)] == [51001, 51002]
    assert api.consult_structure(own.id_structure_cpp).password_expires_on == date(2027, 12, 31)
    assert api.current_user_id() == 178051

    recipient = api.find_structure(TOULOUSE)
    assert recipient.designation == "Mairie de Toulouse"
    details = api.consult_structure(recipient.id_structure_cpp)
    assert details.parameters.service_code_required and not details.parameters.engagement_required
    services = api.list_services(recipient.id_structure_cpp, page_size=2)
    assert len(services) == 5 and not next(s for s in services if s.code == "CADASTRE_ANCIEN").actif
    urbanisme = next(s for s in services if s.code == "URBANISME")
    assert api.consult_service(recipient.id_structure_cpp, urbanisme.id_service).engagement_required
    assert api.find_structure("73282932000074") is None

    attachment_id = api.add_attachment(
        b"PV de bornage", name="pv-bornage.pdf", mime="application/pdf", extension="pdf"
    )
    numero = paid_number()
    request = submit_request(
        api,
        numero,
        complementary=(
            client.ComplementaryAttachment(piece_jointe_id=attachment_id, designation="PV de bornage"),
        ),
    )
    submitted = api.submit(request)
    assert (submitted.numero_facture, submitted.statut, submitted.date_depot) == (
        numero,
        "DEPOSEE",
        date.today(),
    )
    assert submitted.identifiant_structure == "81234567600017"

    consulted = api.consult_invoice(submitted.identifiant_facture_cpp)
    assert (consulted.statut, consulted.montant_ttc, consulted.code_service_executant) == (
        "DEPOSEE",
        Decimal("1500.00"),
        "DGST",
    )
    found = api.find_by_number(numero)
    assert found.identifiant_facture_cpp == submitted.identifiant_facture_cpp

    control("clock", {"days": 3})
    moved = list(api.search_invoices(client.InvoiceSearch(statuts=("SERVICE_FAIT",))))
    assert [m.identifiant_facture_cpp for m in moved] == [submitted.identifiant_facture_cpp]
    history = api.invoice_history(submitted.identifiant_facture_cpp)
    assert history.statut_courant == "SERVICE_FAIT"
    assert [c.statut for c in history.changes] == [
        "SERVICE_FAIT",
        "MISE_A_DISPOSITION",
        "EN_COURS_ACHEMINEMENT",
        "DEPOSEE",
    ]
    assert all(c.at is not None and c.commentaire for c in history.changes)


def test_delta_search_by_status_change_window(api, control):
    first = api.submit(submit_request(api, paid_number()))
    control("clock", {"days": 3})
    (current,) = api.search_invoices(client.InvoiceSearch(numero_facture=first.numero_facture))
    assert current.statut == "SERVICE_FAIT"
    changed_at = current.date_heure_etat_courant
    since = list(api.search_invoices(client.InvoiceSearch(changed_since=changed_at)))
    assert [c.identifiant_facture_cpp for c in since] == [first.identifiant_facture_cpp]
    after = client.InvoiceSearch(changed_since=changed_at + timedelta(milliseconds=1))
    assert list(api.search_invoices(after)) == []


def test_search_reads_every_page(api):
    for i in range(1, 8):
        api.submit(submit_request(api, f"P-{i:02d}"))
    assert len(list(api.search_invoices(page_size=3))) == 7


def test_reference_lists_health_and_flux(api, control):
    assert any(m.code == "TVA_NON_APPLICABLE_293B" for m in api.exemption_motives())
    assert any(r.code == "TVA20" for r in api.vat_rates())
    assert api.attachment_types()
    assert api.health_check() is True
    flux = api.deposit_flux(b"%PDF-1.7 factur-x.xml <rsm:CrossIndustryInvoice/>", "F-2026-0042.pdf")
    assert api.flux_report(flux.numero_flux_depot).etat == "IN_DEPOSE"
    control("clock", {"minutes": 15})
    assert api.flux_report(flux.numero_flux_depot).etat == "IN_INTEGRE"


# -- functional refusals --------------------------------------------------------------------------------------


def test_missing_service_code_is_rejected_with_chorus_code_and_libelle(api):
    with pytest.raises(client.ChorusRejected) as refused:
        api.submit(submit_request(api, "F-2026-0001", code_service_executant=None))
    assert refused.value.code == "20102"
    assert "code service" in refused.value.libelle


def test_duplicate_number_is_rejected(api):
    api.submit(submit_request(api, "F-2026-0001"))
    with pytest.raises(client.ChorusRejected) as refused:
        api.submit(submit_request(api, "F-2026-0001"))
    assert refused.value.code == "20105"


def test_engagement_number_required_by_lyon(api):
    with pytest.raises(client.ChorusRejected) as refused:
        api.submit(
            submit_request(
                api, "F-2026-0001", code_destinataire="21690123100011", code_service_executant=None
            )
        )
    assert refused.value.code == "20104"


def test_oversized_attachment_is_rejected_with_20003(api):
    with pytest.raises(client.ChorusRejected) as refused:
        api.add_attachment(
            b"x" * (10 * 1024 * 1024 + 1), name="plan.pdf", mime="application/pdf", extension="PDF"
        )
    assert refused.value.code == "20003"


def test_non_pdf_deposit_is_rejected(api):
    with pytest.raises(client.ChorusRejected):
        api.deposit_pdf(b"PK\x03\x04 pas un pdf", "facture.pdf")


# -- authentication -------------------------------------------------------------------------------------------


def test_wrong_piste_secret_is_an_auth_error(make_api):
    with pytest.raises(client.ChorusAuthError):
        make_api(secret="faux").active_structures()


def test_wrong_technical_password_is_an_auth_error(make_api):
    with pytest.raises(client.ChorusAuthError):
        make_api(password="faux").active_structures()


def test_expired_technical_password_is_an_auth_error(make_api):
    with pytest.raises(client.ChorusAuthError) as refused:
        make_api(login="TECH_00000000178053@cpp2017.fr").active_structures()
    assert refused.value.http_status == 403


def test_expired_token_is_renewed_once_and_the_call_replayed(api, control):
    api.active_structures()
    control("reset")
    control("faults", {"kind": "expired_token", "count": 1})
    assert api.active_structures()
    calls = control("stats")["calls"]
    assert calls["api/oauth/token"] == 1
    assert calls["transverses/v1/recuperer/structures/actives/fournisseur"] == 2


def test_token_expiring_with_simulated_time_is_renewed(api, control):
    api.active_structures()
    control("clock", {"hours": 2})
    assert api.active_structures()


# -- fault switches -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_unavailable(make_api, control, status):
    control("faults", {"kind": "error", "status": status, "operation": "fournisseur"})
    with pytest.raises(client.ChorusUnavailable) as failed:
        make_api(attempts=1).active_structures()
    assert failed.value.http_status == status


def test_reads_are_retried_through_a_share_of_errors(api, control):
    control("faults", {"kind": "error", "status": 503, "share": 0.5, "operation": "fournisseur"})
    assert api.active_structures()
    assert api.active_structures()
    calls = control("stats")["calls"]["transverses/v1/recuperer/structures/actives/fournisseur"]
    assert calls == 3


def test_submit_is_never_retried(api, control):
    request = submit_request(api, "F-2026-0001")
    control("reset")
    control("faults", {"kind": "error", "status": 503, "operation": "soumettre", "count": 1})
    with pytest.raises(client.ChorusUnavailable):
        api.submit(request)
    assert control("stats")["calls"]["factures/v1/soumettre"] == 1


def test_rate_limit_carries_retry_after(make_api, control):
    control("faults", {"kind": "rate_limit", "retry_after": 42})
    with pytest.raises(client.ChorusRateLimited) as limited:
        make_api().active_structures()
    assert limited.value.retry_after == 42


def test_read_timeout_is_unavailable(make_api, control):
    control("faults", {"kind": "timeout", "seconds": 1.5, "operation": "fournisseur", "count": 1})
    started = time.monotonic()
    with pytest.raises(client.ChorusUnavailable):
        make_api(timeout=(2, 0.5), attempts=1).active_structures()
    assert time.monotonic() - started < 1.4
    wait_for_held_replies(control)


def test_malformed_json_is_unavailable(make_api, control):
    control("faults", {"kind": "malformed_json", "operation": "fournisseur"})
    with pytest.raises(client.ChorusUnavailable):
        make_api(attempts=1).active_structures()


def test_latency_is_felt_but_the_call_succeeds(api, control):
    control("faults", {"kind": "latency", "ms": 300, "operation": "fournisseur"})
    started = time.monotonic()
    assert api.active_structures()
    assert time.monotonic() - started >= 0.3


def test_accepted_then_timed_out_submit_is_found_by_number(make_api, control):
    api = make_api(timeout=(2, 0.5))
    request = submit_request(api, "F-2026-0555")
    control("faults", {"kind": "accept_then_timeout", "seconds": 1.5, "operation": "soumettre", "count": 1})
    with pytest.raises(client.ChorusUnavailable):
        api.submit(request)
    found = api.find_by_number("F-2026-0555")
    assert found is not None and found.statut == "DEPOSEE"
    wait_for_held_replies(control)


# -- the standalone server ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read())
        try:
            requests.get(f"{url}/_control/stats", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError("le simulateur autonome n'a pas démarré")


def test_standalone_server_on_its_own_port(tmp_path, session):
    """`manage.py chorus_simulator --port …` in its own process and database, at both base URLs."""
    root = Path(__file__).resolve().parents[2]
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'simulateur.sqlite3'}",
    }
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=root, env=env, check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        [*manage, "chorus_simulator", "--port", str(port), "--quiet"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for base in (f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/_chorus-sim"):
            _wait_until_up(base, process)
            api = client.ChorusClient(
                endpoints=client.Endpoints(
                    environment=client.SIMULATOR, token_url=f"{base}/api/oauth/token", api_base=f"{base}/cpro"
                ),
                piste=client.PisteApp(client_id="geoprod-simulateur", client_secret="secret-simulateur"),
                account=client.TechnicalAccount(login=seed_data.RHONE_LOGIN, password=PASSWORD),
                token_cache=DictCache(),
                session=session,
            )
            assert [s.designation for s in api.active_structures()] == ["Cabinet Rhône Topographie"]
        stats = requests.get(f"http://127.0.0.1:{port}/_control/stats", timeout=5).json()
        assert stats["calls"]["transverses/v1/recuperer/structures/actives/fournisseur"] == 2
    finally:
        process.terminate()
        process.wait(timeout=10)
