"""Bank statements exported as CSV: every bank has its own columns, so the user maps them once per account.

`sniff` guesses the separator and decimal comma and lists the headers; `parse` reads the rows with a mapping
(date, libellé, montant or débit/crédit, référence, devise). Nothing here knows the database.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from invoices.statements import Statement, StatementError, StatementLine

SEPARATORS = (";", ",", "\t", "|")
SEPARATOR_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")
ROLES = ("date", "label", "amount", "debit", "credit", "reference", "currency")
ROLE_NAMES = {
    "date": "Date",
    "label": "Libellé",
    "amount": "Montant",
    "debit": "Débit",
    "credit": "Crédit",
    "reference": "Référence",
    "currency": "Devise",
}
COMMA_DECIMAL = re.compile(r"^[-+]?[\d\s.\u00a0\u202f]*,\d{1,2}$")


@dataclass(frozen=True)
class Layout:
    separator: str
    decimal_comma: bool
    headers: list[str]
    sample: list[list[str]]


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as French banks' older exports."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _rows(text: str, separator: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    return [[cell.strip() for cell in row] for row in reader if any(cell.strip() for cell in row)]


def sniff(data: bytes) -> Layout:
    """Guesses the separator (the one giving the same number of columns on the first rows) and the decimal
    comma. Raises StatementError (empty, not a table)."""
    text = decode(data)
    head = "\n".join(text.splitlines()[:20])
    best = None
    for sep in SEPARATORS:
        rows = _rows(head, sep)
        if not rows or len(rows[0]) < 2:
            continue
        steady = sum(1 for r in rows if len(r) == len(rows[0]))
        if best is None or (steady, len(rows[0])) > best[0]:
            best = ((steady, len(rows[0])), sep, rows)
    if best is None:
        raise StatementError(
            "Ce fichier CSV n'a pas de colonnes reconnaissables (séparateur point-virgule, virgule ou tabulation)."
        )
    _, sep, rows = best
    values = [cell for row in rows[1:] for cell in row if re.search(r"\d", cell)]
    decimal_comma = any(COMMA_DECIMAL.match(v) for v in values)
    return Layout(separator=sep, decimal_comma=decimal_comma, headers=rows[0], sample=rows[1:6])


def headers(data: bytes, separator: str) -> list[str]:
    """The first row read with `separator` (the user may correct the guessed one)."""
    if separator not in SEPARATORS:
        return []
    rows = _rows("\n".join(decode(data).splitlines()[:1]), separator)
    return rows[0] if rows else []


def sample(data: bytes, separator: str) -> list[list[str]]:
    """The first rows after the header, shown next to the column choices."""
    if separator not in SEPARATORS:
        return []
    return _rows("\n".join(decode(data).splitlines()[:6]), separator)[1:]


def _amount(raw: str, decimal_comma: bool) -> Decimal | None:
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", raw)
    if not cleaned:
        return None
    if decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise ValueError(raw)
    return value.quantize(Decimal("0.01"))


def _date(raw: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def check_mapping(mapping: dict, headers: list[str]) -> None:
    """Raises StatementError when a required column is missing or names a column the file does not have."""
    for role in ROLES:
        column = mapping.get(role) or ""
        if column and column not in headers:
            raise StatementError(
                f"La colonne « {column} » choisie pour « {ROLE_NAMES[role]} » n'existe pas dans ce fichier."
            )
    if not mapping.get("date") or not mapping.get("label"):
        raise StatementError("Indiquez les colonnes de la date et du libellé.")
    if not mapping.get("amount") and not mapping.get("credit"):
        raise StatementError("Indiquez la colonne du montant, ou celles du débit et du crédit.")
    if mapping.get("amount") and (mapping.get("credit") or mapping.get("debit")):
        raise StatementError(
            "Choisissez soit une colonne « Montant », soit des colonnes « Débit » et « Crédit »."
        )


def parse(data: bytes, mapping: dict) -> Statement:
    """Reads the rows with `mapping` (role → header, plus `separator` and `decimal_comma`).
    Raises StatementError naming the row and the column that cannot be read."""
    separator = mapping.get("separator") or ";"
    if separator not in SEPARATORS:
        raise StatementError("Séparateur de colonnes inconnu.")
    rows = _rows(decode(data), separator)
    if len(rows) < 2:
        raise StatementError("Ce fichier CSV ne contient aucune ligne après l'en-tête.")
    headers = rows[0]
    check_mapping(mapping, headers)
    index = {role: headers.index(mapping[role]) for role in ROLES if mapping.get(role)}
    comma = bool(mapping.get("decimal_comma"))
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(headers):
            raise StatementError(
                f"Ligne {number} : {len(row)} colonnes au lieu de {len(headers)} "
                f"(séparateur « {SEPARATOR_NAMES[separator]} » attendu)."
            )

        def cell(role: str, row=row) -> str:
            return row[index[role]] if role in index else ""

        try:
            date = _date(cell("date"))
        except ValueError:
            raise StatementError(
                f"Ligne {number} : date « {cell('date')} » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ)."
            ) from None
        try:
            if "amount" in index:
                amount = _amount(cell("amount"), comma)
            else:
                credit, debit = _amount(cell("credit"), comma), _amount(cell("debit"), comma)
                amount = (credit or 0) - abs(debit or 0) if credit is not None or debit is not None else None
        except ValueError as e:
            raise StatementError(f"Ligne {number} : montant « {e.args[0]} » illisible.") from None
        if amount is None:
            raise StatementError(f"Ligne {number} : montant absent.")
        currency = (cell("currency") or "EUR").upper()
        lines.append(
            StatementLine(
                date=date,
                amount=Decimal(amount),
                label=cell("label")[:500],
                reference=cell("reference")[:140],
                currency=currency,
            )
        )
    return Statement(lines=lines)
