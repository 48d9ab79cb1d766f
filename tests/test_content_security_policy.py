"""Content-Security-Policy: scripts and styles only from the portal's own static files.

The policy forbids inline script, inline event handlers and inline style attributes, so the
templates must not contain any; a JSON data island (`json_script`) is data, not script.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def policy_of(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


def test_a_page_carries_a_policy_without_inline_script_or_style(client_for, official):
    response = client_for(official).get(reverse("home"))
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_login_page_carries_the_policy_too(client):
    assert policy_of(client.get(reverse("login")))["script-src"] == ["'self'"]


def template_files() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def test_the_scan_finds_the_portal_templates():
    names = {path.name for path in template_files()}
    assert {"base.html", "login.html", "_completeness.html", "500.html"} <= names


@pytest.mark.parametrize("kind", INLINE)
def test_no_template_has_inline_script_style_or_handlers(kind):
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in template_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INLINE[kind].search(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    "sample, kind",
    [
        ("<script>alert(1)</script>", "inline <script>"),
        ('<div style="width: 5%">', "style attribute"),
        ('<button onclick="go()">', "event-handler attribute"),
        ('<a href="javascript:go()">', "javascript: URL"),
    ],
)
def test_the_scan_recognises_each_kind(sample, kind):
    assert INLINE[kind].search(sample)


def test_the_scan_allows_script_files_and_data_attributes():
    line = '<script src="/static/js/dashboard.js"></script><div data-online="1" class="x">'
    assert not any(pattern.search(line) for pattern in INLINE.values())
