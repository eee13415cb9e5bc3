"""The simulator's demo directory: the two demo cabinets as suppliers, and public recipients.

Each recipient carries one of the routing rules Chorus enforces, so every refusal can be shown. The
qualification « matelas de données » SIRETs (chorus-api-reference.md §8) are included so that data
prepared for the PISTE sandbox also works offline. Every SIRET passes the Luhn check.
"""

from __future__ import annotations

from datetime import date

DEMO_PASSWORD = "GeoprodDemo2026!"
GARONNE_LOGIN = "TECH_00000000178051@cpp2017.fr"  # Géomètres Experts Garonne
RHONE_LOGIN = "TECH_00000000178052@cpp2017.fr"  # Cabinet Rhône Topographie

# Technical accounts: login, password, expiry, user id, SIRETs it is attached to.
ACCOUNTS = [
    (GARONNE_LOGIN, DEMO_PASSWORD, date(2027, 12, 31), 178051, ["81234567600017"]),
    (RHONE_LOGIN, DEMO_PASSWORD, date(2027, 12, 31), 178052, ["79845612500011"]),
    ("TECH_00000000178053@cpp2017.fr", DEMO_PASSWORD, date(2025, 1, 31), 178053, ["81234567600017"]),
]

SUPPLIERS = [
    {
        "id_cpp": 26300101,
        "siret": "81234567600017",
        "designation": "Géomètres Experts Garonne",
        "numero_tva": "FR19812345676",
        "email": "contact@ge-garonne.example",
        "adresse": "12 allée Jean Jaurès",
        "code_postal": "31000",
        "ville": "Toulouse",
        "telephone": "0561000000",
        "services": [
            (71001, "FACTURATION", "Service facturation", True, False),
            (71002, "AGENCE_MONTAUBAN", "Agence de Montauban", True, False),
        ],
        "banks": [
            (51001, "Compte courant Crédit Agricole", "FR7630006000011234567890189", "AGRIFRPP"),
            (51002, "Compte travaux Banque Populaire", "FR7610907000301234567890127", "CCBPFRPP"),
        ],
    },
    {
        "id_cpp": 26300102,
        "siret": "79845612500011",
        "designation": "Cabinet Rhône Topographie",
        "numero_tva": "FR44798456125",
        "email": "contact@rhone-topo.example",
        "adresse": "5 quai Saint-Antoine",
        "code_postal": "69002",
        "ville": "Lyon",
        "telephone": "0478000000",
        "services": [(71011, "SERVICE_COMPTABLE", "Service comptable", True, False)],
        "banks": [(51011, "Compte principal Société Générale", "FR1420041010050500013M02606", "SOGEFRPP")],
    },
]

