"""The report workflow: draft → submitted → approved, or returned with a reason → resubmitted;
approved is locked until Chị Lan (the official) reopens it. Who may do what, for each role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators import rules, services
from indicators.models import EnterpriseReport, ReportAction, ReportEvent, ReportStatus
from tests import factories

from .conftest import report_data

pytestmark = pytest.mark.django_db

ROLES = ["official", "officer_a", "officer_b", "viewer", None]


@pytest.fixture
def submitted(client_for, officer_a, enterprise_a, open_period):
    client_for(officer_a).post(reverse("indicators:period_detail", args=[open_period.code]), report_data())
    return EnterpriseReport.objects.get(enterprise=enterprise_a, period=open_period)


@pytest.fixture
def approved(submitted, official):
    return services.report_approve(report=submitted, actor=official, version=submitted.version)


def action_url(name, report):
    return reverse(f"indicators:{name}", args=[report.period.code, report.enterprise_id])


def field_changes(response, label):
    """(old, new) of every change of one field in the report page's history, newest first."""
    return [
        (change.old, change.new)
        for entry in response.context["history"]
        for change in entry.changes
        if change.label == label
    ]


def who(cast, role):
    return cast[role] if role else None


def assert_refused(response, role):
    """403 for a logged-in user of the wrong role; the login page for an anonymous visitor."""
    if role is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == 403


class TestTheHappyPath:
    def test_draft_submit_return_resubmit_approve_each_leave_an_event(
        self, client_for, cast, enterprise_a, open_period, mailoutbox
    ):
        officer, official = cast["officer_a"], cast["official"]
        form = reverse("indicators:period_detail", args=[open_period.code])
        client = client_for(officer)
        client.post(form, report_data(action="draft", total=100, counts={"a": 10}))
        report = EnterpriseReport.objects.get(enterprise=enterprise_a, period=open_period)
        assert report.status == ReportStatus.DRAFT
        client.post(form, report_data(version=report.version))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED and report.submitted_at

        client = client_for(official)
        client.post(
            action_url("report_return", report), {"version": report.version, "reason": "Số nữ chưa khớp danh sách."}
        )
        report.refresh_from_db()
        assert report.status == ReportStatus.RETURNED
        assert report.return_reason == "Số nữ chưa khớp danh sách."
        assert report.reviewed_by == official

        client = client_for(officer)
        page = client.get(form).content.decode()
        assert "Số nữ chưa khớp danh sách." in page and 'name="total_workers"' in page
        client.post(form, report_data(version=report.version, female=55))
        report.refresh_from_db()
        assert report.status == ReportStatus.SUBMITTED and report.female_workers == 55
        assert report.return_reason == ""

        client = client_for(official)
        client.post(action_url("report_approve", report), {"version": report.version})
        report.refresh_from_db()
        assert report.status == ReportStatus.APPROVED and report.is_locked

        events = list(report.events.values_list("action", "from_status", "to_status", "actor__username", "reason"))
        assert events == [
            (ReportAction.CREATE, "", ReportStatus.DRAFT, officer.username, ""),
            (ReportAction.SUBMIT, ReportStatus.DRAFT, ReportStatus.SUBMITTED, officer.username, ""),
            (
                ReportAction.RETURN,
                ReportStatus.SUBMITTED,
                ReportStatus.RETURNED,
                official.username,
                "Số nữ chưa khớp danh sách.",
            ),
            (ReportAction.SUBMIT, ReportStatus.RETURNED, ReportStatus.SUBMITTED, officer.username, ""),
            (ReportAction.APPROVE, ReportStatus.SUBMITTED, ReportStatus.APPROVED, official.username, ""),
        ]
        response = client_for(officer).get(report.get_absolute_url())
        assert "Số nữ chưa khớp danh sách." in response.content.decode()  # the return stays visible
        assert field_changes(response, "Lao động nữ") == [("60", "55")]  # the field history names the field

    def test_the_return_reason_is_emailed_in_vietnamese_with_a_link(
        self, submitted, official, officer_a, mailoutbox, settings, django_capture_on_commit_callbacks
    ):
        settings.PORTAL_BASE_URL = "https://hoctap.hoanghop.example"
        with django_capture_on_commit_callbacks(execute=True):
            services.report_return(
                report=submitted, actor=official, reason="Thiếu chỉ tiêu e.", version=submitted.version
            )
        assert len(mailoutbox) == 1
        mail = mailoutbox[0]
        assert mail.to == [officer_a.email]
        assert "bị trả lại" in mail.subject
        assert "Thiếu chỉ tiêu e." in mail.body
        assert f"https://hoctap.hoanghop.example/reports/{submitted.period.code}/" in mail.body

    def test_an_approved_report_is_locked_for_the_officer(self, client_for, approved, officer_a):
        response = client_for(officer_a).post(
            reverse("indicators:period_detail", args=[approved.period.code]),
            report_data(total=500, version=approved.version),
            follow=True,
        )
        assert "đã được duyệt và bị khóa" in response.content.decode()
        approved.refresh_from_db()
        assert approved.total_workers == 100

    def test_reopening_needs_a_reason_and_sends_the_report_back(
        self, client_for, approved, official, officer_a, mailoutbox, django_capture_on_commit_callbacks
    ):
        client = client_for(official)
        response = client.post(
            action_url("report_reopen", approved), {"version": approved.version, "reason": "  "}, follow=True
        )
        assert "Hãy nêu lý do" in response.content.decode()
        approved.refresh_from_db()
        assert approved.status == ReportStatus.APPROVED
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                action_url("report_reopen", approved), {"version": approved.version, "reason": "Sai số lao động nữ."}
            )
        approved.refresh_from_db()
        assert approved.status == ReportStatus.RETURNED
        event = approved.events.last()
        assert (event.action, event.reason, event.actor) == (ReportAction.REOPEN, "Sai số lao động nữ.", official)
        assert "mở lại" in mailoutbox[-1].subject


