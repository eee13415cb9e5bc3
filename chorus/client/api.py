"""ChorusClient: one method per Chorus Pro operation the product uses (chorus-api.md §3)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import requests
from django.core.cache import cache

from . import files, invoices, reference, structures
from .config import Endpoints, PisteApp, TechnicalAccount
from .files import PDF_NON_SIGNE, Deposit, FluxDeposit, FluxReport
from .invoices import (
    Completed,
    CompleteRequest,
    InvoiceHistory,
    InvoicePage,
    InvoiceSearch,
    InvoiceState,
    Recycled,
    RecycleRequest,
    SubmitRequest,
    Submitted,
)
from .journal import Exchange
from .reference import AttachmentType, ExemptionMotive, UserAttachments, VatRate
from .structures import BankAccount, Service, ServiceDetails, Structure, StructureDetails
from .token_cache import FallbackTokenCache
from .transport import RetryPolicy, Transport
from .values import Paging, is_last_page

SERVICES_PAGE_SIZE = 1000
INVOICES_PAGE_SIZE = 100
HISTORY_MAX_RESULTS = 100
# One per process: its memory fallback outlives each client, so a token is reused while Redis is down.
TOKEN_CACHE = FallbackTokenCache(cache)

T = TypeVar("T")


def _no_journal(exchange: Exchange) -> None:
    return None


def _all_pages(fetch: Callable[[int], tuple[list[T], Paging]], page_size: int) -> Iterator[T]:
    """Reads pages 1, 2, … until the last one; a page identical to the previous one also ends the loop, so a
    server that ignores the paging object cannot keep us calling forever."""
    page, previous = 1, None
    while True:
        batch, found = fetch(page)
        if batch == previous:
            return
        yield from batch
        if is_last_page(found, page, len(batch), page_size):
            return
        page, previous = page + 1, batch


class ChorusClient:
    """A cabinet's connection to Chorus Pro through PISTE.

    Reads are retried on ChorusUnavailable per `retry`; deposits, attachments and submissions are sent once
    (a lost reply is the caller's to resolve, e.g. with `find_by_number`). Every method raises ChorusRejected,
    ChorusAuthError, ChorusRateLimited or ChorusUnavailable.
    """

    def __init__(
        self,
        *,
        endpoints: Endpoints,
        piste: PisteApp,
        account: TechnicalAccount,
        token_cache: Any = None,
        journal: Callable[[Exchange], None] = _no_journal,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (5, 30),
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoints = endpoints
        self._http = Transport(
            endpoints=endpoints,
            piste=piste,
            account=account,
            token_cache=token_cache if token_cache is not None else TOKEN_CACHE,
            journal=journal,
            session=session or requests.Session(),
            timeout=timeout,
            retry=retry or RetryPolicy(),
            sleep=sleep,
        )

    def _post(
        self,
        operation: str,
        path: str,
        body: dict[str, Any],
        parse: Callable[[dict[str, Any]], Any],
        *,
        safe: bool = True,
        accept_codes: frozenset[int] = frozenset(),
    ) -> Any:
        return self._http.call(operation, path, body, parse, safe=safe, accept_codes=accept_codes)

    def check_token(self) -> None:
        """Asks PISTE for a new token: the application's credentials work on this environment."""
        # Chorus: PISTE oauth/token (chorus-api-reference.md §1.2)
        self._http.renew_token()

    # -- supplier set-up -----------------------------------------------------------------------------------

    def active_structures(self) -> list[Structure]:
        """The structures the technical account may invoice for (« Mettre à jour » in Paramètres)."""
        # Chorus: transverses/v1/recuperer/structures/actives/fournisseur (chorus-api.md §3, supplier set-up)
        return self._post(
            "active_structures",
            "transverses/v1/recuperer/structures/actives/fournisseur",
            structures._build_active_structures(),
            structures._parse_structures,
        )

    def list_services(self, id_structure: int, *, page_size: int = SERVICES_PAGE_SIZE) -> list[Service]:
        """Every service of a structure, all pages read (ours or a recipient's)."""

        def fetch(page: int) -> tuple[list[Service], Paging]:
            # Chorus: structures/v1/rechercher/services (chorus-api.md §3, supplier set-up)
            return self._post(
                "list_services",
                "structures/v1/rechercher/services",
                structures._build_services_search(id_structure, page, page_size),
                functools.partial(structures._parse_services_page, page=page),
                accept_codes=invoices.NO_RESULT_CODES,
            )

        return list(_all_pages(fetch, page_size))

    def bank_accounts(self, id_structure: int) -> list[BankAccount]:
        # Chorus: transverses/v1/recuperer/coordbanc/valides (chorus-api.md §3, supplier set-up)
        return self._post(
            "bank_accounts",
            "transverses/v1/recuperer/coordbanc/valides",
            structures._build_bank_accounts(id_structure),
            structures._parse_bank_accounts,
            accept_codes=invoices.NO_RESULT_CODES,
        )

    # -- recipient -----------------------------------------------------------------------------------------

    def find_structure(self, identifiant: str, *, type_identifiant: str = "SIRET") -> Structure | None:
        """The structure registered on Chorus under this SIRET (« Loupe »), or None if there is none."""
        # Chorus: structures/v1/rechercher (chorus-api.md §3, recipient)
        found = self._post(
            "find_structure",
            "structures/v1/rechercher",
            structures._build_structure_search(identifiant, type_identifiant),
            structures._parse_structures,
            accept_codes=invoices.NO_RESULT_CODES,
        )
        # A reply without the identifier is taken as matching; one naming another SIRET is not ours.
        matching = [s for s in found if s.identifiant == identifiant] or [
            s for s in found if not s.identifiant
        ]
        return matching[0] if matching else None

    def consult_structure(self, id_structure_cpp: int) -> StructureDetails:
        """A structure's identity and parameters (service code / engagement number mandatory…)."""
        # Chorus: structures/v1/consulter (chorus-api.md §3, recipient)
        return self._post(
            "consult_structure",
            "structures/v1/consulter",
            structures._build_structure_consult(id_structure_cpp),
            lambda d: structures._parse_structure_details(d, id_structure_cpp),
        )

    def consult_service(self, id_structure: int, id_service: int) -> ServiceDetails:
        # Chorus: structures/v1/consulter/service (chorus-api.md §3, recipient)
        return self._post(
            "consult_service",
            "structures/v1/consulter/service",
            structures._build_service_consult(id_structure, id_service),
            lambda d: structures._parse_service_details(d, id_structure, id_service),
        )

    # -- deposit and submission (never retried here) -------------------------------------------------------

    def deposit_pdf(
        self, pdf: bytes, filename: str, *, format_depot: str = PDF_NON_SIGNE, id_utilisateur_courant: int = 0
    ) -> Deposit:
        """Deposits the invoice PDF; its pieceJointeId is the « Numéro pièce jointe »."""
        # Chorus: factures/v1/deposer/pdf (chorus-api.md §3, deposit and submission)
        return self._post(
            "deposit_pdf",
            "factures/v1/deposer/pdf",
            files._build_pdf_deposit(pdf, filename, format_depot, id_utilisateur_courant),
            files._parse_pdf_deposit,
            safe=False,
        )

    def add_attachment(self, content: bytes, *, name: str, mime: str, extension: str) -> int:
        """Adds a complementary attachment to the account's space and returns its pieceJointeId."""
        # Chorus: transverses/v1/ajouter/fichier (chorus-api.md §3, deposit and submission)
        return self._post(
            "add_attachment",
            "transverses/v1/ajouter/fichier",
            files._build_attachment(content, name, mime, extension),
            files._parse_attachment,
            safe=False,
        )

    def submit(self, invoice: SubmitRequest) -> Submitted:
        """Soumettre: creates the invoice in Chorus. Sent once; after ChorusUnavailable, search before resending."""
        # Chorus: factures/v1/soumettre (chorus-api.md §3, deposit and submission)
        return self._post(
            "submit",
            "factures/v1/soumettre",
            invoices._build_submit(invoice),
            invoices._parse_submitted,
            safe=False,
        )

    def complete(self, request: CompleteRequest) -> Completed:
        """Compléter: answers a SUSPENDUE invoice with a comment and/or attachments; Chorus moves it to
        COMPLETEE. Sent once; after ChorusUnavailable, read the invoice's status before resending."""
        # Chorus: factures/v1/completer (chorus-api-reference.md §3.14)
        return self._post(
            "complete",
            "factures/v1/completer",
            invoices._build_complete(request),
            lambda d: invoices._parse_completed(d, request.identifiant_facture_cpp),
            safe=False,
        )

    def recycle(self, request: RecycleRequest) -> Recycled:
        """Recycler: routes an A_RECYCLER invoice again (same number, new deposit date, DEPOSEE). Sent once;
        after ChorusUnavailable, read the invoice's status before resending."""
        # Chorus: factures/v1/recycler (chorus-api-reference.md §3.14)
        return self._post(
            "recycle",
            "factures/v1/recycler",
            invoices._build_recycle(request),
            lambda d: invoices._parse_recycled(d, request.identifiant_facture_cpp),
            safe=False,
        )

    # -- following invoices --------------------------------------------------------------------------------

    def consult_invoice(self, identifiant_facture_cpp: int) -> InvoiceState:
        # Chorus: factures/v1/consulter/fournisseur (chorus-api.md §3, following an invoice)
        return self._post(
            "consult_invoice",
            "factures/v1/consulter/fournisseur",
            invoices._build_invoice_consult(identifiant_facture_cpp),
            lambda d: invoices._parse_invoice_consult(d, identifiant_facture_cpp),
        )

    def invoice_history(
        self, identifiant_facture_cpp: int, *, max_results: int = HISTORY_MAX_RESULTS
    ) -> InvoiceHistory:
        # Chorus: factures/v1/consulter/historique (chorus-api.md §3, following an invoice)
        return self._post(
            "invoice_history",
            "factures/v1/consulter/historique",
            invoices._build_history(identifiant_facture_cpp, max_results),
            lambda d: invoices._parse_history(d, identifiant_facture_cpp),
        )

    def search_invoices_page(
        self, criteria: InvoiceSearch | None = None, *, page: int = 1, page_size: int = INVOICES_PAGE_SIZE
    ) -> InvoicePage:
        # Chorus: factures/v1/rechercher/fournisseur (chorus-api.md §3, following an invoice)
        return self._post(
            "search_invoices",
            "factures/v1/rechercher/fournisseur",
            invoices._build_invoice_search(criteria or InvoiceSearch(), page, page_size),
            lambda d: invoices._parse_invoice_page(d, page),
            accept_codes=invoices.NO_RESULT_CODES,
        )

    def search_invoices(
        self, criteria: InvoiceSearch | None = None, *, page_size: int = INVOICES_PAGE_SIZE
    ) -> Iterator[InvoiceState]:
        """Every supplier invoice matching `criteria`, reading the pages as they are consumed."""

        def fetch(page: int) -> tuple[list[InvoiceState], Paging]:
            found = self.search_invoices_page(criteria, page=page, page_size=page_size)
            return found.invoices, found.paging

        return _all_pages(fetch, page_size)

    def find_by_number(self, numero_facture: str) -> InvoiceState | None:
        """The invoice this supplier submitted under that number, e.g. after a submit whose reply was lost."""
        matches = [
            state
            for state in self.search_invoices(InvoiceSearch(numero_facture=numero_facture))
            if state.numero_facture == numero_facture
        ]
        return max(matches, key=lambda s: s.identifiant_facture_cpp, default=None)

    # -- user and reference data ---------------------------------------------------------------------------

    def my_attachments(self, *, page_size: int = 100) -> UserAttachments:
        # Chorus: utilisateurs/v1/monCompte/recuperer/rattachements (chorus-api.md §3, supplier set-up)
        return self._post(
            "my_attachments",
            "utilisateurs/v1/monCompte/recuperer/rattachements",
            reference._build_user_attachments(page_size),
            reference._parse_user_attachments,
            accept_codes=invoices.NO_RESULT_CODES,
        )

    def current_user_id(self) -> int | None:
        """The technical user's id if Chorus gives it; None means send 0 as idUtilisateurCourant."""
        return self.my_attachments().id_utilisateur

    def exemption_motives(self) -> list[ExemptionMotive]:
        # Chorus: transverses/v1/recuperer/motifs/exonerationtva (chorus-api.md §3, reference data)
        return self._post(
            "exemption_motives",
            "transverses/v1/recuperer/motifs/exonerationtva",
            reference._build_language(),
            reference._parse_exemption_motives,
        )

    def attachment_types(self) -> list[AttachmentType]:
        # Chorus: transverses/v1/recuperer/typespj (chorus-api.md §3, reference data)
        return self._post(
            "attachment_types",
            "transverses/v1/recuperer/typespj",
            reference._build_attachment_types(),
            reference._parse_attachment_types,
        )

    def vat_rates(self) -> list[VatRate]:
        # Chorus: transverses/v1/recuperer/tauxtva (chorus-api.md §3, reference data)
        return self._post(
            "vat_rates",
            "transverses/v1/recuperer/tauxtva",
            reference._build_language(),
            reference._parse_vat_rates,
        )

    def health_check(self) -> bool:
        """True when the gateway answers; a probe is not retried, it reports the present state."""
        # Chorus: GET transverses/v1/health-check (chorus-api.md §3, reference data)
        return self._http.call(
            "health_check",
            "transverses/v1/health-check",
            None,
            reference._parse_health,
            safe=False,
            method="GET",
        )

    # -- Factur-X flows ------------------------------------------------------------------------------------

    def deposit_flux(
        self,
        content: bytes,
        filename: str,
        *,
        syntaxe: str = files.FACTURX_SYNTAX,
        id_utilisateur_courant: int = 0,
    ) -> FluxDeposit:
        # Chorus: factures/v1/deposer/flux (chorus-api.md §3, Factur-X / structured flows)
        return self._post(
            "deposit_flux",
            "factures/v1/deposer/flux",
            files._build_flux_deposit(content, filename, syntaxe, id_utilisateur_courant),
            files._parse_flux_deposit,
            safe=False,
        )

    def flux_report(
        self, numero_flux_depot: str, *, syntaxe: str | None = files.FACTURX_SYNTAX
    ) -> FluxReport:
        """The flux's detailed integration report. consulterCR, its older twin, was unreliable for Factur-X
        (OCA moved off it), so the detailed one is read (chorus-api-reference.md §3.17)."""
        # Chorus: transverses/v1/consulterCRDetaille (chorus-api-reference.md §3.17)
        return self._post(
            "flux_report",
            "transverses/v1/consulterCRDetaille",
            files._build_flux_report(numero_flux_depot, syntaxe),
            lambda d: files._parse_flux_report(d, numero_flux_depot),
        )
