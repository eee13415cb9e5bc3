"""Database triggers that keep issued documents append-only whatever code runs (ORM, bulk update, raw SQL).

They are (re)installed after every `migrate` by a post_migrate handler (idempotent DROP + CREATE): on SQLite
Django rebuilds a table on many schema changes, which silently drops its triggers, and a column added to
Invoice later must be protected without anyone remembering to. The protected columns are generated from
Invoice's concrete fields minus MUTABLE_AFTER_ISSUE; the status moves from STATUS_TRANSITIONS.

What is refused:
- invoices: UPDATE of a protected column, or an illegal status move, once issued; DELETE once issued;
- invoice lines and deducted acomptes: INSERT, UPDATE, DELETE when their invoice is issued;
- number counters: DELETE, and any UPDATE that moves one backwards or elsewhere;
- règlements, their allocations, the register and the journal: UPDATE and DELETE (append-only).

PostgreSQL's TRUNCATE (what `flush` uses there) is not a row operation and stays possible for the database
owner; on SQLite `flush` deletes rows, so the `flush` command lifts the triggers for its own duration through
a function only this process registers (see `unlocked_for_flush`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError

from invoices.errors import InvoiceLocked

MARK = "[registre]"
PREFIX = "geoprod_guard"
UNLOCK_FUNCTION = "geoprod_ledger_unlocked"

MSG_INVOICE = "La facture est émise : elle ne peut plus être modifiée."
MSG_INVOICE_DELETE = "La facture est émise : elle ne peut pas être supprimée."
MSG_STATUS = "Ce changement de statut de la facture est interdit."
MSG_LINES = "Les lignes d'une facture émise ne peuvent plus être modifiées."
MSG_COUNTER = "Un compteur de numérotation ne se supprime pas et ne recule jamais."
MSG_APPEND_ONLY = "Ce registre est en ajout seul : une écriture ne se modifie ni ne se supprime."

_flush = threading.local()


@contextmanager
def as_invoice_locked() -> Iterator[None]:
    """Turns a trigger's refusal into InvoiceLocked with its French message; other errors pass through."""
    try:
        yield
    except IntegrityError as e:
        text = str(e)
        if MARK not in text:
            raise
        message = text.split(MARK, 1)[1].strip().splitlines()[0].strip()
        raise InvoiceLocked(message) from e


@contextmanager
def unlocked_for_flush() -> Iterator[None]:
    """Lets SQLite's `flush` (empty the whole database) delete rows; nothing else may."""
    _flush.active = True
    try:
        yield
    finally:
        _flush.active = False


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created handler: the function the SQLite triggers ask before refusing. A connection that
    does not have it (the sqlite3 shell…) gets "no such function" instead, which refuses the write too."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            UNLOCK_FUNCTION, 0, lambda: int(getattr(_flush, "active", False))
        )


# --- What is protected, read from the models ----------------------------------------------------


def _specs() -> dict:
    from geoprod.models import Counter
    from invoices.models import (
        MUTABLE_AFTER_ISSUE,
        DocumentEvent,
        Invoice,
        InvoiceLine,
        LedgerEntry,
        Payment,
        PaymentAllocation,
    )
    from invoices.models.invoices import STATUS_TRANSITIONS, InvoiceStatus

    protected = [f.column for f in Invoice._meta.concrete_fields if f.name not in MUTABLE_AFTER_ISSUE]
    moves = sorted(f"{old}>{new}" for old, news in STATUS_TRANSITIONS.items() for new in news)
    deducts = Invoice.deducts.through
    return {
        "invoice": Invoice._meta.db_table,
        "protected": protected,
        "moves": moves,
        "draft": InvoiceStatus.DRAFT.value,
        "children": [
            (InvoiceLine._meta.db_table, InvoiceLine._meta.get_field("invoice").column),
            (deducts._meta.db_table, deducts._meta.get_field("from_invoice").column),
        ],
        "counter": Counter._meta.db_table,
        "append_only": [m._meta.db_table for m in (Payment, PaymentAllocation, LedgerEntry, DocumentEvent)],
    }


