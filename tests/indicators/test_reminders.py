"""`manage.py send_reminders`, run daily by cron: officers whose report is missing are
reminded before the deadline and once after it; officials get a digest; a second run the
same day sends nothing new."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from indicators.emails import send_reminders
from indicators.models import PeriodState, ReminderKind, ReportStatus, SentReminder
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PORTAL_REMINDER_DAYS = 7
    settings.PORTAL_BASE_URL = "https://hoctap.hoanghop.example"


@pytest.fixture
def deadline(open_period):
    return open_period.deadline


def to(mails):
    return sorted(address for mail in mails for address in mail.to)


def officer_mails(mailoutbox):
    return [m for m in mailoutbox if "/reports/2026-H1/" in m.body and "Chờ duyệt" not in m.body]


class TestOfficerReminders:
    def test_nothing_is_sent_before_the_reminder_window(self, cast, deadline, mailoutbox):
        summary = send_reminders(today=deadline - datetime.timedelta(days=8))
        assert (summary.due_soon, summary.overdue) == (0, 0)
        assert cast["officer_a"].email not in to(mailoutbox)

    def test_each_officer_with_a_missing_report_is_reminded_once_before_the_deadline(self, cast, deadline, mailoutbox):
        summary = send_reminders(today=deadline - datetime.timedelta(days=7))
        assert summary.due_soon == 2
        reminders = [m for m in mailoutbox if m.to[0] in (cast["officer_a"].email, cast["officer_b"].email)]
        assert to(reminders) == sorted([cast["officer_a"].email, cast["officer_b"].email])
        mail = reminders[0]
        assert "Nhắc việc" in mail.subject and "6 tháng đầu năm 2026" in mail.subject
        assert "còn 7 ngày" in mail.body
        assert "https://hoctap.hoanghop.example/reports/2026-H1/" in mail.body

        mailoutbox.clear()
        again = send_reminders(today=deadline - datetime.timedelta(days=7))
        later = send_reminders(today=deadline - datetime.timedelta(days=3))
        assert again.due_soon == later.due_soon == 0
        assert mailoutbox == []

    def test_and_once_more_after_the_deadline(self, cast, deadline, mailoutbox):
        send_reminders(today=deadline - datetime.timedelta(days=2))
        mailoutbox.clear()
        assert send_reminders(today=deadline).overdue == 0  # the deadline day is not over yet
        summary = send_reminders(today=deadline + datetime.timedelta(days=1))
        assert summary.overdue == 2
        overdue = [m for m in mailoutbox if m.to == [cast["officer_a"].email]]
        assert len(overdue) == 1 and "Quá hạn" in overdue[0].subject and "nộp muộn" in overdue[0].body
        mailoutbox.clear()
        assert send_reminders(today=deadline + datetime.timedelta(days=1)).overdue == 0
        assert send_reminders(today=deadline + datetime.timedelta(days=9)).overdue == 0

    def test_a_returned_report_sent_on_time_is_not_told_it_will_be_late(
        self, cast, enterprise_a, open_period, deadline, mailoutbox
    ):
        factories.ReportFactory(
            enterprise=enterprise_a,
            period=open_period,
            status=ReportStatus.RETURNED,
            first_submitted_on=deadline - datetime.timedelta(days=2),
        )
        assert send_reminders(today=deadline + datetime.timedelta(days=1)).overdue == 2
        (returned,) = [m for m in mailoutbox if m.to == [cast["officer_a"].email]]
        (never_sent,) = [m for m in mailoutbox if m.to == [cast["officer_b"].email]]
        assert "Quá hạn" in returned.subject and "chưa được gửi lại" in returned.body
        assert "được ghi là nộp muộn" not in returned.body and "không bị ghi là nộp muộn" in returned.body
        assert "(và được ghi là nộp muộn)" in never_sent.body

    @pytest.mark.parametrize(
        "status, reminded",
        [
            (ReportStatus.SUBMITTED, False),
            (ReportStatus.APPROVED, False),
            (ReportStatus.DRAFT, True),
            (ReportStatus.RETURNED, True),
        ],
    )
    def test_only_reports_not_yet_sent_are_reminded(
        self, cast, enterprise_a, open_period, deadline, mailoutbox, status, reminded
    ):
        factories.ReportFactory(enterprise=enterprise_a, period=open_period, status=status)
        send_reminders(today=deadline - datetime.timedelta(days=1))
        assert (cast["officer_a"].email in to(mailoutbox)) == reminded

    def test_inactive_enterprises_and_officers_without_an_address_are_skipped(
        self, cast, enterprise_a, enterprise_b, deadline, mailoutbox, capsys
    ):
        enterprise_a.stop_following()
        enterprise_a.save()
        cast["officer_b"].email = ""
        cast["officer_b"].save()
        call_command("send_reminders", date=(deadline - datetime.timedelta(days=1)).isoformat())
        assert cast["officer_a"].email not in to(mailoutbox)
        assert "before the deadline" in capsys.readouterr().out
        digest = next(m for m in mailoutbox if m.to == [cast["official"].email])
        assert enterprise_b.name in digest.body.split("chưa có cán bộ công đoàn có địa chỉ email")[1]

    @pytest.mark.parametrize("state", [PeriodState.CLOSED, PeriodState.PENDING])
    def test_periods_that_are_not_open_remind_nobody(self, cast, open_period, deadline, mailoutbox, state):
        open_period.state = state
        open_period.save()
        summary = send_reminders(today=deadline + datetime.timedelta(days=1))
        assert (summary.due_soon, summary.overdue, summary.digests) == (0, 0, 0)
        assert mailoutbox == []


class TestTheOfficialsDigest:
    @pytest.fixture
    def superuser(self, db):
        return factories.UserFactory(username="admin", email="admin@hoanghop.example", is_superuser=True)

    def test_it_goes_to_the_officials_only_and_says_who_is_missing_and_who_waits(
        self, cast, superuser, enterprise_a, enterprise_b, open_period, deadline, mailoutbox
    ):
        factories.ReportFactory(enterprise=enterprise_b, period=open_period, status=ReportStatus.SUBMITTED, late=True)
        summary = send_reminders(today=deadline + datetime.timedelta(days=1))
        digests = [m for m in mailoutbox if "Chờ duyệt" in m.body]
        assert summary.digests == 2
        assert to(digests) == sorted([cast["official"].email, superuser.email])
        body = digests[0].body
        missing, waiting = body.split("Chờ duyệt")
        assert enterprise_a.name in missing and enterprise_b.name in waiting
        assert "1 báo cáo nộp muộn" in waiting
        assert "https://hoctap.hoanghop.example/reports/2026-H1/" in body
        assert cast["viewer"].email not in to(mailoutbox)

    def test_it_is_sent_once_a_day_and_only_when_something_changed(
        self, cast, enterprise_a, open_period, deadline, mailoutbox
    ):
        day = deadline - datetime.timedelta(days=20)
        assert send_reminders(today=day).digests == 1
        assert send_reminders(today=day).digests == 0
        assert send_reminders(today=day + datetime.timedelta(days=1)).digests == 0  # nothing new
        report = factories.ReportFactory(enterprise=enterprise_a, period=open_period, status=ReportStatus.SUBMITTED)
        assert send_reminders(today=day + datetime.timedelta(days=1)).digests == 1  # A now waits for review
        report.status = ReportStatus.APPROVED
        report.save()
        assert send_reminders(today=day + datetime.timedelta(days=1)).digests == 0  # already one today
        assert send_reminders(today=day + datetime.timedelta(days=2)).digests == 1
        assert SentReminder.objects.filter(kind=ReminderKind.DIGEST).count() == 3

    def test_nothing_to_say_sends_nothing(self, cast, enterprise_a, enterprise_b, open_period, deadline, mailoutbox):
        for enterprise in (enterprise_a, enterprise_b):
            factories.ReportFactory(enterprise=enterprise, period=open_period, status=ReportStatus.APPROVED)
        assert send_reminders(today=deadline).digests == 0
        assert mailoutbox == []


def test_the_command_rejects_a_malformed_date(db):
    with pytest.raises(CommandError):
        call_command("send_reminders", date="15/07/2026")


def test_a_communes_digest_goes_to_its_own_officials_only(cast, enterprise_a, open_period, deadline, mailoutbox):
    """Each commune's officials hear of their commune's reports, never of another's (issue 17)."""
    other = factories.CommuneFactory()
    elsewhere = factories.OfficialFactory(username="official.elsewhere", communes=[other])
    send_reminders(today=deadline - datetime.timedelta(days=1))
    digests = [m for m in mailoutbox if enterprise_a.name in m.body and cast["official"].email in m.to]
    assert digests
    assert elsewhere.email not in to(mailoutbox)
