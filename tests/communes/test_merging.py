"""Merging communes (issue 17): `manage.py merge_communes` and communes.merging.

Hai Nam (99101) and Bắc Sơn (99102), two test communes with their own plans, enterprises and
reports, are merged into Tân Hòa (99103) on 1/7/2025.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.merging import merge_by_codes
from communes.models import Commune
from enterprises.models import Enterprise, UnionOfficer, Worker
from indicators import totals
from indicators.models import (
    EnterpriseReport,
    Indicator,
    PeriodIndicatorTotal,
    PeriodTotals,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    WorkerOutcome,
)
from plans.models import Activity, Evidence, Task
from tests import factories

pytestmark = pytest.mark.django_db

MERGED_ON = datetime.date(2025, 7, 1)
# enterprises, union officers, workers, activities, evidence files, reports, periods added.
EXPECTED_MOVES = ["3", "1", "1", "1", "1", "5", "0"]
COUNTS = {"a": 80, "b": 50, "c": 40, "d": 30, "e": 10}


def report(enterprise, code, *, status=ReportStatus.APPROVED, total=100, counts=COUNTS):
    """A report of `enterprise` in its commune's period `code`, with figures for its commune's indicators."""
    period = ReportingPeriod.objects.get(commune=enterprise.commune, code=code)
    made = EnterpriseReport.objects.create(
        enterprise=enterprise, period=period, status=status, total_workers=total, female_workers=total // 2
    )
    indicators = {i.code: i for i in Indicator.objects.filter(commune=enterprise.commune)}
    for code, count in counts.items():
        ReportValue.objects.create(report=made, indicator=indicators[code], count=count)
    ReportEvent.objects.create(report=made, action="import", to_status=status)
    return made


@pytest.fixture
def communes(plan):
    hai_nam = factories.CommuneFactory(code="99101", name="Hai Nam", slug="hai-nam")
    bac_son = factories.CommuneFactory(code="99102", name="Bắc Sơn", slug="bac-son")
    tan_hoa = factories.CommuneFactory(code="99103", name="Tân Hòa", slug="tan-hoa")
    for commune in (hai_nam, bac_son, tan_hoa):
        call_command("load_plan", "--commune", commune.code, verbosity=0)
    return hai_nam, bac_son, tan_hoa


@pytest.fixture
def world(communes):
    hai_nam, bac_son, tan_hoa = communes
    old = datetime.date(2023, 1, 1)
    e1 = factories.EnterpriseFactory(commune=hai_nam, tax_code="2809100001", followed_from=old)
    e2 = factories.EnterpriseFactory(commune=hai_nam, tax_code="2809100002", followed_from=old)
    e3 = factories.EnterpriseFactory(commune=bac_son, tax_code="2809100003", followed_from=old)
    e4 = factories.EnterpriseFactory(commune=tan_hoa, tax_code="2809100004", followed_from=old)
    factories.UnionOfficerFactory(enterprise=e1)
    worker = factories.WorkerFactory(enterprise=e3)
    indicator_a = Indicator.objects.get(commune=bac_son, code="a")
    WorkerOutcome.objects.create(worker=worker, indicator=indicator_a, achieved_on=datetime.date(2025, 3, 1))
    for enterprise, total in ((e1, 100), (e2, 200), (e3, 300), (e4, 400)):
        report(enterprise, "2025-H1", total=total)
    report(e1, "2024", total=90)
    report(e2, "2026-H1", status=ReportStatus.DRAFT)  # open work
    task = Task.objects.get(group__plan__commune=bac_son, group__number=2, letter="b")
    activity = Activity.objects.create(task=task, date=datetime.date(2025, 4, 21), title="Ngày Sách Bắc Sơn")
    Evidence.objects.create(
        activity=activity, file="evidence/x.png", original_name="x.png", content_type="image/png", size=3
    )
    totals.rebuild()
    return {"communes": communes, "enterprises": (e1, e2, e3, e4), "activity": activity}


def merge(apply=True, into="99103", sources=("99101", "99102"), date=MERGED_ON):
    args = ["merge_communes", "--into", into, "--date", date.isoformat(), *sources]
    call_command(*args, *(["--apply"] if apply else []), verbosity=0)


def state() -> tuple:
    """What a refused merger or a dry run must leave as it was."""
    return (
        tuple(Commune.objects.order_by("pk").values_list("pk", "merged_into", "merged_on")),
        tuple(Enterprise.objects.order_by("pk").values_list("pk", "commune")),
        tuple(EnterpriseReport.objects.order_by("pk").values_list("pk", "commune", "period")),
        tuple(ReportValue.objects.order_by("pk").values_list("pk", "commune", "indicator")),
        tuple(Activity.objects.order_by("pk").values_list("pk", "commune", "task")),
        tuple(PeriodTotals.objects.order_by("pk").values_list("pk", "approved", "workers", "active")),
        ReportingPeriod.objects.count(),
        Commune.history.count(),
    )


def test_the_receiving_commune_takes_the_enterprises_their_people_reports_and_activities(world):
    hai_nam, bac_son, tan_hoa = world["communes"]
    merge()
    sources = [hai_nam, bac_son]
    for model in (
        Enterprise,
        UnionOfficer,
        Worker,
        WorkerOutcome,
        EnterpriseReport,
        ReportValue,
        ReportEvent,
        Activity,
        Evidence,
    ):
        assert not model.objects.filter(commune__in=sources).exists(), model
    assert Enterprise.objects.filter(commune=tan_hoa).count() == 4
    moved = EnterpriseReport.objects.filter(enterprise__in=world["enterprises"])
    assert set(moved.values_list("period__commune", flat=True)) == {tan_hoa.pk}
    assert set(ReportValue.objects.filter(report__in=moved).values_list("indicator__plan__commune", flat=True)) == {
        tan_hoa.pk
    }
    assert WorkerOutcome.objects.get().indicator.commune_id == tan_hoa.pk
    activity = Activity.objects.get(pk=world["activity"].pk)
    assert (activity.task.group.plan.commune_id, activity.task.group.number, activity.task.letter) == (
        tan_hoa.pk,
        2,
        "b",
    )
    draft = EnterpriseReport.objects.get(status=ReportStatus.DRAFT)
    assert (draft.period.commune_id, draft.period.code) == (tan_hoa.pk, "2026-H1")


def test_the_receiving_communes_figures_before_the_merger_count_every_report_once(world):
    hai_nam, bac_son, tan_hoa = world["communes"]
    before = {
        (code, commune): totals.stored([ReportingPeriod.objects.get(commune=commune, code=code).pk])
        for code in ("2024", "2025-H1")
        for commune in (hai_nam, bac_son, tan_hoa)
    }
    merge()
    period = ReportingPeriod.objects.get(commune=tan_hoa, code="2025-H1")
    kept = totals.stored([period.pk])[period.pk]
    assert kept == totals.recount([period.pk])[period.pk]
    assert (kept.approved, kept.workers, kept.active, kept.unreported) == (4, 100 + 200 + 300 + 400, 4, 0)
    parts = [before["2025-H1", c][ReportingPeriod.objects.get(commune=c, code="2025-H1").pk] for c in world["communes"]]
    assert kept.workers == sum(part.workers for part in parts)
    assert sum(kept.met.values()) == sum(sum(part.met.values()) for part in parts)
    # Every live period equals a recount; the former communes' totals are their history, kept.
    assert totals.drift() == {}
    frozen = ReportingPeriod.objects.get(commune=hai_nam, code="2025-H1")
    assert totals.stored([frozen.pk])[frozen.pk] == before["2025-H1", hai_nam][frozen.pk]
    call_command("rebuild_totals", verbosity=0)
    assert totals.stored([frozen.pk])[frozen.pk].workers == 300


def test_the_province_sum_over_the_communes_that_exist_counts_each_report_once(world):
    merge()
    for code in ("2024", "2025-H1"):
        live = PeriodTotals.objects.filter(period__code=code, commune__merged_into=None)
        reports = EnterpriseReport.objects.filter(period__code=code, status=ReportStatus.APPROVED)
        assert sum(live.values_list("workers", flat=True)) == sum(reports.values_list("total_workers", flat=True))
        met = PeriodIndicatorTotal.objects.filter(period__code=code, commune__merged_into=None)
        assert sum(met.values_list("met", flat=True)) == sum(
            ReportValue.objects.filter(report__in=reports).values_list("count", flat=True)
        )


def test_a_period_the_receiving_commune_lacks_is_made_from_the_former_one(world):
    hai_nam, _bac_son, tan_hoa = world["communes"]
    ReportingPeriod.objects.filter(commune=tan_hoa, code="2024").delete()
    former = ReportingPeriod.objects.get(commune=hai_nam, code="2024")
    merge()
    made = ReportingPeriod.objects.get(commune=tan_hoa, code="2024")
    assert (made.start, made.end, made.deadline, made.state) == (
        former.start,
        former.end,
        former.deadline,
        former.state,
    )
    assert made.reports.count() == 1


def test_the_former_communes_show_whom_they_were_merged_into_with_history(world):
    hai_nam, bac_son, tan_hoa = world["communes"]
    merge()
    for commune in (hai_nam, bac_son):
        commune.refresh_from_db()
        assert (commune.merged_into, commune.merged_on) == (tan_hoa, MERGED_ON)
        assert commune.history.first().history_change_reason == "merger"
    assert set(Commune.objects.active().values_list("code", flat=True)) >= {"99103"}
    assert not Commune.objects.active().filter(code__in=["99101", "99102"]).exists()
    # Their plans and periods stay theirs, as history.
    assert ReportingPeriod.objects.filter(commune=hai_nam).exists()


def test_a_dry_run_changes_nothing_and_says_what_would_move(world, capsys):
    before = state()
    call_command("merge_communes", "--into", "99103", "--date", "2025-07-01", "99101", "99102")
    assert state() == before
    out = capsys.readouterr().out
    assert "Chạy thử" in out and "--apply" in out
    assert [line.rsplit(": ", 1)[1] for line in out.splitlines() if line.startswith("  ")] == EXPECTED_MOVES


def test_the_dry_runs_summary_is_what_the_merger_moves(world):
    dry = merge_by_codes(into_code="99103", source_codes=["99101", "99102"], date=MERGED_ON)
    done = merge_by_codes(into_code="99103", source_codes=["99101", "99102"], date=MERGED_ON, apply=True)
    assert not dry.applied and done.applied
    assert dry.moved == done.moved
    assert [str(count) for _label, count in done.moved] == EXPECTED_MOVES


@pytest.mark.parametrize(
    "into, sources, date, says",
    [
        ("99999", ("99101",), MERGED_ON, "Không có xã nào mang mã 99999"),
        ("99103", ("99101", "99101"), MERGED_ON, "Xã 99101 được nêu hai lần"),
        ("99103", ("99101", "99103"), MERGED_ON, "xã Tân Hòa không thể sáp nhập vào chính nó"),
        ("99103", ("99101",), datetime.date.today() + datetime.timedelta(days=2), "sau ngày hôm nay"),
        ("1234", ("99101",), MERGED_ON, "“1234” không phải là mã xã"),
    ],
    ids=["unknown-code", "same-commune-twice", "into-one-of-its-sources", "date-in-the-future", "not-a-code"],
)
def test_bad_input_is_refused_with_nothing_changed(world, into, sources, date, says):
    before = state()
    with pytest.raises(CommandError) as refused:
        merge(into=into, sources=sources, date=date)
    assert says in str(refused.value) and "không thay đổi" in str(refused.value)
    assert state() == before


def test_a_merger_into_a_merged_commune_or_of_a_merged_one_is_refused(world):
    merge(sources=("99101",))
    before = state()
    with pytest.raises(CommandError, match="Hai Nam"):
        merge(into="99101", sources=("99102",))
    with pytest.raises(CommandError, match="Hai Nam"):
        merge(into="99103", sources=("99101", "99102"))
    assert state() == before


def test_reports_waiting_for_review_are_refused_naming_the_enterprise(world):
    e3 = world["enterprises"][2]
    report(e3, "2026-H1", status=ReportStatus.SUBMITTED)
    before = state()
    with pytest.raises(CommandError, match=e3.name):
        merge()
    assert state() == before


def test_a_receiving_commune_without_a_plan_is_refused(world):
    empty = factories.CommuneFactory(code="99104", name="Trống", slug="trong")
    before = state()
    with pytest.raises(CommandError, match="load_plan --commune 99104"):
        merge(into=empty.code)
    assert state() == before


def test_a_tax_code_followed_in_two_of_the_communes_is_refused(world):
    tan_hoa = world["communes"][2]
    factories.EnterpriseFactory(commune=tan_hoa, tax_code="2809100001")
    before = state()
    with pytest.raises(CommandError, match="2809100001"):
        merge()
    assert state() == before


def test_the_merger_is_one_transaction(world, monkeypatch):
    """A failure after the first rows moved leaves nothing moved."""
    from indicators import merging

    def broken(*args, **kwargs):
        raise RuntimeError("recount failed")

    monkeypatch.setattr(merging.totals, "rebuild", broken)
    before = state()
    with pytest.raises(RuntimeError):
        merge()
    assert state() == before


def test_the_merger_takes_a_bounded_number_of_queries(world):
    with CaptureQueriesContext(connection) as queries:
        merge()
    assert len(queries) < 400


def test_the_former_communes_accounts_serve_the_receiving_one(world):
    hai_nam, bac_son, tan_hoa = world["communes"]
    covering = factories.OfficialFactory(communes=[hai_nam, bac_son])
    already = factories.ViewerFactory(communes=[bac_son, tan_hoa])
    merge()
    assert set(covering.commune_memberships.values_list("commune__code", flat=True)) == {"99101", "99102", "99103"}
    assert already.commune_memberships.filter(commune=tan_hoa).count() == 1


# --- the merger page (/province/communes/merge/): the same merger, previewed, then confirmed ---


def merger_post(client, name, *, into="99103", sources="99101, 99102", date="01/07/2025"):
    from django.urls import reverse

    return client.post(reverse(f"province:{name}"), {"sources": sources, "into": into, "date": date})


def test_the_page_previews_what_will_move_and_changes_nothing(world, client_for, province_admin):
    before = state()
    response = merger_post(client_for(province_admin), "commune_merge")
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-merger-preview" in page and "Tân Hòa" in page and "Hai Nam" in page and "Bắc Sơn" in page
    assert [count for _label, count in response.context["summary"].moved] == [int(n) for n in EXPECTED_MOVES]
    assert state() == before


def test_confirming_on_the_page_merges_as_the_command_does(world, client_for, province_admin):
    hai_nam, bac_son, tan_hoa = world["communes"]
    client = client_for(province_admin)
    response = merger_post(client, "commune_merge_confirm")
    assert response.status_code == 302
    assert [c.merged_into for c in Commune.objects.filter(pk__in=[hai_nam.pk, bac_son.pk])] == [tan_hoa, tan_hoa]
    assert set(Enterprise.objects.values_list("commune", flat=True)) == {tan_hoa.pk}
    followed = client.get(response.url).content.decode()
    assert f"Đã sáp nhập {hai_nam}, {bac_son} vào {tan_hoa} từ ngày 01/07/2025." in followed


@pytest.mark.parametrize("name", ["commune_merge", "commune_merge_confirm"])
@pytest.mark.parametrize(
    "into, sources, date, says",
    [
        ("99999", "99101", "01/07/2025", "Không có xã nào mang mã 99999"),
        ("99103", "99101, 99103", "01/07/2025", "không thể sáp nhập vào chính nó"),
        ("99103", "99101", "31/02/2025", "ngày"),
        ("99103", "", "01/07/2025", "Trường này là bắt buộc"),
    ],
    ids=["unknown-code", "into-one-of-its-sources", "no-such-day", "no-sources"],
)
def test_the_page_refuses_bad_input_in_vietnamese_keeping_what_was_typed(
    world, client_for, province_admin, name, into, sources, date, says
):
    before = state()
    response = merger_post(client_for(province_admin), name, into=into, sources=sources, date=date)
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page
    assert f'value="{into}"' in page  # what was typed is kept
    assert state() == before


def test_the_page_refuses_a_merger_with_reports_waiting_for_review(world, client_for, province_admin):
    e3 = world["enterprises"][2]
    report(e3, "2026-H1", status=ReportStatus.SUBMITTED)
    before = state()
    response = merger_post(client_for(province_admin), "commune_merge_confirm")
    assert response.status_code == 200
    assert e3.name in response.content.decode()
    assert state() == before
