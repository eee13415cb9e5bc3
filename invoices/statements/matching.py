"""Proposes, for each credit line of a statement, the open invoices it pays, with a confidence.

In order: the invoice number written in the label (haute when the amount is what those invoices still owe,
moyenne otherwise); the client's name in the label with the exact amount of one of its invoices (haute), or
of several of its invoices together (moyenne); the exact amount of a single open invoice of the cabinet
(basse); the client's name alone (basse, the amount stays on the client's account). An invoice proposed for
one line is not proposed again for the next lines of the same statement beyond what it still owes.

Pure Python over plain values: the whole statement is matched against the cabinet's open invoices loaded
once, so the number of queries does not depend on the number of lines.
"""

from __future__ import annotations

import datetime
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from invoices.statements import StatementLine

HAUTE, MOYENNE, BASSE = "haute", "moyenne", "basse"
# Words that say nothing about who the client is.
STOPWORDS = frozenset(
    "SCI SARL SAS SASU EURL SA SNC SELARL EARL GAEC M MR MME MLLE MM MONSIEUR MADAME COMMUNE MAIRIE VILLE DE "
    "LA LE LES DU DES D L ET EN AU AUX SUR SOUS VIR VIREMENT SEPA RECU FACTURE FACT FAC REF PRLV CHQ CB".split()
)
# Several invoices paid by one transfer: how many open invoices of a client are tried, and how many at once.
SUM_CANDIDATES = 12
SUM_MAX_INVOICES = 5


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    number: str
    client_id: int
    client_name: str
    amount_due: Decimal
    issue_date: datetime.date | None = None


@dataclass(frozen=True)
class Proposal:
    client_id: int | None
    invoice_ids: tuple[int, ...]
    confidence: str


NONE = Proposal(client_id=None, invoice_ids=(), confidence="")


def normalize(text: str) -> str:
    """Upper case, no accents, separators kept inside words (« FA-2609/0042 »)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    return re.sub(r"[^A-Z0-9/_\-]+", " ", plain)


def tokens(text: str) -> set[str]:
    words = normalize(text).split()
    found = set(words)
    for word in words:
        found.add(re.sub(r"[^A-Z0-9]", "", word))
        found.update(w for w in re.split(r"[/_\-]", word) if w)
    return found


def _compact(number: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", number.upper())


def _name_words(name: str) -> frozenset[str]:
    words = [w for w in normalize(name).split() if not w.isdigit()]
    significant = [w for w in words if w not in STOPWORDS and len(w) >= 3]
    return frozenset(significant or words)


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class Matcher:
    """Built once per import from the cabinet's open invoices; `propose` is called for each line in order."""

    def __init__(self, invoices: list[OpenInvoice]):
        self.invoices = {i.id: i for i in invoices}
        self.remaining = {i.id: _cents(i.amount_due) for i in invoices}
        self.by_number: dict[str, list[int]] = defaultdict(list)
        self.by_client: dict[int, list[int]] = defaultdict(list)
        self.by_amount: dict[int, list[int]] = defaultdict(list)
        self.client_words: dict[int, frozenset[str]] = {}
        self.clients_by_word: dict[str, set[int]] = defaultdict(set)
        oldest_first = sorted(invoices, key=lambda i: (i.issue_date or datetime.date.min, i.number))
        self.rank = {invoice.id: n for n, invoice in enumerate(oldest_first)}
        for invoice in oldest_first:
            self.by_number[invoice.number.upper()].append(invoice.id)
            compact = _compact(invoice.number)
            if compact != invoice.number.upper():
                self.by_number[compact].append(invoice.id)
            self.by_client[invoice.client_id].append(invoice.id)
            self.by_amount[_cents(invoice.amount_due)].append(invoice.id)
            if invoice.client_id not in self.client_words:
                words = _name_words(invoice.client_name)
                self.client_words[invoice.client_id] = words
                for word in words:
                    self.clients_by_word[word].add(invoice.client_id)

    def _open(self, ids) -> list[int]:
        return sorted((i for i in set(ids) if self.remaining[i] > 0), key=self.rank.__getitem__)

    def _take(self, ids: list[int], cents: int) -> None:
        for i in ids:
            part = min(self.remaining[i], cents)
            self.remaining[i] -= part
            cents -= part

    def _clients_named(self, words: set[str]) -> list[int]:
        candidates = set().union(*(self.clients_by_word.get(w, ()) for w in words)) if words else set()
        return sorted(c for c in candidates if self.client_words[c] and self.client_words[c] <= words)

    def propose(self, line: StatementLine) -> Proposal:
        if line.amount <= 0:
            return NONE
        cents = _cents(line.amount)
        words = tokens(f"{line.label} {line.reference} {line.debtor}")
        numbered = self._open(i for w in words for i in self.by_number.get(w, ()))
        if numbered:
            client = self.invoices[numbered[0]].client_id
            numbered = [i for i in numbered if self.invoices[i].client_id == client]
            exact = sum(self.remaining[i] for i in numbered) == cents
            self._take(numbered, cents)
            return Proposal(client, tuple(numbered), HAUTE if exact else MOYENNE)
        clients = self._clients_named(words)
        for client in clients:
            own = self._open(self.by_client[client])
            single = [i for i in own if self.remaining[i] == cents]
            if single:
                self._take(single[:1], cents)
                return Proposal(client, (single[0],), HAUTE if len(single) == 1 else MOYENNE)
            combination = self._sum_of(own, cents)
            if combination:
                self._take(combination, cents)
                return Proposal(client, combination, MOYENNE)
        alone = self._open(i for i in self.by_amount.get(cents, ()) if self.remaining[i] == cents)
        if len(alone) == 1:
            self._take(alone, cents)
            return Proposal(self.invoices[alone[0]].client_id, (alone[0],), BASSE)
        if len(clients) == 1:
            return Proposal(clients[0], (), BASSE)
        return NONE

    def _sum_of(self, ids: list[int], cents: int) -> tuple[int, ...]:
        """The fewest, oldest open invoices of one client whose rests add up to exactly `cents`."""
        candidates = [i for i in ids if self.remaining[i] < cents][:SUM_CANDIDATES]
        for size in range(2, min(SUM_MAX_INVOICES, len(candidates)) + 1):
            for combo in itertools.combinations(candidates, size):
                if sum(self.remaining[i] for i in combo) == cents:
                    return combo
        return ()
