"""The portal's one Vietnamese catalogue holds every string the code and templates use, each translated."""

import fnmatch
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

CATALOGUE = Path("locale", "vi", "LC_MESSAGES", "django.po")
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # what makemessages reads for the django domain
REFRESH = "run `make messages`, then translate what it adds"


def ignored_by_make_messages() -> list[str]:
    """The folders `make messages` leaves out, read from the Makefile so that both always agree."""
    makefile = (settings.BASE_DIR / "Makefile").read_text(encoding="utf-8")
    return re.search(r"^MESSAGES_IGNORE := (.+)$", makefile, re.MULTILINE).group(1).split()


def key(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    plural = f" / {entry.msgid_plural!r}" if entry.msgid_plural else ""
    return f"{context}{entry.msgid!r}{plural}"


def listing(keys) -> str:
    keys = sorted(keys)
    return "\n  ".join(keys[:20]) + (f"\n  … and {len(keys) - 20} more" if len(keys) > 20 else "")


def project_files(ignore: list[str]):
    """Every file of the project outside hidden folders and those `make messages` ignores."""
    for folder, subfolders, files in os.walk(settings.BASE_DIR):
        subfolders[:] = [
            name
            for name in subfolders
            if not name.startswith(".") and not any(fnmatch.fnmatchcase(name, pattern) for pattern in ignore)
        ]
        for name in files:
            yield Path(folder, name).relative_to(settings.BASE_DIR)


@pytest.fixture(scope="module")
def committed() -> polib.POFile:
    return polib.pofile(str(settings.BASE_DIR / CATALOGUE))


@pytest.fixture(scope="module")
def wanted(tmp_path_factory) -> set[str]:
    """The entries stock makemessages extracts today from a copy of the code and templates."""
    scratch = tmp_path_factory.mktemp("messages")
    ignore = ignored_by_make_messages()
    for path in project_files(ignore):
        if path.suffix in SOURCE_SUFFIXES and "locale" not in path.parts:
            (scratch / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(settings.BASE_DIR / path, scratch / path)
    here = os.getcwd()
    os.chdir(scratch)
    try:
        with override_settings(LOCALE_PATHS=[scratch / "locale"]):
            call_command("makemessages", locale=["vi"], ignore_patterns=ignore, verbosity=0)
    finally:
        os.chdir(here)
    return {key(entry) for entry in polib.pofile(str(scratch / CATALOGUE))}


def test_the_portal_has_one_catalogue_and_reads_it_from_locale():
    catalogues = [path for path in project_files(ignored_by_make_messages()) if path.suffix == ".po"]
    assert catalogues == [CATALOGUE], "one catalogue for the whole portal: move the entries into locale/"
    assert settings.LOCALE_PATHS == [settings.BASE_DIR / "locale"]


def test_the_catalogue_holds_every_string_the_code_and_templates_use(committed, wanted):
    missing = wanted - {key(entry) for entry in committed if not entry.obsolete}
    assert not missing, f"missing from {CATALOGUE} ({REFRESH}):\n  {listing(missing)}"


def test_the_catalogue_holds_no_string_the_code_no_longer_uses(committed, wanted):
    unused = {key(entry) for entry in committed if not entry.obsolete} - wanted
    assert not unused, f"no longer used, still in {CATALOGUE} (run `make messages`):\n  {listing(unused)}"


def test_every_string_in_the_catalogue_is_translated_and_none_is_fuzzy(committed):
    untranslated = {key(entry) for entry in committed.untranslated_entries()}
    fuzzy = {key(entry) for entry in committed.fuzzy_entries()}
    assert not untranslated, f"untranslated in {CATALOGUE}:\n  {listing(untranslated)}"
    assert not fuzzy, f"fuzzy in {CATALOGUE} (check the wording, then drop the flag):\n  {listing(fuzzy)}"


def test_the_catalogue_keeps_no_obsolete_entries(committed):
    obsolete = {key(entry) for entry in committed.obsolete_entries()}
    assert not obsolete, f"obsolete (#~) entries in {CATALOGUE} (run `make messages`):\n  {listing(obsolete)}"
