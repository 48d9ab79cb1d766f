"""What the official is told about e-mails: exactly who was e-mailed, that nobody could be,
or that the mail server failed; a failed e-mail never turns a saved action into an error page
(#14 point 1). Transactional: the e-mail goes out once the change is committed, as in
production."""

import pytest
from django.urls import reverse

from indicators.models import EnterpriseReport, ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
UNREACHABLE = "tests.mail_servers.UnreachableMailServer"


@pytest.fixture
def submitted_a(open_period, enterprise_a):
    return factories.ReportFactory(enterprise=enterprise_a, period=open_period, status=ReportStatus.SUBMITTED)


def return_report(client, report):
    url = reverse("indicators:report_return", args=[report.period.code, report.enterprise_id])
    return client.post(url, {"reason": "Thiếu số lao động nữ.", "version": report.version}, follow=True)


def said(response) -> list[tuple[str, str]]:
    """The messages shown on the page the action led to."""
    return [(m.level_tag, m.message) for m in response.context["messages"]]


def test_the_official_is_told_who_was_emailed(client_for, official, submitted_a, officer_a, mailoutbox):
    response = return_report(client_for(official), submitted_a)
    assert response.status_code == 200
    assert [m.to for m in mailoutbox] == [[officer_a.email]]
    assert ("info", "Đã gửi email cho Trần Văn Minh.") in said(response)


def test_without_an_address_the_official_is_told_to_call(client_for, official, submitted_a, officer_a, mailoutbox):
    officer_a.email = ""
    officer_a.save()
    response = return_report(client_for(official), submitted_a)
    assert mailoutbox == []
    messages = said(response)
    assert any(level == "warning" and "chưa có email nhận thông báo" in text for level, text in messages)
    assert not any("Đã gửi email" in text for _level, text in messages)


def test_a_mail_server_failure_keeps_the_return_and_says_so(client_for, official, submitted_a, officer_a, settings):
    settings.EMAIL_BACKEND = UNREACHABLE
    response = return_report(client_for(official), submitted_a)
    assert response.status_code == 200
    assert EnterpriseReport.objects.get(pk=submitted_a.pk).status == ReportStatus.RETURNED
    assert any(
        level == "warning" and "Không gửi được email cho Trần Văn Minh" in text and "đã được lưu" in text
        for level, text in said(response)
    )


def test_a_mail_server_failure_does_not_break_the_password_reset_page(client, official, settings):
    settings.EMAIL_BACKEND = UNREACHABLE
    response = client.post(reverse("password_reset"), {"email": official.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")


def test_the_review_queue_marks_enterprises_nobody_can_be_emailed_at(
    client_for, official, open_period, enterprise_a, enterprise_b, officer_a
):
    page = client_for(official).get(reverse("indicators:period_detail", args=[open_period.code]))
    rows = {row["enterprise"].pk: row["no_email"] for row in page.context["rows"]}
    assert rows == {enterprise_a.pk: False, enterprise_b.pk: True}
    assert page.content.decode().count('data-role="no-email"') == 1
