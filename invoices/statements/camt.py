"""CAMT.053 (ISO 20022 Bank-to-Customer Statement, versions 001.02 to 001.13), read with lxml.

No official XSD ships in a package we can depend on, so the reader checks the structure it relies on strictly
(namespace, message, statement, account, each entry's amount, currency, direction and booking date) and
refuses the file with a French message otherwise. Only booked entries are kept (a pending one may change).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from invoices.statements import Statement, StatementError, StatementLine

NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(0[2-9]|1[0-3])$")
AMOUNT = re.compile(r"^\d{1,15}(\.\d{1,5})?$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
NOT_PROVIDED = {"", "NOTPROVIDED", "NONREF"}
# Entities and DTDs are never resolved (billion laughs, external entities), and nothing is fetched.
PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def _text(node, path: str, ns: dict) -> str:
    found = node.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def _values(entry, prefix: int) -> dict[str, list[str]]:
    """Every non-empty text of an entry by its path of local names (« NtryDtls/TxDtls/RmtInf/Ustrd »), in one
    walk: a find() per field would read the subtree a dozen times for each of thousands of entries."""
    found: dict[str, list[str]] = {}

    def walk(node, path: str) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            here = f"{path}/{child.tag[prefix:]}" if path else child.tag[prefix:]
            text = (child.text or "").strip()
            if text:
                found.setdefault(here, []).append(text)
            if len(child):
                walk(child, here)

    walk(entry, "")
    return found


def _date(values: dict[str, list[str]], where: str) -> datetime.date:
    for path in ("BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm"):
        if path in values:
            raw = values[path][0]
            break
    else:
        raw = ""
    try:
        return datetime.date.fromisoformat(raw[:10])
    except ValueError:
        raise StatementError(
            f"{where} : date de comptabilisation absente ou illisible (« {raw} »)."
        ) from None


def _entry(entry, namespace: str, where: str) -> StatementLine | None:
    values = _values(entry, len(namespace) + 2)

    def first(*paths: str) -> str:
        return next((values[p][0] for p in paths if p in values), "")

    def every(*paths: str) -> list[str]:
        return [v for p in paths for v in values.get(p, ())]

    status = first("Sts", "Sts/Cd")
    if status and status != "BOOK":
        return None
    amt = entry.find(f"{{{namespace}}}Amt")
    if amt is None or not AMOUNT.match((amt.text or "").strip()):
        raise StatementError(f"{where} : montant absent ou illisible.")
    currency = amt.get("Ccy", "")
    if not CURRENCY.match(currency):
        raise StatementError(f"{where} : devise du montant absente ou illisible.")
    direction = first("CdtDbtInd")
    if direction not in ("CRDT", "DBIT"):
        raise StatementError(f"{where} : sens de l'écriture (CRDT ou DBIT) absent.")
    try:
        amount = Decimal(amt.text.strip())
    except InvalidOperation:
        raise StatementError(f"{where} : montant illisible.") from None
    if direction == "DBIT":
        amount = -amount
    tx = "NtryDtls/TxDtls/"
    remittance = every(f"{tx}RmtInf/Ustrd", f"{tx}RmtInf/Strd/CdtrRefInf/Ref")
    info = every("AddtlNtryInf", f"{tx}AddtlTxInf")
    debtor = every(f"{tx}RltdPties/Dbtr/Nm", f"{tx}RltdPties/Dbtr/Pty/Nm")
    refs = every("AcctSvcrRef", "NtryRef", f"{tx}Refs/AcctSvcrRef", f"{tx}Refs/EndToEndId")
    reference = next((r for r in refs if r.upper() not in NOT_PROVIDED), "")
    label = " ".join(dict.fromkeys(remittance + info))
    return StatementLine(
        date=_date(values, where),
        amount=amount,
        label=label[:500],
        reference=reference[:140],
        debtor=" ".join(dict.fromkeys(debtor))[:200],
        currency=currency,
    )


def parse(data: bytes) -> Statement:
    """Reads a CAMT.053 file. Raises StatementError (not XML, not a CAMT.053, a required element missing)."""
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as e:
        raise StatementError(f"Le fichier n'est pas un XML valide (ligne {e.lineno or '?'}).") from None
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "Document" or not NAMESPACE.match(namespace):
        raise StatementError(
            "Ce fichier XML n'est pas un relevé CAMT.053 (espace de noms "
            "urn:iso:std:iso:20022:tech:xsd:camt.053.001.xx attendu)."
        )
    ns = {"c": namespace}
    message = root.find("c:BkToCstmrStmt", ns)
    if message is None or message.find("c:GrpHdr/c:MsgId", ns) is None:
        raise StatementError("Relevé CAMT.053 incomplet : en-tête du message (GrpHdr/MsgId) absent.")
    statements = message.findall("c:Stmt", ns)
    if not statements:
        raise StatementError("Relevé CAMT.053 vide : aucun relevé (Stmt) dans le fichier.")
    lines: list[StatementLine] = []
    ibans, currencies = set(), set()
    for s_index, stmt in enumerate(statements, start=1):
        account = stmt.find("c:Acct", ns)
        iban = _text(stmt, "c:Acct/c:Id/c:IBAN", ns) or _text(stmt, "c:Acct/c:Id/c:Othr/c:Id", ns)
        if account is None or not iban:
            raise StatementError(f"Relevé {s_index} : compte (Acct/Id) absent.")
        ibans.add(iban.replace(" ", "").upper())
        if ccy := _text(stmt, "c:Acct/c:Ccy", ns):
            currencies.add(ccy)
        for e_index, entry in enumerate(stmt.findall("c:Ntry", ns), start=1):
            line = _entry(entry, namespace, f"Relevé {s_index}, écriture {e_index}")
            if line is not None:
                lines.append(line)
    if len(ibans) > 1:
        raise StatementError("Ce fichier contient les relevés de plusieurs comptes : importez-les un par un.")
    currency = currencies.pop() if len(currencies) == 1 else "EUR"
    return Statement(lines=lines, iban=ibans.pop(), currency=currency)