def protected_invoice_columns() -> list[str]:
    return _specs()["protected"]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _names(spec: dict) -> list[tuple[str, str]]:
    """(trigger name, table) of every trigger installed, so uninstall() drops exactly those."""
    names = [(f"{PREFIX}_invoice", spec["invoice"]), (f"{PREFIX}_counter", spec["counter"])]
    names += [(f"{PREFIX}_child_{i}", table) for i, (table, _) in enumerate(spec["children"])]
    names += [(f"{PREFIX}_append_{i}", table) for i, table in enumerate(spec["append_only"])]
    return names


# --- PostgreSQL -----------------------------------------------------------------------------------


def _pg_raise(message: str) -> str:
    return f"RAISE EXCEPTION USING MESSAGE = {_lit(MARK + ' ' + message)}, ERRCODE = 'restrict_violation';"


def _pg_function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $guard$\n"
        f"BEGIN\n{body}\nIF TG_OP = 'DELETE' THEN RETURN OLD; END IF;\nRETURN NEW;\nEND\n$guard$;"
    )


def _pg_trigger(name: str, table: str, events: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {_q(table)};",
        f"CREATE TRIGGER {name} BEFORE {events} ON {_q(table)} FOR EACH ROW EXECUTE FUNCTION {name}();",
    ]


def _postgresql(spec: dict) -> list[str]:
    draft = _lit(spec["draft"])
    new_cols = ", ".join(f"NEW.{_q(c)}" for c in spec["protected"])
    old_cols = ", ".join(f"OLD.{_q(c)}" for c in spec["protected"])
    moves = ", ".join(_lit(m) for m in spec["moves"])
    name = f"{PREFIX}_invoice"
    sql = [
        _pg_function(
            name,
            f"IF TG_OP = 'DELETE' THEN\n  IF OLD.status <> {draft} THEN {_pg_raise(MSG_INVOICE_DELETE)} END IF;\n"
            f"ELSE\n  IF OLD.status <> {draft} AND ROW({new_cols}) IS DISTINCT FROM ROW({old_cols}) THEN "
            f"{_pg_raise(MSG_INVOICE)} END IF;\n"
            f"  IF NEW.status IS DISTINCT FROM OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({moves})"
            f" THEN {_pg_raise(MSG_STATUS)} END IF;\nEND IF;",
        ),
        *_pg_trigger(name, spec["invoice"], "UPDATE OR DELETE"),
    ]
    issued = f"SELECT 1 FROM {_q(spec['invoice'])} WHERE id = %s AND status <> {draft}"
    for i, (table, fk) in enumerate(spec["children"]):
        name = f"{PREFIX}_child_{i}"
        body = (
            f"IF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
            f"  IF EXISTS ({issued % ('OLD.' + _q(fk))}) THEN {_pg_raise(MSG_LINES)} END IF;\nEND IF;\n"
            f"IF TG_OP IN ('UPDATE', 'INSERT') THEN\n"
            f"  IF EXISTS ({issued % ('NEW.' + _q(fk))}) THEN {_pg_raise(MSG_LINES)} END IF;\nEND IF;"
        )
        sql += [_pg_function(name, body), *_pg_trigger(name, table, "INSERT OR UPDATE OR DELETE")]
    name = f"{PREFIX}_counter"
    sql += [
        _pg_function(
            name,
            f"IF TG_OP = 'DELETE' THEN {_pg_raise(MSG_COUNTER)} END IF;\n"
            "IF NEW.value < OLD.value OR NEW.cabinet_id IS DISTINCT FROM OLD.cabinet_id "
            f"OR NEW.name IS DISTINCT FROM OLD.name THEN {_pg_raise(MSG_COUNTER)} END IF;",
        ),
        *_pg_trigger(name, spec["counter"], "UPDATE OR DELETE"),
    ]
    for i, table in enumerate(spec["append_only"]):
        name = f"{PREFIX}_append_{i}"
        sql += [_pg_function(name, _pg_raise(MSG_APPEND_ONLY)), *_pg_trigger(name, table, "UPDATE OR DELETE")]
    return sql


# --- SQLite ----------------------------------------------------------------------------------------


