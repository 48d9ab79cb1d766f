"""People read period names, never internal codes (#14 point 7): "6 tháng đầu năm 2026", not
"2026-H1", on every page, message and e-mail of the review flow and the dashboards. Codes stay
in URLs, the API and data sheets (GLOSSARY.md)."""

import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from indicators.emails import send_report_returned
from indicators.models import ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b20\d\d-H1\b")


def words(response) -> str:
    """What a person reads on a page: its text, without tags, attributes or scripts."""
    html = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def submitted(open_period, enterprise_a, enterprise_b, previous_a):
    factories.ReportFactory(enterprise=enterprise_b, period=open_period, status=ReportStatus.SUBMITTED)
    return factories.ReportFactory(
        enterprise=enterprise_a, period=open_period, status=ReportStatus.SUBMITTED, total_workers=200
    )


def test_the_report_import_template_names_its_sheet_after_the_period(client_for, official, open_period):
    response = client_for(official).get(reverse("indicators:report_import_template", args=[open_period.code]))
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames == ["6 tháng đầu năm 2026"]


# Already right when #14 was worked on; these keep it so.


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?period=2026-H1",
        "/dashboard/enterprises/?period=2026-H1",
        "/dashboard/print/?period=2026-H1",
        "/reports/",
        "/reports/2026-H1/",
        "/reports/2026-H1/close/",
        "/reports/2026-H1/report/",
        "/indicators/a/",
    ],
)
def test_the_commune_pages_name_the_period(client_for, official, submitted, path):
    response = client_for(official).get(path)
    assert response.status_code == 200
    assert not CODE.search(words(response)), CODE.search(words(response))


def test_the_report_pages_name_the_periods(client_for, official, officer_a, submitted):
    official_page = words(client_for(official).get(submitted.get_absolute_url()))
    assert "6 tháng đầu năm 2026" in official_page and not CODE.search(official_page)
    for path in ["/", "/reports/", "/reports/2026-H1/"]:
        assert not CODE.search(words(client_for(officer_a).get(path))), path


def test_the_messages_name_the_period(client_for, official, submitted, open_period):
    client = client_for(official)
    client.post(reverse("indicators:period_deadline", args=[open_period.code]), {"deadline": "2026-12-31"})
    client.post(
        reverse("indicators:report_approve", args=[open_period.code, submitted.enterprise_id]),
        {"version": submitted.version},
    )
    response = client.post(reverse("indicators:period_close", args=[open_period.code]), {"confirm": "yes"})
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(said) == 3 and not any(CODE.search(message) for message in said), said


def test_the_emails_name_the_period(settings, submitted, officer_a, official, open_period, mailoutbox):
    settings.PORTAL_REMINDER_DAYS = 400
    send_report_returned(submitted)
    call_command("send_reminders", date=(open_period.deadline - datetime.timedelta(days=1)).isoformat())
    assert len(mailoutbox) >= 2
    for mail in mailoutbox:
        visible = re.sub(r"https?://\S+", "", f"{mail.subject}\n{mail.body}")  # links keep the code
        assert "6 tháng đầu năm 2026" in visible and not CODE.search(visible), visible
