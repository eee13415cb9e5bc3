"""An in-memory stand-in for ChorusClient, to test the services' logic (exactly-once, rules, refresh)
without HTTP; the HTTP contract itself is covered by test_client*.py and the simulator integration tests."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime

from chorus import client
from chorus.client import structures
from tests.transactions import fail_if_in_transaction


class FakeChorus:
    def __init__(self):
        self.calls: Counter[str] = Counter()
        self.fail: dict[str, Exception] = {}  # operation -> error raised on its next call
        self.fail_after: dict[str, Exception] = {}  # operation -> error raised after doing the work
        self.submitted: dict[str, client.Submitted] = {}
        self.states: dict[int, client.InvoiceState] = {}
        self.history: dict[int, list[client.StatusChange]] = {}
        self.page_size = 100
        self._ids = itertools.count(9000)
        self.recipients = {
            "21310555400017": (
                client.Structure(26000001, "21310555400017", "Mairie de Toulouse", "SIRET", "ACTIF"),
                client.StructureParameters(True, False, False, False),
                [client.Service(1, "URBA", "Urbanisme", True), client.Service(2, "OLD", "Ancien", False),
                 client.Service(3, structures.PUBLIC_INVOICES_SERVICE, "Service des factures publiques", True)],
            ),
            "21690123100011": (
                client.Structure(26000002, "21690123100011", "Commune de Lyon", "SIRET", "ACTIF"),
                client.StructureParameters(False, True, False, False),
                [client.Service(4, "VOIRIE", "Voirie", True)],
            ),
        }  # fmt: skip
        self.engagement_services = {4}

    def _call(self, operation: str):
        fail_if_in_transaction(operation)
        self.calls[operation] += 1
        if operation in self.fail:
            raise self.fail.pop(operation)

    # supplier set-up
    def check_token(self):
        self._call("check_token")

    def active_structures(self):
        self._call("active_structures")
        return [client.Structure(25000001, "81234567600017", "Géomètres Experts Garonne", "SIRET", "ACTIF")]

    def consult_structure(self, id_structure):
        self._call("consult_structure")
        params = next((r[1] for r in self.recipients.values() if r[0].id_structure_cpp == id_structure), None)
        return client.StructureDetails(
            id_structure,
            None,
            "SIRET",
            None,
            date(2027, 3, 1),
            params or client.StructureParameters(False, False, False, False),
        )

    def list_services(self, id_structure):
        self._call("list_services")
        return next(
            (r[2] for r in self.recipients.values() if r[0].id_structure_cpp == id_structure),
            [client.Service(11, "COMPTA", "Comptabilité", True)],
        )

    def bank_accounts(self, id_structure):
        self._call("bank_accounts")
        return [client.BankAccount(501, "Compte courant")]

    def attachment_types(self):
        self._call("attachment_types")
        return [client.AttachmentType(3, "PJ_PLAN", "Plan"), client.AttachmentType(5, "PJ_AUTRE", "Autre")]

    def exemption_motives(self):
        self._call("exemption_motives")
        return [client.ExemptionMotive("EXONERATION_261", "Exonération de TVA, article 261 du CGI")]

    def find_structure(self, siret):
        self._call("find_structure")
        found = self.recipients.get(siret)
        return found[0] if found else None

    def consult_service(self, id_structure, id_service):
        self._call("consult_service")
        return client.ServiceDetails(
            id_structure,
            id_service,
            None,
            None,
            None,
            id_service in self.engagement_services,
            None,
            None,
            None,
        )

    # deposit and submission
    def deposit_pdf(self, pdf, filename, **kw):
        self._call("deposit_pdf")
        assert pdf.startswith(b"%PDF-")
        return client.Deposit(piece_jointe_id=next(self._ids))

    def add_attachment(self, content, *, name, mime, extension):
        self._call("add_attachment")
        return next(self._ids)

    def submit(self, request: client.SubmitRequest):
        self._call("submit")
        if request.numero_facture in self.submitted:
            raise client.ChorusRejected("20100", "Numéro de facture déjà utilisé pour ce fournisseur")
        result = client.Submitted(next(self._ids), request.numero_facture, "DEPOSEE", date.today())
        self.submitted[request.numero_facture] = result
        self.states[result.identifiant_facture_cpp] = client.InvoiceState(
            result.identifiant_facture_cpp, request.numero_facture, "DEPOSEE"
        )
        self.last_request = request
        if "submit" in self.fail_after:
            raise self.fail_after.pop("submit")
        return result

    def find_by_number(self, numero):
        self._call("find_by_number")
        found = self.submitted.get(numero)
        return self.states[found.identifiant_facture_cpp] if found else None

    # Factur-X flux (deposer/flux, consulterCRDetaille)
    def deposit_flux(self, content, filename, **kw):
        from invoices import facturx

        self._call("deposit_flux")
        numero = facturx.summary(facturx.xml_from_pdf(content)).number  # a real Factur-X, or it fails here
        flux = getattr(self, "flux", None)
        if flux is None:
            flux = self.flux = {}
        numero_flux = f"FLUX{next(self._ids)}"
        flux[numero_flux] = {"etat": "IN_DEPOSE", "erreurs": (), "numero": numero, "filename": filename}
        return client.FluxDeposit(numero_flux, date.today(), client.FACTURX_SYNTAX)

    def flux_report(self, numero_flux):
        self._call("flux_report")
        entry = self.flux[numero_flux]
        return client.FluxReport(
            numero_flux, entry["etat"], None, None, entry["filename"], entry["erreurs"], None
        )

    def integrate_flux(self, numero_flux):
        """Chorus finished reading the flux: the invoice now exists and the supplier search finds it."""
        entry = self.flux[numero_flux]
        entry["etat"] = "IN_INTEGRE"
        result = client.Submitted(next(self._ids), entry["numero"], "DEPOSEE", date.today())
        self.submitted[entry["numero"]] = result
        self.states[result.identifiant_facture_cpp] = client.InvoiceState(
            result.identifiant_facture_cpp, entry["numero"], "DEPOSEE"
        )
        return result

    def reject_flux(self, numero_flux, *erreurs):
        self.flux[numero_flux] |= {"etat": "IN_REJETE", "erreurs": tuple(erreurs)}

    # following
    def set_status(self, cpp_id: int, status: str, at: datetime, comment: str = ""):
        old = self.states[cpp_id]
        self.states[cpp_id] = client.InvoiceState(cpp_id, old.numero_facture, status, at, comment)
        self.history.setdefault(cpp_id, []).insert(0, client.StatusChange(status, at, comment))

    def invoice_history(self, cpp_id):
        self._call("invoice_history")
        return client.InvoiceHistory(
            cpp_id, None, self.states[cpp_id].statut, tuple(self.history.get(cpp_id, ()))
        )

    def consult_invoice(self, cpp_id):
        self._call("consult_invoice")
        return self.states[cpp_id]

    # answering a returned invoice (completer, recycler)
    def complete(self, request: client.CompleteRequest):
        self._call("complete")
        state = self.states[request.identifiant_facture_cpp]
        if state.statut != "SUSPENDUE":
            raise client.ChorusRejected("20120", f"Action impossible : statut {state.statut}")
        self.last_complete = request
        self.set_status(
            request.identifiant_facture_cpp, "COMPLETEE", datetime.now(UTC), request.commentaire or ""
        )
        if "complete" in self.fail_after:
            raise self.fail_after.pop("complete")
        return client.Completed(request.identifiant_facture_cpp, state.numero_facture, date.today())

    def recycle(self, request: client.RecycleRequest):
        self._call("recycle")
        state = self.states[request.identifiant_facture_cpp]
        if state.statut != "A_RECYCLER":
            raise client.ChorusRejected("20120", f"Action impossible : statut {state.statut}")
        self.last_recycle = request
        self.set_status(
            request.identifiant_facture_cpp, "DEPOSEE", datetime.now(UTC), request.commentaire or ""
        )
        if "recycle" in self.fail_after:
            raise self.fail_after.pop("recycle")
        return client.Recycled(request.identifiant_facture_cpp, state.numero_facture, date.today(), "DEPOSEE")

    def search_invoices(self, criteria: client.InvoiceSearch):
        matches = [
            s for s in self.states.values()
            if criteria.changed_since is None or (s.date_heure_etat_courant and s.date_heure_etat_courant >= criteria.changed_since)
        ]  # fmt: skip
        for start in range(0, max(len(matches), 1), self.page_size):
            self._call("search_invoices")
            yield from matches[start : start + self.page_size]


def install(monkeypatch) -> FakeChorus:
    fake = FakeChorus()

    def client_for(account, submission=None, *, on_exchange=None, **options):
        if on_exchange is not None:
            fake.on_exchange = on_exchange
        return _Counting(fake, on_exchange)

    monkeypatch.setattr("chorus.services.connection.client_for", client_for)
    return fake


class _Counting:
    """Tells the service's call counter about each call, as the real journal does."""

    def __init__(self, fake: FakeChorus, on_exchange):
        self._fake, self._on_exchange = fake, on_exchange

    def __getattr__(self, name):
        target = getattr(self._fake, name)
        if not callable(target) or self._on_exchange is None:
            return target

        def wrapped(*args, **kwargs):
            result = target(*args, **kwargs)
            if name != "search_invoices":
                self._on_exchange(client.Exchange(name, "simulator", "POST", "", 200, 1, 0, None, None, None))
                return result
            return self._count_pages(result)

        return wrapped

    def _count_pages(self, iterator):
        before = self._fake.calls["search_invoices"]
        yield from iterator
        for _ in range(self._fake.calls["search_invoices"] - before):
            self._on_exchange(
                client.Exchange("search_invoices", "simulator", "POST", "", 200, 1, 0, None, None, None)
            )
