"""The worst PDF a user can make Géoprod render, within the input limits of geoprod/limits.py.

Usage (repo root): .venv/bin/python bench/bench_pdf_bounds.py [--before]
Each case runs in its own process (fresh memory) on a throwaway database and prints the issued invoice's
pages, the render time (render_invoice_pdf: HTML, WeasyPrint, Factur-X) and the process's peak memory.
--before adds the cases the limits now refuse (an 850 KB footer, designations full of line breaks, a
10 000 x 10 000 px logo stored as such), written to the database directly and rendered as drafts (without
the Factur-X step, a few hundredths of a second), for comparison.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time

from _common import setup_django, throwaway_db

CASES = ["typical", "worst-allowed", "logo-10000px-kept-from-before"]
BEFORE = ["footer-850KB", "designations-100x500-breaks", "logo-10000px"]


def _logo(size: tuple[int, int], noise: bool) -> bytes:
    import os

    from PIL import Image

    image = (
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise else Image.new("1", size, 0)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def run(case: str) -> dict:
    import resource

    setup_django()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.test.utils import setup_test_environment
    from PIL import Image
    from pypdf import PdfReader

    from geoprod import limits

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="geoprod-bench-")
    setup_test_environment()
    with throwaway_db():
        from invoices import pdf
        from invoices.models import Invoice
        from tests import factories

        cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
        client = factories.make_client(cabinet, nom="SCI Banc d'essai", siret="73282932000074")
        row = ("Relevé topographique", "1", "480", "20.00")
        lines, footer = [row] * 3, "Règlement à 30 jours."
        if case == "worst-allowed":
            # Every limit at once: the most lines, each designation as tall and long as allowed, the longest
            # footer in the most lines, and the largest logo an upload can leave (noise: incompressible).
            chunk = limits.DESIGNATION_MAX_CHARS // limits.DESIGNATION_MAX_LINES - 1
            designation = "\n".join(["Relevé " * (chunk // 7)] * limits.DESIGNATION_MAX_LINES)
            lines = [(designation, "1", "480", "20.00")] * limits.DOCUMENT_MAX_LINES
            per_line = limits.FOOTER_MAX_CHARS // limits.FOOTER_MAX_LINES - 1
            footer = "\n".join(["Pénalités " * (per_line // 10)] * limits.FOOTER_MAX_LINES)
            cabinet.logo.save("logo.png", ContentFile(_logo(limits.LOGO_BOX, noise=True)))
        elif case == "footer-850KB":
            footer = "Règlement à 30 jours date de facture. " * 22_000
        elif case == "designations-100x500-breaks":
            lines = [row] * 100
        elif case.startswith("logo-10000px"):
            if case == "logo-10000px":
                Image.MAX_IMAGE_PIXELS = None  # as before the limit
            cabinet.logo.save("logo.png", ContentFile(_logo((10_000, 10_000), noise=False)))
        invoice = factories.make_invoice(cabinet, client=client, lines=lines, issued=False)
        # The cases the limits refuse are written past the forms and services, and rendered as drafts.
        Invoice.objects.filter(pk=invoice.pk).update(footer_text=footer)
        if case == "designations-100x500-breaks":
            invoice.lines.update(designation="\n".join(["x"] * 250))
        if case in CASES:
            from invoices import services

            invoice = services.issue_invoice(invoice=Invoice.objects.get(pk=invoice.pk))
        started = time.perf_counter()
        content = pdf.render_invoice_pdf(Invoice.objects.get(pk=invoice.pk))
        elapsed = time.perf_counter() - started
        return {
            "case": case,
            "pages": len(PdfReader(io.BytesIO(content)).pages),
            "seconds": round(elapsed, 2),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--case":
        print(json.dumps(run(sys.argv[2])))
        return
    cases = CASES + (BEFORE if "--before" in sys.argv else [])
    print(f"{'case':<30} {'pages':>5} {'render (s)':>10} {'peak RSS (MB)':>14}")
    for case in cases:
        out = subprocess.run(
            [sys.executable, __file__, "--case", case], capture_output=True, text=True, check=True
        ).stdout
        found = json.loads(out.strip().splitlines()[-1])
        print(f"{case:<30} {found['pages']:>5} {found['seconds']:>10.2f} {found['peak_mb']:>14}")
    print("(one process per case; peak RSS includes Django and WeasyPrint, ~120 MB for an empty render)")


if __name__ == "__main__":
    main()
