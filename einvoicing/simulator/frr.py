"""The simulator's handling of e-reporting (`FRR`) flows: the flow type the PA assigns from the report's content
(reference.md §2), and the acknowledgement's verdict — the same flux 10 XSD as the product (Ok, or Error
InvalidSchema with the schema's messages)."""

from __future__ import annotations

from lxml import etree

from einvoicing import ereporting

TRANSACTIONS = "AggregatedCustomerTransactionReport"  # 10.3
PAYMENTS = "AggregatedCustomerPaymentReport"  # 10.4
UNITARY_TRANSACTIONS = "UnitaryCustomerTransactionReport"  # 10.1
UNITARY_PAYMENTS = "UnitaryCustomerPaymentReport"  # 10.2


def _root(content: bytes):
    try:
        return etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None


def flow_type(content: bytes) -> str:
    root = _root(content)
    if root is None:
        return TRANSACTIONS
    if root.find("PaymentsReport") is not None:
        return UNITARY_PAYMENTS if root.find("PaymentsReport/Invoice") is not None else PAYMENTS
    if root.find("TransactionsReport/Invoice") is not None:
        return UNITARY_TRANSACTIONS
    return TRANSACTIONS


def verdict(content: bytes) -> list[dict]:
    """The acknowledgement's error details for an FRR file, [] when it is accepted."""

    def detail(message: str, item: str = "file") -> dict:
        return {"level": "Error", "item": item, "reasonCode": "InvalidSchema", "reasonMessage": message[:250]}

    root = _root(content)
    if root is None:
        return [detail("Le fichier n'est pas un XML bien formé.")]
    schema = ereporting._schema()
    if not schema.validate(root):
        return [detail(f"ligne {e.line} : {e.message}") for e in list(schema.error_log)[:10]]
    return []
