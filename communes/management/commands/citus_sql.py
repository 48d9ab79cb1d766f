"""`manage.py citus_sql`: the SQL that turns this installation's PostgreSQL schema into a
distributed one on Citus, every commune-owned table sharded by its commune (README, "Past one
machine").

It reads the live schema (constraint names as Django made them) and prints, in order:

1. the tables that belong to no commune (communes, users and groups, units, sessions, …) as
   reference tables, copied whole to every node;
2. for each commune-owned table and its history table: its foreign keys to other
   commune-owned tables dropped, its primary key and every single-column unique constraint
   widened to start with `commune_id`, the table distributed by `commune_id`, all co-located
   with the enterprises;
3. the foreign keys between commune-owned tables again, each with the commune added on both
   sides (a child's row and its parent then live on the same shard).

It changes nothing itself: run its output with psql on the Citus coordinator after
`migrate`, once. Tables it cannot distribute (a commune-owned row's table without the commune
column) are named on stderr and make it fail.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from communes.scoping import CommuneOwned

COLOCATE_WITH = "enterprises_enterprise"


def commune_owned_models() -> list[type]:
    """Every concrete commune-owned model, and the history model simple_history made of it."""
    owned = [model for model in apps.get_models() if issubclass(model, CommuneOwned)]
    history = [model.history.model for model in owned if hasattr(model, "history")]
    return sorted(owned + history, key=lambda model: model._meta.db_table)


def distributed_tables() -> list[str]:
    tables = {model._meta.db_table for model in commune_owned_models()}
    for model in commune_owned_models():
        for field in model._meta.local_many_to_many:
            tables.add(field.remote_field.through._meta.db_table)
    return sorted(tables)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def statements() -> tuple[list[str], list[str]]:
    """(the SQL, the tables that cannot be distributed)."""
    distributed = distributed_tables()
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        constraints = {table: connection.introspection.get_constraints(cursor, table) for table in existing}
        columns = {
            table: {column.name for column in connection.introspection.get_table_description(cursor, table)}
            for table in existing
        }
    missing = [table for table in distributed if "commune_id" not in columns.get(table, ())]
    sql = ["-- 1. Reference tables: rows of no commune, copied to every node."]
    sql += [
        f"SELECT create_reference_table('{table}');"
        for table in sorted(existing - set(distributed))
        if not table.startswith("django_migrations")
    ]
    dropped, readded, widened = [], [], []
    for table in distributed:
        if table in missing:
            continue
        for name, spec in sorted(constraints[table].items()):
            target = spec.get("foreign_key")
            if target and target[0] in distributed:
                (column,) = spec["columns"]
                dropped.append(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)};")
                readded.append(
                    f'ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} FOREIGN KEY ("commune_id", {quote(column)}) '
                    f'REFERENCES {quote(target[0])} ("commune_id", {quote(target[1])}) DEFERRABLE INITIALLY DEFERRED;'
                )
            elif (spec["primary_key"] or spec["unique"]) and "commune_id" not in spec["columns"]:
                keys = ", ".join(quote(column) for column in ["commune_id", *spec["columns"]])
                kind = "PRIMARY KEY" if spec["primary_key"] else "UNIQUE"
                widened.append(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)} CASCADE;")
                widened.append(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {kind} ({keys});")
    sql.append("-- 2. Commune-owned tables: keys that start with the commune, then sharded by it.")
    sql += dropped + widened
    sql += [
        f"SELECT create_distributed_table('{table}', 'commune_id', colocate_with => "
        f"'{'none' if table == COLOCATE_WITH else COLOCATE_WITH}');"
        for table in [COLOCATE_WITH, *[t for t in distributed if t != COLOCATE_WITH and t not in missing]]
    ]
    sql.append("-- 3. Foreign keys between commune-owned tables, the commune on both sides.")
    sql += readded
    return sql, missing


class Command(BaseCommand):
    help = "Print the SQL that distributes the commune-owned tables by commune on Citus (changes nothing)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Citus is PostgreSQL: set DATABASE_URL to the PostgreSQL database first.")
        sql, missing = statements()
        self.stdout.write("BEGIN;\n" + "\n".join(sql) + "\nCOMMIT;\n")
        if missing:
            raise CommandError("These tables hold a commune's rows but have no commune column: " + ", ".join(missing))
