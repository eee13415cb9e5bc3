"""The lifecycle statuses of an e-invoice (CDAR MDT-105), their French names, in one table (reference.md §4,
FNFE CDV schematron v1.4.0.03 list CL-06), and what each one means for the cabinet."""

from __future__ import annotations

# Names of 200–213 and 220: the AFNOR use-case examples and the reference's table [H].
# 214, 221, 224–228 and 501: « one unattributed open-source enum » (reference.md §4) [M].
# 250, 251, 300, 301, 400, 401, 500, 600, 601: names UNVERIFIED (reference.md §4 and §9 « Names for codes
# 250–601 »); the codes are allowed by CL-06, the labels below only say so, here and nowhere else.
LABELS: dict[int, str] = {
    200: "Déposée",
    201: "Émise par la plateforme",
    202: "Reçue par la plateforme",
    203: "Mise à disposition",
    204: "Prise en charge",
    205: "Approuvée",
    206: "Approuvée partiellement",
    207: "En litige",
    208: "Suspendue",
    209: "Complétée",
    210: "Refusée",
    211: "Paiement transmis",
    212: "Encaissée",
    213: "Rejetée",
    214: "Visée",
    220: "Annulée",
    221: "Erreur de routage",
    224: "Demande de paiement direct",
    225: "Affacturée",
    226: "Affacturée confidentiel",
    227: "Changement de compte à payer",
    228: "Non affacturée",
    250: "Statut 250 (libellé non confirmé)",
    251: "Statut 251 (libellé non confirmé)",
    300: "Statut 300 (libellé non confirmé)",
    301: "Statut 301 (libellé non confirmé)",
    400: "Statut 400 (libellé non confirmé)",
    401: "Statut 401 (libellé non confirmé)",
    500: "Statut 500 (libellé non confirmé)",
    501: "Irrecevable",
    600: "Statut 600 (libellé non confirmé)",
    601: "Statut 601 (libellé non confirmé)",
}

# The acknowledgement of our own flow by the PA (Flow.acknowledgement.status), recorded in the same history
# with these pseudo-codes so the page shows one timeline. Error = the invoice was not accepted by the PA.
ACK_OK = 1
ACK_ERROR = 2
ACK_LABELS = {
    ACK_OK: "Acceptée par la plateforme",
    ACK_ERROR: "Refusée par la plateforme (accusé de réception)",
}

DEPOSEE, APPROUVEE, EN_LITIGE, SUSPENDUE, COMPLETEE, REFUSEE, ENCAISSEE, REJETEE = (
    200,
    205,
    207,
    208,
    209,
    210,
    212,
    213,
)
# The buyer will not pay this invoice: an avoir and a new invoice (the guided correction).
TO_CORRECT = frozenset({REFUSEE, REJETEE, ACK_ERROR})
# The buyer waits for the seller: show the buyer's reason, let the user answer « Complétée » (209).
TO_ANSWER = frozenset({EN_LITIGE, SUSPENDUE})
GOOD = frozenset({ACK_OK, 200, 201, 202, 203, 204, 205, 206, 209, 211, 212, 214})
BAD = frozenset({ACK_ERROR, 210, 213, 220, 221, 501})

# Reason codes of a refusal (reference.md §4, list for 210) with their French meaning.
REASONS: dict[str, str] = {
    "TX_TVA_ERR": "Taux de TVA erroné",
    "MONTANTTOTAL_ERR": "Montant total erroné",
    "CALCUL_ERR": "Erreur de calcul",
    "NON_CONFORME": "Facture non conforme",
    "DOUBLON": "Facture en double",
    "DEST_ERR": "Erreur de destinataire",
    "TRANSAC_INC": "Transaction inconnue",
    "EMMET_INC": "Émetteur inconnu",
    "CONTRAT_TERM": "Contrat terminé",
    "DOUBLE_FACT": "Double facturation",
    "CMD_ERR": "Commande erronée",
    "ADR_ERR": "Adresse erronée",
    "REF_CT_ABSENT": "Référence contractuelle absente",
}
ACTIONS: dict[str, str] = {
    "NOA": "Aucune action",
    "PIN": "Fournir les informations",
    "NIN": "Émettre une nouvelle facture",
    "CNF": "Émettre un avoir total",
    "CNP": "Émettre un avoir partiel",
    "CNA": "Émettre un avoir du montant indiqué",
    "OTH": "Autre",
}


def label(code: int | None) -> str:
    if code is None:
        return ""
    if code in ACK_LABELS:
        return ACK_LABELS[code]
    return LABELS.get(code, f"Statut {code}")


def tone(code: int | None) -> str:
    """The badge's class: ok (moving on), danger (to correct), warn (to answer), "" (neutral)."""
    if code in TO_ANSWER:
        return "warn"
    if code in BAD:
        return "danger"
    if code in GOOD:
        return "ok"
    return ""