class TestWhoMayDoWhat:
    @pytest.mark.parametrize("role", ROLES)
    def test_only_the_official_approves(self, client_for, cast, submitted, role):
        response = client_for(who(cast, role)).post(
            action_url("report_approve", submitted), {"version": submitted.version}
        )
        submitted.refresh_from_db()
        if role == "official":
            assert submitted.status == ReportStatus.APPROVED
        else:
            assert_refused(response, role)
            assert submitted.status == ReportStatus.SUBMITTED

    @pytest.mark.parametrize("role", ROLES)
    def test_only_the_official_returns(self, client_for, cast, submitted, role):
        response = client_for(who(cast, role)).post(
            action_url("report_return", submitted), {"version": submitted.version, "reason": "Sai"}
        )
        submitted.refresh_from_db()
        assert (submitted.status == ReportStatus.RETURNED) == (role == "official")
        if role != "official":
            assert_refused(response, role)

    @pytest.mark.parametrize("role", ROLES)
    def test_only_the_official_reopens(self, client_for, cast, approved, role):
        response = client_for(who(cast, role)).post(
            action_url("report_reopen", approved), {"version": approved.version, "reason": "Sai"}
        )
        approved.refresh_from_db()
        assert (approved.status == ReportStatus.RETURNED) == (role == "official")
        if role != "official":
            assert_refused(response, role)

    @pytest.mark.parametrize("role", ROLES)
    def test_only_the_enterprises_own_officer_submits_through_the_form(
        self, client_for, cast, enterprise_a, open_period, role
    ):
        response = client_for(who(cast, role)).post(
            reverse("indicators:period_detail", args=[open_period.code]), report_data()
        )
        mine = EnterpriseReport.objects.filter(enterprise=enterprise_a, period=open_period)
        if role == "officer_a":
            assert mine.get().status == ReportStatus.SUBMITTED
        else:
            assert not mine.exists()
            if role in ("official", "viewer"):
                assert response.status_code == 405  # the commune's page is the review queue
            elif role is None:
                assert_refused(response, role)

    @pytest.mark.parametrize("role", ROLES)
    def test_only_the_official_enters_a_report_on_the_enterprises_behalf(
        self, client_for, cast, enterprise_a, open_period, role
    ):
        url = reverse("indicators:report_enter", args=[open_period.code, enterprise_a.pk])
        response = client_for(who(cast, role)).post(url, report_data(action="enter"))
        mine = EnterpriseReport.objects.filter(enterprise=enterprise_a, period=open_period)
        if role == "official":
            report = mine.get()
            assert report.status == ReportStatus.APPROVED and report.entered_by_official
            assert report.events.get().action == ReportAction.ENTER
        else:
            assert_refused(response, role)
            assert not mine.exists()

    def test_the_services_refuse_a_wrong_actor_too(self, submitted, officer_a, viewer, enterprise_a, open_period):
        with pytest.raises(PermissionDenied):
            services.report_approve(report=submitted, actor=officer_a, version=submitted.version)
        with pytest.raises(PermissionDenied):
            services.report_submit(
                enterprise=enterprise_a,
                period=open_period,
                actor=viewer,
                version=submitted.version,
                figures=rules.Figures(100, 50, {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}),
            )


