"""The SQL function `portal_fold` of core.search on PostgreSQL (SQLite gets it from Python on
each connection, core.apps)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE OR REPLACE FUNCTION portal_fold(text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT lower(unaccent($1)) $$;
"""
DROP = "DROP FUNCTION IF EXISTS portal_fold(text);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_form_submissions")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
