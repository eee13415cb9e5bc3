"""Seeding at scale on PostgreSQL: one INSERT … SELECT generate_series per table, the secondary indexes built
once the rows are in (as a restore would), the dashboard's running totals rebuilt, then ANALYZE. Rows are written already issued, as the ledger's
triggers allow (they refuse changing an issued invoice, not inserting one)."""

from __future__ import annotations

import time


def _columns(model, explicit: dict[str, str]) -> tuple[list[str], list[str], list]:
    """Column names, SQL expressions and parameters: `explicit` SQL for the varying columns, each other
    column's model default."""
    from django.db import connection

    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(f'"{field.column}"')
        if field.column in explicit:
            expressions.append(explicit[field.column].replace("%", "%%"))
        else:
            expressions.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    return columns, expressions, params


def _insert(model, count: int, explicit: dict[str, str], params: list) -> None:
    from django.db import connection

    columns, expressions, defaults = _columns(model, explicit)
    # The explicit expressions carry no placeholders: every parameter belongs to a default column.
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM generate_series(0, {count - 1}) AS i"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, defaults + params)


# The tables the load writes most: their secondary indexes are dropped before and built after.
LOADED_TABLES = (
    "invoices_invoice",
    "invoices_quote",
    "invoices_payment",
    "clients_client",
    "clients_dossier",
)


