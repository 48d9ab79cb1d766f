"""A pytest plugin for `make mutation` only: every mutant's test run starts from a copy of
one migrated SQLite database instead of migrating a new one.

mutmut runs the tests of each mutant in a new pytest session (a forked process); migrating
the in-memory test database costs several seconds a session, more than most mutants'
tests. So the first session (mutmut's stats run) migrates a database file and saves a
pristine copy of it, the template; every later session copies the template to a file of
its own and reuses it (`--reuse-db`: migrate finds nothing to apply). Each process has
its own file, so mutants still run in parallel. Loaded by pyproject.toml's [tool.mutmut]
(`-p tests.mutmut_db`); the ordinary test runs never load it.
"""

import os
import shutil
from pathlib import Path

import pytest


def _folder() -> Path:
    from django.conf import settings

    return Path(settings.BASE_DIR) / ".mutmut-db"


def _template() -> Path:
    return _folder() / "template.sqlite3"


def _own_database() -> Path:
    return _folder() / f"{os.getpid()}.sqlite3"


def pytest_configure(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return
    config.option.reuse_db = True
    own = _own_database()
    own.parent.mkdir(exist_ok=True)
    own.unlink(missing_ok=True)
    if _template().exists():
        shutil.copyfile(_template(), own)
    database.setdefault("TEST", {})["NAME"] = str(own)


def pytest_unconfigure(config):
    _own_database().unlink(missing_ok=True)


@pytest.fixture(scope="session", autouse=True)
def _save_the_template(django_db_setup, django_db_blocker):
    """Right after the first migration, before any test has written to the database."""
    from django.db import connection

    if connection.vendor == "sqlite" and not _template().exists():
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(_template())])