# Services: (idService, code, libellé, active, engagement number mandatory for this service).
RECIPIENTS = [
    {
        "id_cpp": 26310001,
        "siret": "21310555400017",
        "designation": "Mairie de Toulouse",
        "code_service_obligatoire": True,
        "adresse": "Place du Capitole",
        "code_postal": "31000",
        "ville": "Toulouse",
        "services": [
            (72001, "DGST", "Direction générale des services techniques", True, False),
            (72002, "URBANISME", "Direction de l'urbanisme", True, True),
            (72003, "FONCIER", "Service foncier", True, False),
            (72004, "CADASTRE_ANCIEN", "Ancien service du cadastre", False, False),
            (72005, "FACTURES_PUBLIQUES", "Service des factures publiques", True, False),
        ],
    },
    {
        "id_cpp": 26310002,
        "siret": "21690123100011",
        "designation": "Commune de Lyon",
        "ej_obligatoire": True,
        "adresse": "1 place de la Comédie",
        "code_postal": "69001",
        "ville": "Lyon",
        "services": [
            (72011, "VOIRIE", "Direction de la voirie", True, False),
            (72012, "PATRIMOINE", "Direction du patrimoine", True, False),
        ],
    },
    {
        "id_cpp": 26310003,
        "siret": "20004526800014",
        "designation": "Établissement public foncier d'Occitanie",
        "code_service_obligatoire": True,
        "ej_obligatoire": True,
        "adresse": "1025 rue Henri Becquerel",
        "code_postal": "34000",
        "ville": "Montpellier",
        "services": [
            (72021, "DIR_OPERATIONS", "Direction des opérations foncières", True, False),
            (72022, "DIR_TRAVAUX", "Direction des travaux", True, False),
        ],
    },
    {
        "id_cpp": 26310004,
        "siret": "22310001700019",
        "designation": "Département de la Haute-Garonne",
        "ej_ou_service": True,
        "adresse": "1 boulevard de la Marquette",
        "code_postal": "31000",
        "ville": "Toulouse",
        "services": [
            (72031, "DIR_ROUTES", "Direction des routes", True, False),
            (72032, "DIR_BATIMENTS", "Direction des bâtiments", True, False),
        ],
    },
    {
        "id_cpp": 26310005,
        "siret": "25310042400014",
        "designation": "Syndicat mixte de l'eau Garonne-Ariège",
        "mep_non_remonte": True,
        "adresse": "3 rue de l'Usine",
        "code_postal": "31120",
        "ville": "Portet-sur-Garonne",
        "services": [(72041, "EXPLOITATION", "Service exploitation", True, False)],
    },
    {
        "id_cpp": 26310006,
        "siret": "21310433400015",
        "designation": "SIVOM de la Saune (dissous)",
        "active": False,
        "adresse": "Mairie",
        "code_postal": "31130",
        "ville": "Quint-Fonsegrives",
        "services": [],
    },
    {
        "id_cpp": 26310101,
        "siret": "12345678200051",
        "designation": "Destinataire sans paramètre (qualification)",
        "services": [],
    },
    {
        "id_cpp": 26310102,
        "siret": "12345678200036",
        "designation": "Destinataire EJ obligatoire (qualification)",
        "ej_obligatoire": True,
        "services": [],
    },
    {
        "id_cpp": 26310103,
        "siret": "12345678200028",
        "designation": "Destinataire service obligatoire (qualification)",
        "code_service_obligatoire": True,
        "services": [(72101, "SERVICE_DEST_SERV_OBL", "Service destinataire obligatoire", True, False)],
    },
    {
        "id_cpp": 26310104,
        "siret": "12345678200044",
        "designation": "Destinataire service et EJ obligatoires (qualification)",
        "code_service_obligatoire": True,
        "ej_obligatoire": True,
        "services": [(72111, "SERVICE_DEST_SERV_EJ_OBL", "Service destinataire EJ", True, False)],
    },
    {
        "id_cpp": 26310105,
        "siret": "11000201100044",
        "designation": "Destinataire État (qualification)",
        "code_service_obligatoire": True,
        "ej_obligatoire": True,
        "services": [(72121, "SFACETAT", "Service facturier de l'État", True, False)],
    },
]

MOTIFS_EXONERATION = [
    ("TVA_NON_APPLICABLE_293B", "TVA non applicable, art. 293 B du CGI"),
    ("EXONERATION_261", "Exonération de TVA, article 261 du CGI"),
    ("AUTOLIQUIDATION", "Autoliquidation, article 283 du CGI"),
    ("EXPORTATION", "Exonération de TVA, article 262 I du CGI (exportation)"),
    ("LIVRAISON_INTRACOMMUNAUTAIRE", "Exonération de TVA, article 262 ter I du CGI"),
]

# Codes invented after the samples' shape (TVA20, TVA5 …): no source lists the real ones.
TAUX_TVA = [
    ("TVA20", "TVA 20 %", "20.00"),
    ("TVA10", "TVA 10 %", "10.00"),
    ("TVA5_5", "TVA 5,5 %", "5.50"),
    ("TVA2_1", "TVA 2,1 %", "2.10"),
    ("TVA0", "TVA 0 %", "0.00"),
]

# Codes invented too: no source found the real values of the attachment types.
TYPES_PJ = [
    (1, "PJ_BON_COMMANDE", "Bon de commande"),
    (2, "PJ_PV_RECEPTION", "Procès-verbal de réception"),
    (3, "PJ_PLAN", "Plan"),
    (4, "PJ_DEVIS", "Devis"),
    (5, "PJ_AUTRE", "Autre pièce justificative"),
]
