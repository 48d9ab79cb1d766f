"""The workflow's rules are stated once, on the rows they judge: the pages offer exactly what
the services allow, the deadline passes one way everywhere, and the three sets of
enterprises that still owe a period something keep their own names."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from enterprises.models import Enterprise
from indicators import rules, services
from indicators.models import EnterpriseReport, Outstanding, PeriodKind, PeriodState, ReportingPeriod, ReportStatus
from tests import factories

from .conftest import FULL_COUNTS, report_data

pytestmark = pytest.mark.django_db

HO_CHI_MINH = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


class _Undo(Exception):
    pass


def allowed(write) -> bool:
    """Whether the service accepts the write; whatever it did is rolled back."""
    try:
        with transaction.atomic():
            write()
            raise _Undo
    except _Undo:
        return True
    except ValidationError:
        return False


def report_in(period, enterprise, status) -> EnterpriseReport:
    report = factories.ReportFactory(enterprise=enterprise, period=period, status=status, counts=FULL_COUNTS)
    return EnterpriseReport.objects.select_related("period", "enterprise").get(pk=report.pk)


class TestTheDeadline:
    def test_the_deadline_day_itself_has_not_passed(self):
        period = ReportingPeriod(code="2026-H1", deadline=datetime.date(2026, 7, 15))
        assert not period.deadline_passed(datetime.date(2026, 7, 15))
        assert period.deadline_passed(datetime.date(2026, 7, 16))
        assert (period.days_left(datetime.date(2026, 7, 10)), period.days_left(datetime.date(2026, 7, 16))) == (5, -1)

    def test_a_submission_is_late_by_the_communes_date_not_utcs(self):
        period = ReportingPeriod(code="2026-H1", deadline=datetime.date(2026, 7, 15))
        # 16/07 00:30 in Hoàng Hợp is still 15/07 in UTC.
        assert period.is_late(datetime.datetime(2026, 7, 16, 0, 30, tzinfo=HO_CHI_MINH))
        assert not period.is_late(datetime.datetime(2026, 7, 15, 23, 30, tzinfo=HO_CHI_MINH))

    def test_a_deadline_before_the_period_ends_is_refused_by_the_form_the_service_and_the_model_alike(
        self, client_for, official, open_period
    ):
        early = open_period.end - datetime.timedelta(days=1)  # 29/06/2026, inside the period
        assert open_period.deadline_refusal(open_period.end) is None  # the last day of the period may be
        assert open_period.deadline_refusal(early).code == "deadline_before_end"
        assert open_period.deadline_refusal(open_period.start).code == "deadline_before_end"
        with pytest.raises(ValidationError) as refused:
            services.period_set_deadline(period=open_period, actor=official, deadline=early)
        assert refused.value.error_dict["deadline"][0].code == "deadline_before_end"
        assert "30/06/2026" in " ".join(refused.value.messages)
        open_period.deadline = early
        with pytest.raises(ValidationError) as by_the_model:  # the admin and any other writer
            open_period.full_clean()
        assert by_the_model.value.error_dict["deadline"][0].code == "deadline_before_end"
        open_period.refresh_from_db()
        page = (
            client_for(official)
            .post(
                reverse("indicators:period_deadline", args=[open_period.code]),
                {"deadline": early.isoformat()},
                follow=True,
            )
            .content.decode()
        )
        assert " ".join(refused.value.messages) in page

    def test_the_admin_refuses_it_too_and_filters_late_reports_by_the_current_deadline(self, client, open_period):
        admin = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
        client.force_login(admin)
        url = reverse("admin:indicators_reportingperiod_change", args=[open_period.pk])
        form = {
            "code": open_period.code,
            "kind": open_period.kind,
            "year": open_period.year,
            "start": "01/01/2026",
            "end": "30/06/2026",
            "deadline": "29/06/2026",
            "state": open_period.state,
        }
        response = client.post(url, form)
        assert (
            response.status_code == 200 and "trước ngày kết thúc kỳ báo cáo (30/06/2026)" in response.content.decode()
        )
        assert ReportingPeriod.objects.get(pk=open_period.pk).deadline == open_period.deadline
        late = factories.ReportFactory(period=open_period, status=ReportStatus.SUBMITTED, late=True)
        on_time = factories.ReportFactory(period=open_period, status=ReportStatus.SUBMITTED)
        changelist = reverse("admin:indicators_enterprisereport_changelist")
        assert list(client.get(changelist, {"late": "1"}).context["cl"].result_list) == [late]
        assert list(client.get(changelist, {"late": "0"}).context["cl"].result_list) == [on_time]

    def test_every_period_the_plan_loads_has_its_deadline_after_its_end(self, plan):
        for period in ReportingPeriod.objects.all():
            period.full_clean()
            assert period.deadline > period.end


# What the commune may do with a report, by its status and whether its period is open.
REVIEW_ACTIONS = ["approve", "return", "reopen", "enter"]
OFFERED_TO_THE_OFFICIAL = [
    (ReportStatus.DRAFT, True, {"enter"}),
    (ReportStatus.SUBMITTED, True, {"approve", "return", "enter"}),
    (ReportStatus.RETURNED, True, {"enter"}),
    (ReportStatus.APPROVED, True, {"reopen"}),
    (ReportStatus.DRAFT, False, set()),
    (ReportStatus.SUBMITTED, False, {"approve"}),
    (ReportStatus.RETURNED, False, set()),
    (ReportStatus.APPROVED, False, set()),
]


@pytest.mark.parametrize("status, period_open, offered", OFFERED_TO_THE_OFFICIAL)
def test_the_report_page_offers_the_official_exactly_what_the_services_allow(
    client_for, official, enterprise_a, open_period, indicators, status, period_open, offered
):
    if not period_open:
        ReportingPeriod.objects.filter(pk=open_period.pk).update(state=PeriodState.CLOSED)
    report = report_in(open_period, enterprise_a, status)
    context = client_for(official).get(report.get_absolute_url()).context
    on_page = {action for action in REVIEW_ACTIONS if context[f"can_{action}"]}
    figures = rules.Figures(100, 60, FULL_COUNTS)
    writes = {
        "approve": lambda: services.report_approve(report=report, actor=official, version=report.version),
        "return": lambda: services.report_return(report=report, actor=official, reason="Sửa.", version=report.version),
        "reopen": lambda: services.report_reopen(report=report, actor=official, reason="Sửa.", version=report.version),
        "enter": lambda: services.report_enter_for_enterprise(
            enterprise=enterprise_a,
            period=report.period,
            actor=official,
            figures=figures,
            version=report.version,
            confirmed=True,
        ),
    }
    by_service = {action for action, write in writes.items() if allowed(write)}
    by_rule = {
        action
        for action, rule in [
            ("approve", report.can_be_approved),
            ("return", report.can_be_returned),
            ("reopen", report.can_be_reopened),
            ("enter", report.can_be_entered),
        ]
        if rule()
    }
    assert on_page == by_service == by_rule == offered


@pytest.mark.parametrize(
    "status, period_open, refusal",
    [
        (None, True, None),
        (ReportStatus.DRAFT, True, None),
        (ReportStatus.RETURNED, True, None),
        (ReportStatus.SUBMITTED, True, "waiting_for_review"),
        (ReportStatus.APPROVED, True, "locked"),
        (None, False, "period_not_open"),
        (ReportStatus.DRAFT, False, "period_not_open"),
    ],
)
def test_the_officer_is_offered_the_form_exactly_when_the_service_would_save_it(
    client_for, officer_a, enterprise_a, open_period, indicators, status, period_open, refusal
):
    if not period_open:
        ReportingPeriod.objects.filter(pk=open_period.pk).update(state=PeriodState.CLOSED)
    report = report_in(open_period, enterprise_a, status) if status else None
    period = ReportingPeriod.objects.get(pk=open_period.pk)
    rule = (report or EnterpriseReport(enterprise=enterprise_a, period=period)).enterprise_edit_refusal()
    assert (rule and rule.code) == refusal
    client = client_for(officer_a)
    shows_form = "indicators/report_form.html" in [t.name for t in client.get(period.get_absolute_url()).templates]
    saves = allowed(
        lambda: services.report_save_draft(
            enterprise=enterprise_a,
            period=period,
            actor=officer_a,
            figures=rules.Figures(100, 60, FULL_COUNTS),
            version=report.version if report else 0,
        )
    )
    assert shows_form == saves == (refusal is None)
    if refusal:  # a post anyway is refused with the rule's own words
        page = client.post(period.get_absolute_url(), report_data(), follow=True).content.decode()
        assert " ".join(rule.messages) in page


def test_the_review_refusals_name_the_reports_status(enterprise_a, enterprise_b, open_period, indicators):
    draft = report_in(open_period, enterprise_a, ReportStatus.DRAFT)
    assert [draft.approval_refusal().code, draft.return_refusal().code, draft.reopen_refusal().code] == [
        "not_submitted",
        "not_submitted",
        "not_approved",
    ]
    assert draft.approval_refusal().messages == [
        "Chỉ duyệt được báo cáo đã gửi (báo cáo này đang ở trạng thái “Bản nháp”)."
    ]
    assert draft.return_refusal().messages == [
        "Chỉ trả lại được báo cáo đã gửi (báo cáo này đang ở trạng thái “Bản nháp”)."
    ]
    submitted = report_in(open_period, enterprise_b, ReportStatus.SUBMITTED)
    assert submitted.reopen_refusal().messages == [
        "Chỉ mở lại được báo cáo đã duyệt (báo cáo này đang ở trạng thái “Đã gửi (chờ duyệt)”)."
    ]


# Which set an enterprise is in, by the status of its report for the period (None: it has none).
MEMBERSHIP = {
    None: {Outstanding.UNREPORTED, Outstanding.UNSUBMITTED, Outstanding.UNAPPROVED},
    ReportStatus.DRAFT: {Outstanding.UNSUBMITTED, Outstanding.UNAPPROVED},
    ReportStatus.RETURNED: {Outstanding.UNSUBMITTED, Outstanding.UNAPPROVED},
    ReportStatus.SUBMITTED: {Outstanding.UNAPPROVED},
    ReportStatus.APPROVED: set(),
}


def test_the_three_outstanding_sets_differ_and_the_query_agrees_with_the_row_rule(open_period, closed_2025):
    by_status = {}
    for status in MEMBERSHIP:
        enterprise = factories.EnterpriseFactory(name=f"Doanh nghiệp {status or 'chưa báo cáo'}")
        by_status[status] = enterprise
        if status:
            factories.ReportFactory(enterprise=enterprise, period=open_period, status=status)
        # A report of another period changes nothing.
        factories.ReportFactory(enterprise=enterprise, period=closed_2025, status=ReportStatus.APPROVED)
    for outstanding in Outstanding:
        expected = {by_status[status].pk for status, sets in MEMBERSHIP.items() if outstanding in sets}
        assert set(Enterprise.objects.filter(outstanding.of(open_period)).values_list("pk", flat=True)) == expected
        assert {by_status[s].pk for s in MEMBERSHIP if outstanding.holds_for(s)} == expected
    assert [str(o.label) for o in Outstanding] == ["Chưa báo cáo", "Chưa gửi", "Chưa duyệt"]


def period_in_state(state):
    """The first six months of 2026, not saved: the rules read only the row."""
    return ReportingPeriod(
        code="2026-H1",
        kind=PeriodKind.HALF_YEAR,
        year=2026,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 6, 30),
        deadline=datetime.date(2026, 7, 15),
        state=state,
    )


def refusal_code(refusal):
    return None if refusal is None else refusal.code


# In an open period, what each rule answers for a report of each status: the enterprise's
# save or submit, the commune's entry, approval, return and reopening (None: allowed).
OPEN_PERIOD_ANSWERS = {
    ReportStatus.DRAFT: (None, None, "not_submitted", "not_submitted", "not_approved"),
    ReportStatus.SUBMITTED: ("waiting_for_review", None, None, None, "not_approved"),
    ReportStatus.APPROVED: ("locked", "locked", "not_submitted", "not_submitted", None),
    ReportStatus.RETURNED: (None, None, "not_submitted", "not_submitted", "not_approved"),
}


def rule_answers(report):
    """(refusal codes, yes-or-no answers) of the five rules, in OPEN_PERIOD_ANSWERS' order."""
    refusals = (
        report.enterprise_edit_refusal(),
        report.entry_refusal(),
        report.approval_refusal(),
        report.return_refusal(),
        report.reopen_refusal(),
    )
    allowed = (
        report.editable_by_enterprise(),
        report.can_be_entered(),
        report.can_be_approved(),
        report.can_be_returned(),
        report.can_be_reopened(),
    )
    return tuple(map(refusal_code, refusals)), allowed


