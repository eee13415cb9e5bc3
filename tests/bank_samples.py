"""Bank statements generated for the tests, the e2e journey and the benchmark: CAMT.053 as French banks export
it (001.02 with a plain <Sts>, 001.08 with <Sts><Cd>), and CSV in a few banks' shapes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

IBAN = "FR7630006000011234567890189"


@dataclass(frozen=True)
class Entry:
    amount: Decimal | str
    label: str = ""
    date: datetime.date = datetime.date(2026, 10, 1)
    debtor: str = ""
    ref: str = ""
    credit: bool = True
    currency: str = "EUR"
    status: str = "BOOK"


def camt053(entries: list[Entry], *, version: str = "02", iban: str = IBAN, msg_id: str = "MSG-1") -> bytes:
    status = (lambda s: f"<Sts>{s}</Sts>") if version == "02" else (lambda s: f"<Sts><Cd>{s}</Cd></Sts>")
    body = []
    for n, e in enumerate(entries, start=1):
        debtor = (
            f"<RltdPties><Dbtr><Nm>{escape(e.debtor)}</Nm></Dbtr></RltdPties>"
            if e.debtor and version == "02"
            else ""
        )
        if e.debtor and version != "02":
            debtor = f"<RltdPties><Dbtr><Pty><Nm>{escape(e.debtor)}</Nm></Pty></Dbtr></RltdPties>"
        body.append(
            f"""<Ntry><NtryRef>{n}</NtryRef><Amt Ccy="{e.currency}">{Decimal(e.amount):.2f}</Amt>
<CdtDbtInd>{"CRDT" if e.credit else "DBIT"}</CdtDbtInd>{status(e.status)}
<BookgDt><Dt>{e.date.isoformat()}</Dt></BookgDt><ValDt><Dt>{e.date.isoformat()}</Dt></ValDt>
<AcctSvcrRef>{escape(e.ref or f"{msg_id}-{n:06d}")}</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>{debtor}
<RmtInf><Ustrd>{escape(e.label)}</Ustrd></RmtInf></TxDtls></NtryDtls>
<AddtlNtryInf>VIR SEPA RECU</AddtlNtryInf></Ntry>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">
<BkToCstmrStmt><GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>2026-10-02T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{msg_id}-S</Id><CreDtTm>2026-10-02T06:00:00</CreDtTm>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{"".join(body)}
</Stmt></BkToCstmrStmt></Document>""".encode()


def csv_bank(entries: list[Entry], *, separator: str = ";", debit_credit: bool = True) -> bytes:
    """A French bank's export: dd/mm/yyyy dates, decimal comma, débit and crédit columns (or one signed one)."""

    def fr(value: Decimal) -> str:
        return f"{value:.2f}".replace(".", ",")

    if debit_credit:
        rows = [separator.join(["Date opération", "Libellé", "Débit", "Crédit", "Référence"])]
        for e in entries:
            amount = fr(Decimal(e.amount))
            rows.append(
                separator.join(
                    [
                        e.date.strftime("%d/%m/%Y"),
                        e.label,
                        "" if e.credit else amount,
                        amount if e.credit else "",
                        e.ref,
                    ]
                )
            )
    else:
        rows = [separator.join(["date", "label", "amount", "currency"])]
        for e in entries:
            signed = Decimal(e.amount) if e.credit else -Decimal(e.amount)
            rows.append(separator.join([e.date.isoformat(), e.label, f"{signed:.2f}", e.currency]))
    return ("\r\n".join(rows) + "\r\n").encode("cp1252" if debit_credit else "utf-8")


FRENCH_CSV_MAPPING = {
    "separator": ";",
    "decimal_comma": True,
    "date": "Date opération",
    "label": "Libellé",
    "amount": "",
    "debit": "Débit",
    "credit": "Crédit",
    "reference": "Référence",
    "currency": "",
}
