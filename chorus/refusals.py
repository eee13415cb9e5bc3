"""Chorus Pro's refusals and failures as French sentences that say what to do, and the field they concern.

One table per kind of answer the reference lists (chorus-api-reference.md §1.5, §5.1, §5.2, §3.8–3.10):
HTTP statuses, then `codeRetour` per operation (a code means different things on different calls, §5.2),
then the readable `libelle` texts seen in the field. The raw code stays on the error, in the submission's
`last_error_code` and in the journal (ChorusExchange); the screens show the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from chorus import client

SETTINGS = "Paramètres, onglet Pièces, bloc Chorus Pro"


@dataclass(frozen=True)
class Explanation:
    message: str  # French, ends with what to do
    field: str = ""  # the form field it concerns; "" shows it above the form
    code: str = ""  # the raw codeRetour or HTTP status, for the journal


# HTTP statuses, whatever the operation (§1.5, §5.1).
HTTP = {
    401: (
        "Chorus Pro n'a pas reconnu le compte technique (identifiant ou mot de passe incorrect, ou mot de passe "
        f"expiré). Vérifiez-le dans {SETTINGS} ; un mot de passe expiré se renouvelle dans Chorus Pro par le "
        "gestionnaire principal de la structure."
    ),
    403: (
        "Chorus Pro refuse l'accès : l'application PISTE n'est pas abonnée aux API Chorus Pro (Factures, "
        "Structures, Utilisateurs, Transverses) ou le compte technique n'a pas de droits sur la structure. "
        f"Lancez « Tester la connexion » dans {SETTINGS} pour savoir laquelle des deux."
    ),
    413: "Le fichier dépasse 10 Mo, la taille maximale acceptée par Chorus Pro : réduisez-le puis recommencez.",
    429: "Chorus Pro reçoit trop de demandes en ce moment : réessayez dans quelques minutes.",
}
# 404 / 405 (§5.1): the configured address is not Chorus's API; retrying will not help.
NOT_AN_API = (
    "L'adresse de l'API Chorus Pro configurée sur cette instance ne correspond à aucun service Chorus Pro : "
    "l'exploitant doit vérifier CHORUS_ENV et les adresses CHORUS_…_API_BASE, puis « Tester la connexion »."
)
UNAVAILABLE = (
    "Chorus Pro ne répond pas pour le moment : réessayez plus tard. Rien ne sera déposé deux fois : l'envoi "
    "vérifie d'abord ce que Chorus Pro a déjà reçu."
)

# codeRetour per operation (§5.2), with the field it concerns.
CODES: dict[str, dict[str, tuple[str, str]]] = {
    "add_attachment": {
        "20003": (
            "Le fichier dépasse 10 Mo, la taille maximale acceptée par Chorus Pro : réduisez-le.",
            "fichier",
        ),
    },
    "deposit_flux": {
        "20001": (
            "Le flux Factur-X dépasse la taille acceptée par Chorus Pro (10 Mo) : allégez la facture.",
            "",
        ),
        "20002": (
            "Chorus Pro ne reconnaît pas le format du flux Factur-X : déposez la facture au format « PDF non signé ».",
            "",
        ),
    },
    # §3.14: completer answers only a SUSPENDUE invoice, recycler only an A_RECYCLER one (simulator codes; the
    # recycler's own 20004–20014 have no public meaning, their libellé is shown with what to do).
    "complete": {
        "20120": (
            "Chorus Pro refuse le complément : la facture n'est plus « Suspendue » (l'acheteur a pu la traiter "
            "entre-temps). Cliquez sur « Rafraîchir » pour voir son statut actuel.",
            "",
        ),
        "20100": (
            "Ajoutez un commentaire ou une pièce jointe, puis cliquez sur « Compléter ».",
            "reply_comment",
        ),
        "20108": (
            "Une pièce jointe du complément n'est plus connue de Chorus Pro : retirez-la, ajoutez-la de nouveau, "
            "puis cliquez sur « Compléter ».",
            "",
        ),
    },
    "recycle": {
        "20120": (
            "Chorus Pro refuse le recyclage : la facture n'est plus « À recycler » (l'acheteur a pu la traiter "
            "entre-temps). Cliquez sur « Rafraîchir » pour voir son statut actuel.",
            "",
        ),
    },
    "find_structure": {
        "20000": (
            "Aucune structure Chorus Pro ne porte ce SIRET : vérifiez-le auprès de l'acheteur public.",
            "destinataire_siret",
        ),
    },
    "search_invoices": {
        "20000": ("Chorus Pro ne connaît pas encore cette facture : réessayez « Rafraîchir » plus tard.", ""),
        "20007": ("Chorus Pro ne connaît pas encore cette facture : réessayez « Rafraîchir » plus tard.", ""),
    },
}

# Readable refusal texts seen from Chorus (§5.2, Open Bee's renderings) and our simulator, by words they hold.
LIBELLES: tuple[tuple[str, str, str], ...] = (
    (
        "performing service is mandatory",
        "Ce destinataire exige un code service : choisissez un service (loupe) puis soumettez de nouveau.",
        "service_code",
    ),
    (
        "recipient not located or inactive",
        "Le destinataire est introuvable ou inactif dans Chorus Pro : vérifiez son SIRET avec la loupe.",
        "destinataire_siret",
    ),
    (
        "of unknown type",
        "Une pièce jointe porte un type inconnu de Chorus Pro : retirez-la et ajoutez-la avec un type de la liste.",
        "",
    ),
    (
        "header synthesis is not correct",
        "Chorus Pro trouve les totaux incohérents (HT + TVA ≠ TTC) : vérifiez la facture, puis soumettez de nouveau.",
        "",
    ),
    (
        "consistency checks",
        "Chorus Pro a relevé une incohérence dans la facture : vérifiez le destinataire, le service, "
        "l'engagement et les montants.",
        "",
    ),
    (
        "could not be analyzed",
        "Chorus Pro n'a pas pu lire le PDF : vérifiez qu'il s'ouvre correctement puis redéposez-le.",
        "",
    ),
    (
        "déjà",
        "Ce numéro de facture a déjà été déposé dans Chorus Pro : « Rafraîchir » retrouve la facture existante.",
        "",
    ),
)

# What to click again after correcting, for the operations a screen button sends.
AGAIN = {"complete": "« Compléter »", "recycle": "« Recycler »"}

# Which field a refusal is about, from words of its libellé, when no sentence above matches.
FIELD_WORDS = (
    ("engagement", "numero_engagement"),
    ("service", "service_code"),
    ("destinataire", "destinataire_siret"),
    ("origine", "numero_facture_origine"),
    ("exon", "motif_exoneration"),
    ("marché", "numero_marche"),
    ("bancaire", "id_coordonnee_bancaire"),
)


def explain(error: client.ChorusError) -> Explanation:
    """The sentence and field to show for `error`; errors of our own checks keep their own wording."""
    operation = getattr(error, "operation", "")
    status = error.http_status
    if isinstance(error, client.ChorusRateLimited):
        return Explanation(HTTP[429], code="429")
    if isinstance(error, client.ChorusUnavailable):
        return Explanation(NOT_AN_API if status in (404, 405) else UNAVAILABLE, code=str(status or ""))
    if isinstance(error, client.ChorusAuthError):
        if status in HTTP:
            return Explanation(HTTP[status], code=str(status))
        return Explanation(error.message, code=str(status or ""))
    if not isinstance(error, client.ChorusRejected):
        return Explanation(error.message, code=getattr(error, "code", ""))
    known = CODES.get(operation, {}).get(error.code)
    if known:
        return Explanation(known[0], known[1], error.code)
    libelle = (error.libelle or "").lower()
    for words, message, field in LIBELLES:
        if words in libelle:
            if operation in AGAIN:
                message = message.replace(
                    "soumettez de nouveau", f"cliquez de nouveau sur {AGAIN[operation]}"
                )
            return Explanation(message, field, error.code)
    if error.code == "413":
        return Explanation(HTTP[413], "fichier" if operation == "add_attachment" else "", "413")
    field = next((f for word, f in FIELD_WORDS if word in libelle), "")
    again = f"cliquez de nouveau sur {AGAIN[operation]}" if operation in AGAIN else "recommencez"
    return Explanation(
        f"Chorus Pro a refusé la demande : « {error.libelle} ». Corrigez ce point puis {again}.",
        field,
        error.code,
    )