class TestTheRulesOfOneReport:
    """The model's rules, which the services enforce and the views ask before offering a button."""

    @pytest.mark.parametrize("status", ReportStatus.values)
    def test_in_an_open_period_the_status_decides(self, status):
        codes, allowed = rule_answers(EnterpriseReport(period=period_in_state(PeriodState.OPEN), status=status))
        assert codes == OPEN_PERIOD_ANSWERS[status]
        assert allowed == tuple(code is None for code in codes)

    @pytest.mark.parametrize("state", [PeriodState.PENDING, PeriodState.CLOSED])
    @pytest.mark.parametrize("status", ReportStatus.values)
    def test_in_a_period_not_open_only_an_approval_may_still_come(self, status, state):
        codes, allowed = rule_answers(EnterpriseReport(period=period_in_state(state), status=status))
        approval = OPEN_PERIOD_ANSWERS[status][2]
        assert codes == ("period_not_open", "period_not_open", approval, "period_not_open", "period_not_open")
        assert allowed == (False, False, approval is None, False, False)

    def test_a_refusal_names_the_period_and_its_state(self):
        closed = period_in_state(PeriodState.CLOSED)
        assert closed.change_refusal().messages == [
            "Kỳ báo cáo 6 tháng đầu năm 2026 không mở: không thể gửi hoặc sửa báo cáo."
        ]
        assert period_in_state(PeriodState.PENDING).import_refusal().messages == [
            "Chỉ nhập được báo cáo khi kỳ báo cáo đang mở; kỳ báo cáo 6 tháng đầu năm 2026 đang ở trạng thái “Chưa mở”."
        ]
        assert period_in_state(PeriodState.OPEN).import_refusal() is None
