"""A list as a file people open in Excel or LibreOffice: CSV the French way, or XLSX with real numbers.

CSV: `;` separator (Excel in a French locale splits on it), UTF-8 with a BOM (without it Excel reads
« Ã© » for « é »), decimal comma without grouping, dates JJ/MM/AAAA. XLSX (openpyxl, write-only mode so a
100 000-row list never sits in memory): amounts as numbers with a euro format, dates as dates, a bold
header row, set column widths, the header frozen. Both are written row by row from an iterator.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse, Http404, StreamingHttpResponse

FORMATS = ("csv", "xlsx")
EURO_FORMAT = '#,##0.00\\ "€";-#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column: its French title, how to read its value from a row, its kind and width."""

    title: str
    value: Callable[[Any], Any]
    kind: str = "text"  # text | money | date | int
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[Column, ...]
    rows: Iterable[Any]


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("Format d'export inconnu.")
    return fmt


def response(fmt: str, filename: str, *sheets: Sheet):
    """The file as a download: CSV streamed (first sheet), XLSX built in a temporary file."""
    if check_format(fmt) == "csv":
        out = StreamingHttpResponse(csv_chunks(sheets[0]), content_type="text/csv; charset=utf-8")
        out["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    else:
        out = FileResponse(
            xlsx_file(*sheets), as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_MIME
        )
    out["Cache-Control"] = "private, no-store"
    return out


# CSV ----------------------------------------------------------------------------------------------


def csv_text(kind: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if kind == "money" or isinstance(value, Decimal):
        return f"{Decimal(value):.2f}".replace(".", ",")
    if isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    text = str(value)
    if kind == "text" and text[:1] in ("=", "+", "-", "@"):
        return "'" + text  # never a formula in the spreadsheet that opens it (CSV injection)
    return text


def csv_chunks(sheet: Sheet, *, rows_per_chunk: int = 500) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(c.title for c in sheet.columns)
    for n, row in enumerate(sheet.rows, 1):
        writer.writerow(csv_text(c.kind, c.value(row)) for c in sheet.columns)
        if n % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# XLSX ---------------------------------------------------------------------------------------------


def xlsx_file(*sheets: Sheet):
    """A temporary file holding the workbook, positioned at its start (deleted once closed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])
        for index, column in enumerate(sheet.columns, 1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=column.title)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        formats = {"money": EURO_FORMAT, "date": DATE_FORMAT}
        for row in sheet.rows:
            values = []
            for column in sheet.columns:
                value = column.value(row)
                if isinstance(value, Decimal):
                    value = float(value)  # Excel stores doubles; two decimals survive the round trip
                if value is None or value == "":
                    values.append(None)
                elif column.kind in formats:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = formats[column.kind]
                    values.append(cell)
                elif isinstance(value, str) and value.startswith("="):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"  # a client named « =1+1 » stays text, never a formula
                    values.append(cell)
                else:
                    values.append(value)
            ws.append(values)
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return out
