"""Migrations that have landed are never edited again, and models and migrations agree.

`tests/migrations.lock` holds the SHA-256 of every committed migration. A changed file
fails here (write a new migration instead); a new one fails until it is added to the lock
with `make migrations-lock`, which is how a developer says "this one is final now".
"""

from __future__ import annotations

import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "tests" / "migrations.lock"


def migration_files() -> dict[str, str]:
    """Each migration file of the portal's apps (path from the project root) and its SHA-256."""
    files = sorted(path for path in ROOT.glob("*/migrations/[0-9]*.py") if path.parent.parent.name != "mutants")
    return {str(path.relative_to(ROOT)): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def locked() -> dict[str, str]:
    lines = [line.split() for line in LOCK.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return {path: digest for digest, path in lines}


def test_no_landed_migration_was_edited_or_removed():
    current = migration_files()
    changed = [path for path, digest in locked().items() if current.get(path) != digest]
    assert changed == [], "landed migrations changed or removed: write a new migration instead"


def test_every_migration_is_in_the_lock():
    missing = sorted(set(migration_files()) - set(locked()))
    assert missing == [], "new migrations: run `make migrations-lock` once they are final"


@pytest.mark.django_db
def test_the_models_and_the_migrations_agree():
    out = StringIO()
    call_command("makemigrations", check=True, dry_run=True, stdout=out)
