"""Every page as its users read it: the demo data, each demo login, every page reachable by
following links, and the words on them.

tests/test_language.py reads the catalogue and the templates' literal text; this test reads
the rendered pages, where data, formats and Django's own messages meet them: no internal
period code where a name belongs (2025-H1, 6T/2025), no "None", no English sentence, no
word GLOSSARY.md refuses in what the portal says. What people typed and the plan's own text
(task titles, units, enterprise names, activities) keep their spelling as written
(GLOSSARY.md): the glossary test leaves them out.
"""

from __future__ import annotations

import html
import importlib
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import CharField, JSONField, TextField
from django.test import Client
from django_scopes import scopes_disabled

from accounts.access import role_of
from dashboard.management.commands.seed_demo import SEEDERS

from .conftest import served_commune
from .test_language import PERIOD_CODE, problems

pytestmark = pytest.mark.django_db

# Pages read per login; pages of one shape (/enterprises/N/workers/N/, ?period=…) per login.
MAX_PAGES = 160
MAX_VARIANTS = 2
# Not pages: downloads, actions behind links, language switching, the admin.
SKIP = re.compile(
    r"^/(admin|media|static)/|/logout/|/i18n/|\.(xlsx|docx|pdf|csv|zip)$|/download|/evidence/|/template|/api/"
)
LINK = re.compile(r'href="(/[^"]*)"')
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
# What people read outside the text: tooltips, labels for screen readers, placeholders.
READ_ATTRIBUTES = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
NODE = "\x00"  # between text nodes, so that each is read on its own
# A run of plain English words: three or more in a row, outside names and addresses.
ENGLISH = re.compile(r"\b(?:the|of|and|to|is|are|with|for|this|your|please|not)\b(?:\s+[A-Za-z]+){2,}")
NONE = re.compile(r"\bNone\b")


def readable_text(page: str) -> str:
    page = HIDDEN.sub(" ", page)
    return html.unescape(TAG.sub(NODE, page) + NODE + NODE.join(READ_ATTRIBUTES.findall(page)))


def demo_logins() -> list[str]:
    """The first demo login of each role (the others see the same pages of other data)."""
    logins = {}
    for name in SEEDERS:
        for username, _description in importlib.import_module(name).seed() or []:
            logins.setdefault(role_of(get_user_model().objects.get(username=username)), username)
    return list(logins.values())


def crawl(client: Client) -> dict[str, str]:
    """The readable text of every page the user reaches from the front page."""
    seen, variants, pages = set(), Counter(), {}
    queue = deque(["/"])
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302):
            location = response["Location"]
            if location.startswith("/") and location not in seen:
                seen.add(location)
                queue.append(location)
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = response.content.decode()
        pages[url] = readable_text(page)
        for link in LINK.findall(page):
            link = urldefrag(html.unescape(link))[0]
            path = re.sub(r"\d+", "N", urlsplit(link).path)  # one worker's page stands for all
            if link in seen or SKIP.search(link) or variants[path] >= MAX_VARIANTS:
                continue
            seen.add(link)
            variants[path] += 1
            queue.append(link)
    return pages


@pytest.fixture(scope="module")
def pages_and_texts(django_db_setup, django_db_blocker):
    """Every demo login's pages, read once for the module's tests (the demo is large)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        # Set-up, as a test body's (conftest): the module's fixture runs before the tests' own.
        with transaction.atomic(), scopes_disabled():
            served_commune()  # a transactional test before this module emptied the table
            call_command("load_plan", verbosity=0)
            logins = demo_logins()
            result = {}
            for username in logins:
                client = Client()
                client.force_login(get_user_model().objects.get(username=username))
                result[username] = crawl(client)
            result = (result, typed_or_loaded())
            transaction.set_rollback(True)
    return result


@pytest.fixture
def pages_by_login(pages_and_texts):
    return pages_and_texts[0]


@pytest.fixture
def plan_and_demo_texts(pages_and_texts):
    return pages_and_texts[1]


def offences(pages_by_login, finder) -> list[str]:
    found = []
    for username, pages in pages_by_login.items():
        for url, text in pages.items():
            found += [f"{username} {url}: {what}" for what in finder(" ".join(text.split(NODE)))]
    return found


def typed_or_loaded() -> list[str]:
    """Every text value the plan file loaded or people typed (plan, tasks, units, indicators,
    enterprises, officers, activities), longest first."""
    values = set()
    for label in ("plans", "enterprises", "indicators"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, (CharField, TextField, JSONField))]
            for row in model.objects.values_list(*fields) if fields else ():
                values.update(" ".join(value.split()) for value in strings_in(row) if len(value) > 3)
    return sorted(values, key=len, reverse=True)


def strings_in(value) -> list[str]:
    """The strings in a value, however deep in lists and objects (the plan's JSON fields)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in strings_in(item)]
    return []


def test_the_crawl_reaches_every_role_s_pages(pages_by_login):
    assert len(pages_by_login) >= 3
    for username, pages in pages_by_login.items():
        assert len(pages) >= 5, f"{username} reached only {sorted(pages)}"


def test_no_page_shows_an_internal_period_code(pages_by_login):
    found = offences(pages_by_login, lambda text: [m.group() for m in PERIOD_CODE.finditer(text)][:3])
    assert not found, "\n".join(found[:40])


def test_no_page_shows_none(pages_by_login):
    found = offences(
        pages_by_login, lambda text: [text[max(0, m.start() - 40) : m.end() + 20] for m in NONE.finditer(text)][:2]
    )
    assert not found, "\n".join(found[:40])


def test_no_page_speaks_english(pages_by_login):
    found = offences(pages_by_login, lambda text: [m.group() for m in ENGLISH.finditer(text)][:3])
    assert not found, "\n".join(found[:40])


def test_every_page_follows_the_glossary(pages_by_login, plan_and_demo_texts):
    def what_the_portal_says(node: str) -> str:
        node = " ".join(node.split())
        for value in plan_and_demo_texts:
            node = node.replace(value, " ")
        if node.endswith("…"):  # a shortened plan text: "5a. Tăng cường sự phối hợp…"
            start = node.rstrip("…").strip()
            if any(start[-30:] in value for value in plan_and_demo_texts):
                return ""
        return node

    found = []
    for username, pages in pages_by_login.items():
        for url, text in pages.items():
            for node in text.split(NODE):
                if problems(node):  # most nodes are fine: only these are looked at closely
                    found += [
                        f"{username} {url}: {what}: {node.strip()[:80]!r}"
                        for what in problems(what_the_portal_says(node))
                    ]
    assert not found, "\n".join(sorted(set(found))[:40])


def test_the_reader_sees_text_tooltips_and_labels_but_not_scripts():
    text = readable_text(
        '<p title="Kỳ 2025-H1">Đã duyệt</p><script>var None = 1;</script><input placeholder="None of the above">'
    )
    assert PERIOD_CODE.search(text)
    assert NONE.search(text) and ENGLISH.search(text)
    assert "var" not in text


def test_the_crawl_reaches_the_pages_people_work_in(pages_by_login):
    reached = {url for pages in pages_by_login.values() for url in pages}
    paths = {urlsplit(url).path for url in reached}
    for expected in ("/", "/plan/", "/enterprises/", "/reports/", "/dashboard/enterprises/"):
        assert expected in paths, f"{expected} not reached: {sorted(paths)}"
    assert any(re.match(r"^/reports/[^/]+/$", url) for url in reached)  # a period's review or report form
