"""Upper bounds on what a user may type or upload. Each keeps the work of one request small, above all the PDF
rendering: WeasyPrint's time and memory grow with the number of text lines and image pixels it lays out
(bench/bench_pdf_bounds.py measures the worst document these limits allow)."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator

from geoprod.validators import MaxLinesValidator

# « Texte bas de facture » (cabinet default and per invoice): a few legal mentions, printed on every invoice.
FOOTER_MAX_CHARS = 1000
FOOTER_MAX_LINES = 15
# One line of a facture or devis: its designation, and the number of lines on one document.
DESIGNATION_MAX_CHARS = 500
DESIGNATION_MAX_LINES = 10
DOCUMENT_MAX_LINES = 100
# Images (cabinet logo): refused above this many pixels before being decoded, then stored re-encoded as a PNG
# no larger than LOGO_BOX.
IMAGE_MAX_PIXELS = 4000 * 4000
IMAGE_MAX_BYTES = 2 * 1024 * 1024
LOGO_BOX = (1200, 600)
# A bank statement (CAMT.053 or CSV): a year of a busy account's entries fits well below this.
BANK_STATEMENT_MAX_BYTES = 10 * 1024 * 1024

FOOTER_HELP = (
    f"Imprimé en bas de chaque facture : {FOOTER_MAX_CHARS} caractères et {FOOTER_MAX_LINES} lignes au plus."
)

FOOTER_VALIDATORS = [MaxLengthValidator(FOOTER_MAX_CHARS), MaxLinesValidator(FOOTER_MAX_LINES)]
DESIGNATION_VALIDATORS = [MaxLinesValidator(DESIGNATION_MAX_LINES)]
