"""Every page of the indicators app, visited by every role (pretix style)."""

import pytest
from django.urls import reverse

from indicators.models import ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["official", "viewer", "officer_a", "officer_b", None]
LOGIN = "login"

# (url name, args, {role: expected status}); "a" stands for enterprise A's pk.
PAGES = [
    ("indicator_list", [], dict(official=200, viewer=200, officer_a=200, officer_b=200)),
    ("indicator_detail", ["a"], dict(official=200, viewer=200, officer_a=200, officer_b=200)),
    ("period_list", [], dict(official=200, viewer=200, officer_a=200, officer_b=200)),
    ("period_detail", ["2026-H1"], dict(official=200, viewer=200, officer_a=200, officer_b=200)),
    ("report_detail", ["2026-H1", "A"], dict(official=200, viewer=200, officer_a=200, officer_b=404)),
    ("report_enter", ["2026-H1", "B"], dict(official=200, viewer=403, officer_a=403, officer_b=403)),
    ("report_import", ["2026-H1"], dict(official=200, viewer=403, officer_a=403, officer_b=403)),
    ("report_import_template", ["2026-H1"], dict(official=200, viewer=403, officer_a=403, officer_b=403)),
    ("period_open", ["2026-H1"], dict(official=405, viewer=403, officer_a=403, officer_b=403)),
    ("period_close", ["2026-H1"], dict(official=200, viewer=403, officer_a=403, officer_b=403)),  # the confirmation
    ("period_deadline", ["2026-H1"], dict(official=405, viewer=403, officer_a=403, officer_b=403)),
    ("report_approve_many", ["2026-H1"], dict(official=405, viewer=403, officer_a=403, officer_b=403)),
    ("report_approve", ["2026-H1", "A"], dict(official=405, viewer=403, officer_a=403, officer_b=403)),
    ("report_return", ["2026-H1", "A"], dict(official=405, viewer=403, officer_a=403, officer_b=403)),
    ("report_reopen", ["2026-H1", "A"], dict(official=405, viewer=403, officer_a=403, officer_b=403)),
]


@pytest.fixture
def world(cast, open_period, enterprise_a, enterprise_b, indicators):
    factories.ReportFactory(
        enterprise=enterprise_a, period=open_period, status=ReportStatus.SUBMITTED, counts={"a": 80, "b": 60}
    )
    return {"A": enterprise_a.pk, "B": enterprise_b.pk}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, args, expected", PAGES, ids=[page[0] for page in PAGES])
def test_every_page_answers_each_role_as_it_should(client_for, world, cast, name, args, expected, role):
    url = reverse(f"indicators:{name}", args=[world.get(arg, arg) for arg in args])
    response = client_for(cast[role] if role else None).get(url)
    if role is None:
        assert response.status_code == 302 and reverse(LOGIN) in response["Location"]
    else:
        assert response.status_code == expected[role], (name, role)


def test_the_navigation_offers_reports_to_all_and_indicators_to_the_commune(client_for, cast, plan):
    for role in ("official", "viewer", "officer_a"):
        page = client_for(cast[role]).get(reverse("indicators:period_list")).content.decode()
        assert 'data-nav="reports"' in page
        assert ('data-nav="indicators"' in page) == (role != "officer_a")