def _sqlite_trigger(name: str, table: str, event: str, when: str, message: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name};",
        f"CREATE TRIGGER {name} BEFORE {event} ON {_q(table)} FOR EACH ROW "
        f"WHEN ({when}) AND NOT {UNLOCK_FUNCTION}() "
        f"BEGIN SELECT RAISE(ABORT, {_lit(MARK + ' ' + message)}); END;",
    ]


def _sqlite(spec: dict) -> list[str]:
    draft = _lit(spec["draft"])
    changed = " OR ".join(f"NEW.{_q(c)} IS NOT OLD.{_q(c)}" for c in spec["protected"])
    moves = ", ".join(_lit(m) for m in spec["moves"])
    table = spec["invoice"]
    name = f"{PREFIX}_invoice"
    sql = [
        *_sqlite_trigger(
            f"{name}_update", table, "UPDATE", f"OLD.status <> {draft} AND ({changed})", MSG_INVOICE
        ),
        *_sqlite_trigger(
            f"{name}_status",
            table,
            "UPDATE",
            f"NEW.status IS NOT OLD.status AND (OLD.status || '>' || NEW.status) NOT IN ({moves})",
            MSG_STATUS,
        ),
        *_sqlite_trigger(f"{name}_delete", table, "DELETE", f"OLD.status <> {draft}", MSG_INVOICE_DELETE),
    ]
    issued = f"EXISTS (SELECT 1 FROM {_q(table)} WHERE id = %s AND status <> {draft})"
    for i, (child, fk) in enumerate(spec["children"]):
        name = f"{PREFIX}_child_{i}"
        old, new = issued % ("OLD." + _q(fk)), issued % ("NEW." + _q(fk))
        sql += _sqlite_trigger(f"{name}_insert", child, "INSERT", new, MSG_LINES)
        sql += _sqlite_trigger(f"{name}_update", child, "UPDATE", f"{old} OR {new}", MSG_LINES)
        sql += _sqlite_trigger(f"{name}_delete", child, "DELETE", old, MSG_LINES)
    name = f"{PREFIX}_counter"
    sql += _sqlite_trigger(f"{name}_delete", spec["counter"], "DELETE", "1", MSG_COUNTER)
    sql += _sqlite_trigger(
        f"{name}_update",
        spec["counter"],
        "UPDATE",
        "NEW.value < OLD.value OR NEW.cabinet_id IS NOT OLD.cabinet_id OR NEW.name IS NOT OLD.name",
        MSG_COUNTER,
    )
    for i, append_only in enumerate(spec["append_only"]):
        name = f"{PREFIX}_append_{i}"
        sql += _sqlite_trigger(f"{name}_update", append_only, "UPDATE", "1", MSG_APPEND_ONLY)
        sql += _sqlite_trigger(f"{name}_delete", append_only, "DELETE", "1", MSG_APPEND_ONLY)
    return sql


# --- Install / uninstall ----------------------------------------------------------------------------


def install(connection) -> None:
    """Creates (or recreates) every trigger on `connection`; skips when the tables are not all there yet."""
    spec = _specs()
    tables = {spec["invoice"], spec["counter"], *spec["append_only"], *(t for t, _ in spec["children"])}
    if not tables <= set(connection.introspection.table_names()):
        return
    build = {"postgresql": _postgresql, "sqlite": _sqlite}.get(connection.vendor)
    if build is None:
        return
    with connection.cursor() as cursor:
        for statement in build(spec):
            cursor.execute(statement)


def uninstall(connection) -> None:
    """Drops every trigger (a maintenance and test tool: what runs without them is not protected)."""
    spec = _specs()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, table in _names(spec):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {_q(table)};")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [PREFIX + "%"]
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name};")


def install_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate handler."""
    from django.db import connections

    install(connections[using])


def release_before_migrate(sender, using, **kwargs) -> None:
    """pre_migrate handler. SQLite rebuilds a table to alter it (copy, drop, rename), and its ALTER TABLE
    RENAME refuses to run while a trigger elsewhere names the dropped table: the line triggers name the
    invoice table, so they are dropped for the migration and put back by install_after_migrate. The invoice
    table's own triggers stay until a rebuild drops them; PostgreSQL keeps every trigger throughout, so a
    data migration there cannot rewrite an issued invoice either."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{PREFIX}_child%"]
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name};")
