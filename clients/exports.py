"""The client list's columns when exported (CSV / XLSX)."""

from __future__ import annotations

from django.db.models import QuerySet

from clients.models import Client
from geoprod.tabular import Column, Sheet

CLIENT_COLUMNS = (
    Column("Nom", lambda c: c.nom, width=32),
    Column("Catégorie", lambda c: c.get_categorie_display(), width=20),
    Column("SIRET", lambda c: c.siret, width=16),
    Column("TVA intracommunautaire", lambda c: c.tva_intracom, width=18),
    Column("Adresse", lambda c: c.adresse, width=32),
    Column("Code postal", lambda c: c.code_postal, width=10),
    Column("Ville", lambda c: c.ville, width=20),
    Column("Pays", lambda c: c.pays, width=12),
    Column("Téléphone", lambda c: c.telephone, width=16),
    Column("Mail", lambda c: c.email, width=28),
    Column("Dossiers", lambda c: c.nb_dossiers, "int", 10),
    Column("Créé le", lambda c: c.created_at.date(), "date", 12),
)


def client_sheet(qs: QuerySet[Client]) -> Sheet:
    return Sheet("Clients", CLIENT_COLUMNS, qs.iterator(chunk_size=2000))
