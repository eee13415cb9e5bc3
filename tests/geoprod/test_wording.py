"""Counted words agree in French: 0 and 1 singular, 2 and more plural, irregular plurals given."""

from __future__ import annotations

import pytest

from geoprod.wording import counted


@pytest.mark.parametrize(
    ("n", "words", "plural", "expected"),
    [
        (0, "pièce vérifiée", None, "0 pièce vérifiée"),
        (1, "facture envoyée", None, "1 facture envoyée"),
        (2, "facture envoyée", None, "2 factures envoyées"),
        (3, "avoir émis", None, "3 avoirs émis"),
        (2, "devis accepté", "devis acceptés", "2 devis acceptés"),
        (5, "statut mis à jour", "statuts mis à jour", "5 statuts mis à jour"),
    ],
)
def test_counted_words_agree(n, words, plural, expected):
    assert counted(n, words, plural) == expected
