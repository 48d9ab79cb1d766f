"""Keep each part of the portal's Vietnamese catalogue in step with its code.

Each app carries its own catalogue (`<app>/locale/vi/LC_MESSAGES/django.po`)
holding the strings of its Python code and of its templates in
`templates/<app>/`; the project's catalogue (`locale/`) holds `hoanghop/` and
the shared templates. Splitting it this way lets the apps change independently.

    python manage.py catalog plans          # refresh plans' catalogue
    python manage.py catalog --all --check  # fail if any msgid is missing or untranslated
    python manage.py catalog plans --fill vi.json   # set translations from {msgid: msgstr}
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

import polib

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

APPS = ["plans", "enterprises", "indicators"]
PROJECT = "hoanghop"
LANGUAGE = "vi"


def catalogue_path(part: str) -> Path:
    base = settings.BASE_DIR / "locale" if part == PROJECT else settings.BASE_DIR / part / "locale"
    return base / LANGUAGE / "LC_MESSAGES" / "django.po"


def sources(part: str) -> list[tuple[str, Path]]:
    """(name inside the scratch tree, real path) of the files a catalogue covers."""
    base = settings.BASE_DIR
    if part == PROJECT:
        found = [("hoanghop", base / "hoanghop")]
        for entry in sorted((base / "templates").iterdir()):
            if entry.name not in APPS:
                found.append((f"templates/{entry.name}", entry))
        return found
    found = [(part, base / part)]
    if (base / "templates" / part).exists():
        found.append((f"templates/{part}", base / "templates" / part))
    return found


def extract(part: str, scratch: Path, keep_existing: bool) -> Path:
    """Run makemessages over the part's sources in a scratch tree; return the .po it wrote."""
    for name, real in sources(part):
        link = scratch / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(real)
    locale = scratch / "locale" / LANGUAGE / "LC_MESSAGES"
    locale.mkdir(parents=True)
    if keep_existing and catalogue_path(part).exists():
        shutil.copy(catalogue_path(part), locale / "django.po")
    cwd = os.getcwd()
    os.chdir(scratch)
    try:
        with override_settings(LOCALE_PATHS=[]):
            call_command(
                "makemessages", locale=[LANGUAGE], symlinks=True, no_obsolete=True,
                ignore_patterns=["locale/*", "*/locale/*", "*/migrations/*"], verbosity=0,
            )
    finally:
        os.chdir(cwd)
    return locale / "django.po"


def read_entries(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid (with its context) -> (translation, fuzzy) of a .po file."""
    entries = {}
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        value = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
        entries[key] = (value, entry.fuzzy)
    return entries


def fill(path: Path, json_file: str) -> None:
    """Write translations from a {msgid: msgstr} map; a plural msgstr may be a list."""
    with open(json_file, encoding="utf-8") as handle:
        translations = json.load(handle)
    catalogue = polib.pofile(str(path))
    catalogue.metadata.update({"Language": LANGUAGE, "Plural-Forms": "nplurals=1; plural=0;",
                               "Content-Type": "text/plain; charset=UTF-8"})
    for entry in catalogue:
        if entry.msgid not in translations:
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[0] if isinstance(value, list) else value}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save()


class Command(BaseCommand):
    help = "Refresh (or --check) the Vietnamese catalogue of an app or of the project."

    def add_arguments(self, parser):
        parser.add_argument("parts", nargs="*", help=f"{PROJECT} or an app: {', '.join(APPS)}")
        parser.add_argument("--all", action="store_true", help="every catalogue")
        parser.add_argument("--check", action="store_true",
                            help="change nothing; fail on missing, untranslated or fuzzy entries")
        parser.add_argument("--fill", metavar="JSON",
                            help="after refreshing, set translations from a {msgid: msgstr} JSON file")

    def handle(self, *args, **options):
        parts = [PROJECT, *APPS] if options["all"] else options["parts"]
        unknown = set(parts) - {PROJECT, *APPS}
        if not parts or unknown:
            raise CommandError(f"Name {PROJECT} or an app ({', '.join(APPS)}), or use --all.")
        problems = []
        for part in parts:
            with tempfile.TemporaryDirectory() as scratch:
                fresh = extract(part, Path(scratch), keep_existing=not options["check"])
                if options["check"]:
                    problems += self.compare(part, read_entries(fresh))
                else:
                    catalogue_path(part).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(fresh, catalogue_path(part))
                    if options["fill"]:
                        fill(catalogue_path(part), options["fill"])
                    untranslated = [k for k, (v, fuzzy) in read_entries(catalogue_path(part)).items() if not v or fuzzy]
                    self.stdout.write(f"{catalogue_path(part)}: {len(untranslated)} to translate")
        if problems:
            raise CommandError("\n".join(problems))

    def compare(self, part: str, wanted: dict) -> list[str]:
        path = catalogue_path(part)
        have = read_entries(path) if path.exists() else {}
        problems = []
        for msgid in wanted:
            if msgid not in have:
                problems.append(f"{path}: missing “{msgid}” (run: python manage.py catalog {part})")
            elif not have[msgid][0] or have[msgid][1]:
                problems.append(f"{path}: “{msgid}” is untranslated or fuzzy")
        return problems