class TestRulesOfTheTransitions:
    def test_a_draft_cannot_be_approved_or_returned(self, official, enterprise_a, open_period, indicators):
        draft = factories.ReportFactory(enterprise=enterprise_a, period=open_period, status=ReportStatus.DRAFT)
        with pytest.raises(ValidationError, match="Chỉ duyệt được báo cáo đã gửi") as refusal:
            services.report_approve(report=draft, actor=official, version=draft.version)
        assert refusal.value.code == "not_submitted"
        with pytest.raises(ValidationError, match="Chỉ trả lại được báo cáo đã gửi") as refusal:
            services.report_return(report=draft, actor=official, reason="x", version=draft.version)
        assert refusal.value.code == "not_submitted"
        assert not ReportEvent.objects.exists()

    def test_the_official_must_reopen_before_entering_over_an_approved_report(self, client_for, official, approved):
        url = reverse("indicators:report_enter", args=[approved.period.code, approved.enterprise_id])
        response = client_for(official).post(url, report_data(total=300, version=approved.version), follow=True)
        assert "đã được duyệt và bị khóa" in response.content.decode()
        approved.refresh_from_db()
        assert approved.total_workers == 100

    def test_a_closed_period_still_lets_the_official_approve_but_not_return(self, submitted, official):
        period = submitted.period
        services.period_close(period=period, actor=official)
        with pytest.raises(ValidationError, match="không mở") as refusal:
            services.report_return(report=submitted, actor=official, reason="x", version=submitted.version)
        assert refusal.value.code == "period_not_open"
        submitted.refresh_from_db()
        services.report_approve(report=submitted, actor=official, version=submitted.version)
        submitted.refresh_from_db()
        assert submitted.status == ReportStatus.APPROVED

    def test_the_report_page_shows_events_and_field_history(self, client_for, official, submitted):
        services.report_return(
            report=submitted, actor=official, reason="Kiểm tra lại chỉ tiêu b.", version=submitted.version
        )
        response = client_for(official).get(submitted.get_absolute_url())
        page = response.content.decode()
        assert "Kiểm tra lại chỉ tiêu b." in page
        assert "Trả lại" in page and "Gửi" in page
        assert field_changes(response, "Trạng thái") == [("Đã gửi (chờ duyệt)", "Bị trả lại")]
        assert field_changes(response, "Lý do trả lại") == [("—", "Kiểm tra lại chỉ tiêu b.")]
        assert field_changes(response, "Chỉ tiêu b") == [("—", "70")]
