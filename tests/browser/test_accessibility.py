"""Accessibility, tested: every page of the URLconf, as each role that may open it, on a phone
(390 px) and a desktop (1366 px), checked by axe-core against WCAG 2.1 A and AA; no violation
of impact "serious" or "critical" is allowed.

The pages come from the access matrix (tests/test_access_matrix.py), which fails for a URL
it does not list: every page the matrix says a role may open (200) is checked here as that
role, so a page added later is checked as soon as it is in the matrix. axe-core is installed
from the npm registry (package.json, devDependencies) and injected by the test only; the
portal never serves it. Playwright sets the page's Content-Security-Policy aside for this
(bypass_csp), since axe is injected as a script the policy would refuse.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from tests.test_access_matrix import PAGES, build_world, pages_of

from .conftest import ARTIFACTS

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
ROLES = ("anonymous", "officer_a", "viewer", "official")
BLOCKING = ("serious", "critical")
# Files, not pages: workbooks, documents, evidence, import templates (by URL name).
DOWNLOAD = re.compile(r"download|export|template|docx|xlsx")
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


def pages_for(world) -> dict[str, list[str]]:
    """Each role's URLs: every page and variant the matrix says the role may open."""
    by_role = {role: [] for role in ROLES}
    for name in PAGES:
        if DOWNLOAD.search(name):
            continue
        for page in pages_of(name):
            url = reverse(name, kwargs=page.kwargs(world))
            for role in ROLES:
                if page.get.get(role) == 200 and url not in by_role[role]:
                    by_role[role].append(url)
    return by_role


def session_cookie(user_pk, base_url) -> list[dict]:
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_pk))
    return [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": base_url,
        }
    ]


def test_every_page_for_every_role_at_both_widths_has_no_serious_violation(
    chromium, live_server, transactional_db, tmp_path
):
    assert AXE.exists(), "axe-core missing: make setup installs it (npm ci)"
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        world = build_world(tmp_path / "media")
        by_role = pages_for(world)
        axe_source = AXE.read_text(encoding="utf-8")
        found, checked = [], 0
        for width_name, viewport in WIDTHS.items():
            for role in ROLES:
                context = chromium.new_context(viewport=viewport, locale="vi-VN", bypass_csp=True)
                context.set_default_timeout(20_000)
                if role != "anonymous":
                    context.add_cookies(session_cookie(world.users[role], live_server.url))
                page = context.new_page()
                for url in by_role[role]:
                    response = page.goto(live_server.url + url)
                    assert response.status == 200, f"{role} {url}: {response.status}"
                    if not response.headers.get("content-type", "").startswith("text/html"):
                        continue  # the API's JSON: data for programs, not a page
                    page.add_script_tag(content=axe_source)
                    for violation in page.evaluate(RUN_AXE):
                        if violation["impact"] in BLOCKING:
                            found.append({"width": width_name, "role": role, "url": url, **violation})
                    checked += 1
                context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-violations.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    assert checked >= 2 * sum(1 for _ in ROLES) * 3
    summary = [
        f"{v['width']} {v['role']} {v['url']}: {v['id']} ({v['impact']}) {v['help']} at {v['nodes']}" for v in found
    ]
    assert not found, f"{len(found)} serious or critical violations:\n" + "\n".join(summary[:60])


@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_pages_to_check(role, db, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        assert pages_for(build_world(tmp_path / "media"))[role]