def _secondary_indexes() -> dict[str, str]:
    """Name → CREATE INDEX statement of the loaded tables' indexes the migrations made, except those that
    back a constraint (primary keys, unique): exactly what the schema has, whatever migration made it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [list(LOADED_TABLES)],
        )
        return dict(cursor.fetchall())


def seed_cabinet(
    cabinet, user, *, invoices: int, clients: int = 300, dossiers: int = 1_200, extras: bool = False
):
    """`invoices` invoices over the 24 months up to today for one cabinet (drafts among the newest, a
    tenth of avoirs); with `extras`, its règlements (one per paid invoice), devis and Chorus submissions."""

    from clients.models import Client, Dossier, WorkFamily
    from invoices.models import Invoice, Payment, Quote

    families = WorkFamily.objects.bulk_create(
        [
            WorkFamily(cabinet=cabinet, libelle=f)
            for f in ("Bornage", "Topographie", "Division", "Implantation")
        ]
    )
    customers = Client.objects.bulk_create(
        [
            Client(
                cabinet=cabinet,
                nom=f"Client {cabinet.pk}-{i:04d}",
                ville="Toulouse",
                siret=f"{732829320 + i:09d}00074",
                responsable=user,
            )
            for i in range(clients)
        ]
    )
    folders = Dossier.objects.bulk_create(
        [
            Dossier(
                cabinet=cabinet,
                numero=f"D{cabinet.pk}-{i:05d}",
                objet=f"{('Bornage', 'Lever topographique', 'Division', 'Implantation')[i % 4]} parcelle AB {i}",
                client=customers[i % clients],
                famille=families[i % 4],
                responsable=user,
            )
            for i in range(dossiers)
        ]
    )
    client_ids = "ARRAY[" + ",".join(str(c.pk) for c in customers) + "]::bigint[]"
    dossier_ids = "ARRAY[" + ",".join(str(d.pk) for d in folders) + "]::bigint[]"
    drafts = max(invoices // 250, 1)
    day = f"(CURRENT_DATE - ((i * 730) / {invoices})::int)"
    # i = 0 is the newest; 1 in 10 is an avoir; statuses cycle through paid, issued, partially paid.
    ht = "(800 + (i % 50) * 25)::numeric(12,2)"
    issued = f"(i >= {drafts})"
    # The last four months are still being paid; older invoices are paid, but for a few late ones.
    recent = f"(i < {invoices} / 6)"
    status = (
        f"CASE WHEN NOT {issued} THEN 'brouillon' WHEN i % 10 = 0 THEN 'emise' "
        f"WHEN {recent} THEN (ARRAY['payee','emise','partiellement_payee','payee'])[i % 4 + 1] "
        "WHEN i % 97 = 1 THEN 'emise' ELSE 'payee' END"
    )
    explicit = {
        "objet": "(ARRAY['Bornage','Lever topographique','Division','Implantation'])[i % 4 + 1] || ' parcelle AB ' || i",
        "cabinet_id": str(cabinet.pk),
        "kind": "CASE WHEN i % 10 = 0 THEN 'avoir' ELSE 'facture' END",
        "status": status,
        "number": f"CASE WHEN {issued} THEN 'F{cabinet.pk}-' || lpad(({invoices} - i)::text, 7, '0') END",
        "client_id": f"({client_ids})[i % {clients} + 1]",
        "dossier_id": f"({dossier_ids})[i % {dossiers} + 1]",
        "issue_date": f"CASE WHEN {issued} THEN {day} END",
        "due_date": f"{day} + 30",
        "total_ht": ht,
        "total_vat": f"{ht} / 5",
        "total_ttc": f"{ht} * 6 / 5",
        "net_to_pay": f"{ht} * 6 / 5",
        "paid_amount": f"CASE WHEN NOT {issued} OR i % 10 = 0 THEN 0 "
        f"WHEN {recent} AND i % 4 = 2 THEN {ht} * 3 / 5 "
        f"WHEN {recent} AND i % 4 = 1 THEN 0 WHEN NOT {recent} AND i % 97 = 1 THEN 0 ELSE {ht} * 6 / 5 END",
        "reminder_count": "i % 3",
        "issued_at": f"CASE WHEN {issued} THEN {day}::timestamptz END",
        "created_at": f"{day}::timestamptz",
        "updated_at": f"{day}::timestamptz",
    }
    _insert(Invoice, invoices, explicit, [])
    if not extras:
        return
    paid = invoices * 3 // 5
    _insert(
        Payment,
        paid,
        {
            "cabinet_id": str(cabinet.pk),
            "client_id": f"({client_ids})[i % {clients} + 1]",
            "date": f"(CURRENT_DATE - ((i * 730) / {paid})::int)",
            "amount": "(960 + (i % 50) * 30)::numeric(12,2)",
            "mode": "(ARRAY['virement','cheque','prelevement'])[i % 3 + 1]",
            "reference": "'VIR ' || i",
            "created_at": "now()",
        },
        [],
    )
    quotes = invoices // 5
    _insert(
        Quote,
        quotes,
        {
            "cabinet_id": str(cabinet.pk),
            "number": f"'D{cabinet.pk}-' || lpad(i::text, 7, '0')",
            "client_id": f"({client_ids})[i % {clients} + 1]",
            "objet": "'Devis bornage ' || i",
            "date": f"(CURRENT_DATE - ((i * 730) / {quotes})::int)",
            "status": "(ARRAY['acceptee','en_attente','refusee','acceptee'])[i % 4 + 1]",
            "total_ht": "(900 + (i % 40) * 50)::numeric(12,2)",
            "total_vat": "(900 + (i % 40) * 50)::numeric(12,2) / 5",
            "total_ttc": "(900 + (i % 40) * 50)::numeric(12,2) * 6 / 5",
            "created_at": "now()",
        },
        [],
    )
    from chorus.models import ChorusSubmission
    from tests import factories

    account = factories.make_chorus_account(cabinet)
    first_id = Invoice.objects.filter(cabinet=cabinet).order_by("id").values_list("id", flat=True)[0]
    sent = min(2_000, (invoices - drafts) // 7)
    _insert(
        ChorusSubmission,
        sent,
        {
            "cabinet_id": str(cabinet.pk),
            "account_id": str(account.pk),
            "invoice_id": f"{first_id + drafts} + i * 7",
            "state": "CASE WHEN i % 5 = 0 THEN 'a_soumettre' ELSE 'soumise' END",
            "chorus_status": "CASE WHEN i % 5 = 0 THEN '' ELSE "
            "(ARRAY['DEPOSEE','MISE_A_DISPOSITION','MANDATEE','MISE_EN_PAIEMENT'])[i % 4 + 1] END",
            "created_at": "now()",
            "updated_at": "now()",
        },
        [],
    )


def seed(cabinets_and_users, *, invoices: int, extras_for=None) -> float:
    """Seeds every (cabinet, user) with `invoices` invoices, builds the search indexes afterwards and
    analyses; returns the seconds it took."""
    from django.db import connection

    started = time.perf_counter()
    indexes = _secondary_indexes()
    with connection.cursor() as cursor:
        for name in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    for cabinet, user in cabinets_and_users:
        seed_cabinet(cabinet, user, invoices=invoices, extras=cabinet == extras_for)
    with connection.cursor() as cursor:
        for definition in indexes.values():
            cursor.execute(definition)
    # Rows written in SQL bypass « Valider »: the dashboard's running totals are rebuilt, as after a restore.
    from invoices.services import figures

    figures.rebuild()
    with connection.cursor() as cursor:
        # What autovacuum does after a load: statistics, and the visibility map index-only scans need.
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def seed_cabinets(cabinets: int, *, invoices: int, extras: bool = False):
    """`cabinets` cabinets « Cabinet i », each with its user « bench<i> » and `invoices` invoices (with
    `extras`, the first one also gets its règlements, devis and Chorus submissions); returns the
    (cabinet, user) pairs and the seconds the load took. PostgreSQL only."""
    from django.db import connection

    from tests import factories

    if connection.vendor != "postgresql":
        raise SystemExit("BENCH_CABINETS seeds in SQL for PostgreSQL : donnez DATABASE_URL=postgres://…")
    pairs = []
    for i in range(cabinets):
        cabinet = factories.make_cabinet(raison_sociale=f"Cabinet {i}")
        pairs.append((cabinet, factories.make_user(cabinet, username=f"bench{i}")))
    seconds = seed(pairs, invoices=invoices, extras_for=pairs[0][0] if extras else None)
    return pairs, seconds
