"""Invoice PDF rendering: Géoprod's render_invoice_pdf vs the same HTML through bare WeasyPrint.

Usage (repo root): .venv/bin/python bench/bench_pdf.py
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). Prints figures
only; the goal is a ratio ≤ 1.2.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time

from _common import setup_django, throwaway_db

setup_django()

from django.conf import settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

WARMUP, RUNS = 2, 10


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def medians(ours, bare) -> tuple[float, float]:
    """Alternates the two renderings so that drift (CPU frequency, caches) hits both alike."""
    for _ in range(WARMUP):
        ours(), bare()
    samples = [(timed(ours), timed(bare)) for _ in range(RUNS)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def main() -> None:
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="geoprod-bench-")
    setup_test_environment()
    with throwaway_db():
        from invoices import pdf
        from invoices.models import Invoice
        from tests import factories

        cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
        client = factories.make_client(cabinet, nom="SCI Banc d'essai", siret="73282932000074")
        cases = {
            "1 page": [
                ("Bornage amiable contradictoire", "1", "1300", "20.00"),
                ("Frais de déplacement", "2", "42.50", "10.00"),
            ]
            * 3,
            "5 pages": [
                (f"Relevé topographique secteur {i}\nparcelle AB {i}", "1.5", "480", "20.00")
                for i in range(95)
            ],
        }
        print(
            f"{'document':<10} {'pages':>5} {'Géoprod (s)':>12} {'WeasyPrint (s)':>15} {'ratio':>6} {'HTML+DB (ms)':>13}"
        )
        for label, lines in cases.items():
            invoice = factories.make_invoice(cabinet, client=client, lines=lines, issued=True)
            pages = len(PdfReader(io.BytesIO(invoice.pdf_bytes())).pages)
            html = pdf.invoice_html(Invoice.objects.get(pk=invoice.pk))
            base_url = pdf._base_url()
            ours, bare = medians(
                lambda pk=invoice.pk: pdf.render_invoice_pdf(Invoice.objects.get(pk=pk)),
                lambda html=html, base_url=base_url: HTML(string=html, base_url=base_url).write_pdf(),
            )
            # The part of the difference that is ours and not noise: loading the invoice, building the HTML.
            own = statistics.median(
                timed(lambda pk=invoice.pk: pdf.invoice_html(Invoice.objects.get(pk=pk))) for _ in range(RUNS)
            )
            print(
                f"{label:<10} {pages:>5} {ours:>12.3f} {bare:>15.3f} {ours / bare:>6.2f} {own * 1000:>13.1f}"
            )
        print(
            f"(median of {RUNS} runs after {WARMUP} warm-up; Géoprod includes loading the invoice and rendering the template)"
        )


if __name__ == "__main__":
    main()
