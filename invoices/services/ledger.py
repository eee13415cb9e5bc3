"""The tamper-evident register: each issued document chained to the previous one of its series, and the
verification that walks a series and names the first document that does not match.

The chained hash covers what an issued document can never change (number, date, type, client, amounts)
and the sha256 of its PDF and of its Factur-X XML; each link includes the previous link's hash, so a row
rewritten in the database, a file changed on disk, a deleted document or a reordered date breaks the chain
at that document (piste d'audit fiable, CGI art. 289 VII).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from geoprod.models import Cabinet, Counter
from geoprod.wording import counted
from invoices import facturx, numbering
from invoices.errors import InvoicingError
from invoices.models import IntegrityCheck, Invoice, LedgerEntry

GENESIS = "0" * 64


def chain_hash(*, previous_hash: str, sequence: int, invoice: Invoice, xml_sha256: str) -> str:
    """The link of `invoice` in its series, from its immutable content and the previous link."""
    parts = [
        previous_hash,
        str(sequence),
        invoice.number or "",
        invoice.kind,
        invoice.issue_date.isoformat() if invoice.issue_date else "",
        str(invoice.client_id),
        str(invoice.origin_id or ""),
        f"{invoice.total_ht:.2f}",
        f"{invoice.total_vat:.2f}",
        f"{invoice.total_ttc:.2f}",
        f"{invoice.prepaid_ttc:.2f}",
        f"{invoice.net_to_pay:.2f}",
        invoice.pdf_sha256,
        xml_sha256,
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def register_issue(*, invoice: Invoice, sequence: int, xml: bytes) -> LedgerEntry:
    """Appends an issued document to its series. Runs in the validation's transaction, under the series'
    counter lock, so the previous link is the last one written."""
    previous = (
        LedgerEntry.objects.filter(cabinet_id=invoice.cabinet_id, series=numbering.SERIES)
        .order_by("-sequence")
        .first()
    )
    xml_sha256 = hashlib.sha256(xml).hexdigest()
    previous_hash = previous.chain_hash if previous else GENESIS
    return LedgerEntry.objects.create(
        cabinet_id=invoice.cabinet_id,
        series=numbering.SERIES,
        sequence=sequence,
        invoice=invoice,
        number=invoice.number,
        issue_date=invoice.issue_date,
        pdf_sha256=invoice.pdf_sha256,
        xml_sha256=xml_sha256,
        previous_hash=previous_hash,
        chain_hash=chain_hash(
            previous_hash=previous_hash, sequence=sequence, invoice=invoice, xml_sha256=xml_sha256
        ),
    )


# --- Verification ----------------------------------------------------------------------------------


@dataclass
class Report:
    cabinet: Cabinet
    checked: int = 0
    total: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"Registre intègre : {counted(self.checked, 'pièce vérifiée')}, sans trou ni altération."
        return self.problems[0]


def _file_problem(invoice: Invoice, entry: LedgerEntry) -> str | None:
    try:
        with invoice.pdf.open("rb") as f:
            content = f.read()
    except (OSError, ValueError):
        return f"Le PDF de la pièce {entry.number} est introuvable."
    if hashlib.sha256(content).hexdigest() != entry.pdf_sha256:
        return f"Le PDF de la pièce {entry.number} a été modifié (empreinte SHA-256 différente)."
    try:
        xml = facturx.xml_from_pdf(content)
    except InvoicingError:
        return f"Le PDF de la pièce {entry.number} ne contient plus son XML Factur-X."
    if hashlib.sha256(xml).hexdigest() != entry.xml_sha256:
        return f"Le XML Factur-X de la pièce {entry.number} a été modifié (empreinte SHA-256 différente)."
    return None


def _entry_problem(entry: LedgerEntry, invoice: Invoice | None, previous: LedgerEntry | None) -> str | None:
    expected_sequence = previous.sequence + 1 if previous else 1
    if entry.sequence != expected_sequence:
        after = f" après la pièce {previous.number}" if previous else ""
        return f"Trou dans la numérotation : le rang {expected_sequence} manque{after}."
    if previous is not None and entry.issue_date < previous.issue_date:
        return (
            f"Date hors ordre : la pièce {entry.number} du {entry.issue_date:%d/%m/%Y} suit la pièce "
            f"{previous.number} du {previous.issue_date:%d/%m/%Y}."
        )
    if entry.previous_hash != (previous.chain_hash if previous else GENESIS):
        return (
            f"Chaîne rompue à la pièce {entry.number} : son lien vers la pièce précédente ne correspond pas."
        )
    if invoice is None:
        return f"La pièce {entry.number} a été supprimée de la base."
    recomputed = chain_hash(
        previous_hash=entry.previous_hash,
        sequence=entry.sequence,
        invoice=invoice,
        xml_sha256=entry.xml_sha256,
    )
    if recomputed != entry.chain_hash or invoice.pdf_sha256 != entry.pdf_sha256:
        return f"La pièce {entry.number} a été modifiée dans la base (empreinte chaînée différente)."
    return _file_problem(invoice, entry)


def verify_ledger(
    *, cabinet: Cabinet, on_progress: Callable[[int, int], None] = lambda done, total: None
) -> Report:
    """Walks the cabinet's series in order and reports every gap, out-of-order date, deleted or altered
    document (row, PDF or XML), issued document missing from the register, and a counter out of step."""
    entries = list(LedgerEntry.objects.filter(cabinet=cabinet, series=numbering.SERIES).order_by("sequence"))
    invoices = Invoice.objects.filter(cabinet=cabinet).exclude(issue_date__isnull=True).in_bulk()
    report = Report(cabinet=cabinet, total=len(entries))
    on_progress(0, report.total)
    previous = None
    for entry in entries:
        problem = _entry_problem(entry, invoices.get(entry.invoice_id), previous)
        if problem:
            report.problems.append(problem)
        previous = entry
        report.checked += 1
        on_progress(report.checked, report.total)
    registered = {e.invoice_id for e in entries}
    for invoice in sorted(invoices.values(), key=lambda i: (i.issue_date, i.number or "")):
        if invoice.pk not in registered:
            report.problems.append(f"La pièce {invoice.number} émise n'est pas inscrite au registre.")
    counter = (
        Counter.objects.filter(cabinet=cabinet, name=numbering.SERIES).values_list("value", flat=True).first()
    )
    last = entries[-1].sequence if entries else 0
    if (counter or 0) != last:
        report.problems.append(
            f"Le compteur de la série ({counter or 0}) ne correspond pas au dernier rang inscrit ({last})."
        )
    return report


def start_integrity_check(*, cabinet: Cabinet, requested_by: str = "") -> IntegrityCheck:
    """« Vérifier l'intégrité »: the run row the page follows; the caller enqueues run_integrity_check."""
    return IntegrityCheck.objects.create(cabinet=cabinet, requested_by=requested_by[:150])


def run_integrity_check(*, check_id: int) -> IntegrityCheck:
    """Runs a requested verification, writing its progress (every few documents) and its verdict."""
    check = IntegrityCheck.objects.select_related("cabinet").get(pk=check_id)

    def progress(done: int, total: int) -> None:
        if done == total or done % 20 == 0:
            IntegrityCheck.objects.filter(pk=check.pk).update(checked=done, total=total)

    try:
        report = verify_ledger(cabinet=check.cabinet, on_progress=progress)
    except Exception:
        # The page polls until the run is finished: a crash must end it too, never leave it spinning.
        check.ok, check.message = False, "La vérification s'est interrompue sur une erreur : relancez-la."
        check.finished_at = timezone.now()
        check.save(update_fields=["ok", "message", "finished_at"])
        raise
    check.checked, check.total = report.checked, report.total
    check.ok = report.ok
    check.message = "\n".join([report.summary(), *report.problems[1:]]) if not report.ok else report.summary()
    check.finished_at = timezone.now()
    check.save(update_fields=["checked", "total", "ok", "message", "finished_at"])
    return check
