"""Optimistic locking: when two people edit the same report, the later save is refused
with a message and nothing is overwritten (EnterpriseReport.version, compare-and-swap)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import rules, services
from indicators.models import EnterpriseReport, ReportStatus
from tests import factories

from .conftest import report_data

pytestmark = pytest.mark.django_db

CONFLICT = "người khác đã thay đổi báo cáo này"


@pytest.fixture
def draft(client_for, officer_a, enterprise_a, open_period):
    client_for(officer_a).post(
        reverse("indicators:period_detail", args=[open_period.code]), report_data(action="draft", total=100)
    )
    return EnterpriseReport.objects.get(enterprise=enterprise_a, period=open_period)


def form(period):
    return reverse("indicators:period_detail", args=[period.code])


def test_the_form_carries_the_version_it_was_drawn_from(client_for, officer_a, draft):
    response = client_for(officer_a).get(form(draft.period))
    assert f'name="version" value="{draft.version}"' in response.content.decode()


def test_the_later_of_two_saves_from_the_same_version_is_refused_and_keeps_its_values(client_for, officer_a, draft):
    client = client_for(officer_a)
    seen = draft.version
    assert client.post(form(draft.period), report_data(action="draft", total=120, version=seen)).status_code == 302
    response = client.post(form(draft.period), report_data(total=130, version=seen))
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    assert 'name="total_workers" value="130"' in response.content.decode()
    draft.refresh_from_db()
    assert (draft.total_workers, draft.status, draft.version) == (120, ReportStatus.DRAFT, seen + 1)


def test_the_officials_entry_loses_against_the_officers_submission_made_meanwhile(
    client_for, official, officer_a, draft
):
    seen = draft.version
    client_for(officer_a).post(form(draft.period), report_data(total=100, version=seen))
    enter = reverse("indicators:report_enter", args=[draft.period.code, draft.enterprise_id])
    response = client_for(official).post(enter, report_data(total=90, female=50, version=seen))
    assert CONFLICT in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.total_workers, draft.entered_by_official) == (ReportStatus.SUBMITTED, 100, False)


def test_an_approval_from_a_page_drawn_before_a_resubmission_is_refused(client_for, official, officer_a, draft):
    client_for(officer_a).post(form(draft.period), report_data(version=draft.version))
    draft.refresh_from_db()
    seen = draft.version
    services.report_return(report=draft, actor=official, reason="Sửa chỉ tiêu c.", version=seen)
    draft.refresh_from_db()
    client_for(officer_a).post(
        form(draft.period), report_data(version=draft.version, counts={"a": 90, "b": 70, "c": 20, "d": 60, "e": 30})
    )
    response = client_for(official).post(
        reverse("indicators:report_approve", args=[draft.period.code, draft.enterprise_id]),
        {"version": seen},
        follow=True,
    )
    assert CONFLICT in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED


def test_a_first_save_finding_a_report_created_meanwhile_is_refused_not_a_crash(
    client_for, officer_a, enterprise_a, open_period
):
    factories.ReportFactory(enterprise=enterprise_a, period=open_period, status=ReportStatus.DRAFT, total_workers=77)
    response = client_for(officer_a).post(form(open_period), report_data(version=0))
    assert response.status_code == 200 and CONFLICT in response.content.decode()
    assert EnterpriseReport.objects.get().total_workers == 77


def test_the_service_compares_and_swaps(officer_a, enterprise_a, open_period, draft):
    figures = rules.Figures(100, 50, {})
    services.report_save_draft(
        enterprise=enterprise_a, period=open_period, actor=officer_a, figures=figures, version=draft.version
    )
    with pytest.raises(ValidationError) as refused:
        services.report_save_draft(
            enterprise=enterprise_a, period=open_period, actor=officer_a, figures=figures, version=draft.version
        )
    assert refused.value.code == "conflict"
    draft.refresh_from_db()
    assert draft.version == 2
