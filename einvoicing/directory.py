"""The buyer's electronic address (BT-49, scheme 0225) from the e-invoicing Directory, looked up at « Valider »
and remembered on the client (reference.md §3, « Resolving a buyer »).

Which directory line is used — the one rule, also applied to the cabinet's own address (BT-34):
1. only usable lines count: an addressing identifier, a platform, and that platform not disabled;
2. a line for the client's own SIRET (no routing code) wins: the company asked to be invoiced there;
3. otherwise the SIREN-level line (no SIRET, no routing code, no suffix), then a SIREN-level line with a
   suffix (SIREN_SUFFIX);
4. lines for other establishments (SIRET) or routing codes alone are not chosen for the user: the SIRET
   to invoice must be put on the client's record first.
Whatever is chosen starts with the buyer's SIREN (BR-FR-21) and uses only [A-Za-z0-9-_.] (BR-FR-23/25).

When the Directory cannot be reached at « Valider », the invoice is never blocked: a remembered address is
used (and said so); without one, BT-49 is the SIREN alone, the address every company registered in the
Directory has by default, and the transmission checks it again before anything leaves (sending.py).
Blocking would stop the cabinet's invoicing on a platform outage, and a draft must never be lost.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.utils import timezone

from chorus.client.transport import RetryPolicy
from einvoicing import client, routing, services
from einvoicing.models import PlatformAccount

logger = logging.getLogger("einvoicing.directory")

ADDRESS = re.compile(r"^[A-Za-z0-9\-_.]{1,125}$")


class NoLine(Exception):
    """No directory line can be used for this buyer (French message saying what to do)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def choose_line(lines: list[client.DirectoryLine], *, siret: str) -> client.DirectoryLine:
    """The line to address invoices to (rule in the module docstring); raises NoLine in French."""
    siren = (siret or "")[:9]
    found = [line for line in lines if line.siren == siren or not line.siren]
    usable = [
        line
        for line in found
        if line.usable
        and line.addressing_identifier.startswith(siren)
        and ADDRESS.match(line.addressing_identifier)
    ]
    if not usable:
        if found:
            raise NoLine(
                f"Le client (SIREN {siren}) figure à l'annuaire de la facturation électronique, mais sans "
                "plateforme de réception active : demandez-lui quelle plateforme agréée il a choisie et de "
                "l'y déclarer. D'ici là, la facture ne peut pas lui être transmise électroniquement ; "
                "remettez-lui la facture PDF."
            )
        raise NoLine(
            f"Le client (SIREN {siren}) n'est pas inscrit à l'annuaire de la facturation électronique. "
            "Vérifiez le SIRET de sa fiche ; s'il est juste, demandez-lui quelle plateforme agréée il utilise. "
            "D'ici là, la facture ne peut pas lui être transmise électroniquement : remettez-lui la facture PDF."
        )
    own_siret = [line for line in usable if siret and line.siret == siret and not line.routing_identifier]
    siren_level = [
        line
        for line in usable
        if not line.siret and not line.routing_identifier and not line.addressing_suffix
    ]
    suffixed = [line for line in usable if not line.siret and not line.routing_identifier]
    for group in (own_siret, siren_level, suffixed):
        if group:
            return min(group, key=lambda line: (len(line.addressing_identifier), line.addressing_identifier))
    raise NoLine(
        f"L'annuaire ne donne pour le SIREN {siren} que des adresses d'établissements ou de services "
        "(SIRET, code de routage) : renseignez sur la fiche client le SIRET de l'établissement à facturer, "
        "puis validez à nouveau."
    )


@dataclass(frozen=True)
class Outcome:
    """What « Valider » learnt about the buyer's address; `message` (French) is shown when not empty."""

    address: str
    message: str = ""
    warning: bool = False


def remembered(buyer) -> str:
    """The client's remembered address when it can be BT-49 (starts with its SIREN, allowed characters)."""
    address = buyer.adresse_electronique or ""
    if address and buyer.siret and address.startswith(buyer.siren) and ADDRESS.match(address):
        return address
    return ""


def resolve_at_issue(invoice, *, pa: client.PlatformClient | None = None) -> Outcome | None:
    """Looks the buyer of a PA_B2B invoice up in the Directory and remembers the address on the client.

    None when the invoice does not go through the PA (or the cabinet has no PA set up): nothing to do.
    Never raises for the Directory's sake: the caller shows `message` and validates (see module docstring).
    """
    buyer = invoice.client
    if services.routing_for(invoice).route != routing.Route.PA_B2B or not buyer.siret:
        return None
    account = PlatformAccount.objects.filter(cabinet_id=invoice.cabinet_id).first()
    if account is None:
        return None
    try:
        # One attempt, short timeouts: a user is waiting on « Valider », and the transmission checks again.
        pa = pa or services.client_for(account, retry=RetryPolicy(attempts=1))
        line = choose_line(pa.directory_lines(buyer.siren), siret=buyer.siret)
    except NoLine as e:
        if buyer.adresse_electronique:
            buyer.adresse_electronique, buyer.adresse_electronique_le = "", timezone.now()
            buyer.save(update_fields=["adresse_electronique", "adresse_electronique_le"])
        return Outcome(address="", message=e.message, warning=True)
    except client.PlatformError as e:
        logger.info("annuaire non consulté à la validation : %s", type(e).__name__)
        if isinstance(e, client.PlatformUnavailable):
            why = "L'annuaire de la facturation électronique ne répond pas"
        else:  # token refused, no right, a refusal: the settings need a look, the invoice need not wait
            why = f"L'annuaire de la facturation électronique n'a pas pu être consulté ({e.message})"
        known = remembered(buyer)
        if known:
            checked = buyer.adresse_electronique_le
            when = f" le {timezone.localtime(checked):%d/%m/%Y}" if checked else ""
            return Outcome(
                address=known,
                message=f"{why} : la facture porte l'adresse électronique du client retenue{when} ({known}).",
            )
        return Outcome(
            address="",
            message=(
                f"{why} : la facture porte le SIREN du client ({buyer.siren}) comme adresse électronique. Elle "
                "sera vérifiée dans l'annuaire avant la transmission à la plateforme agréée."
            ),
            warning=True,
        )
    buyer.adresse_electronique = line.addressing_identifier
    buyer.adresse_electronique_le = timezone.now()
    buyer.save(update_fields=["adresse_electronique", "adresse_electronique_le"])
    return Outcome(address=line.addressing_identifier)


def issue(*, invoice):
    """« Valider » of any invoice: for a PA_B2B one, the Directory is asked first (outside the numbering
    transaction: no HTTP call under the series lock), then the invoice is issued with that address as BT-49.
    Returns (issued invoice, Outcome or None); raises what issue_invoice raises (the draft stays intact)."""
    from invoices import services as invoicing

    outcome = resolve_at_issue(invoice) if invoice.is_draft else None
    return invoicing.issue_invoice(invoice=invoice), outcome
