"""The offline PA's check of a lifecycle message (CDAR flow) it receives: the same CDAR D22B XSD and FNFE CDV
schematron the product applies before sending. A message failing them is acknowledged in Error
`InvalidSchema`, each broken rule a detail, as the Flow Service describes."""

from __future__ import annotations

from einvoicing import cdar


def verdict(content: bytes) -> list[dict]:
    """Acknowledgement error details of a CDAR file ([] when it is valid)."""
    faults = cdar.validate(content.lstrip(b"\xef\xbb\xbf"))
    return [
        {"level": "Error", "item": "file", "reasonCode": "InvalidSchema", "reasonMessage": fault[:1000]}
        for fault in faults[:10]
    ]
