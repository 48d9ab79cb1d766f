"""The enterprise list, adding and editing an enterprise, (de)activating it, its page,
and the officer's small contact form."""

import datetime

import pytest
from django.urls import reverse

from enterprises.models import EconomicSector, Enterprise, LegalForm
from indicators.models import ReportStatus
from tests.factories import (
    EnterpriseFactory,
    PeriodFactory,
    ReportFactory,
    UnionOfficerFactory,
    WorkerFactory,
    WorkerOutcomeFactory,
)

pytestmark = pytest.mark.django_db


def another(**kwargs):
    """An enterprise whose tax code cannot meet the cast's (the factory's sequence can)."""
    kwargs.setdefault("tax_code", f"28{Enterprise.objects.count() + 90000000:08d}")
    return EnterpriseFactory(**kwargs)


VALID = {
    "name": "Công ty TNHH Dệt kim Hoàng Hợp",
    "tax_code": "2809998887",
    "legal_form": LegalForm.MULTI_MEMBER_LLC,
    "economic_sector": EconomicSector.NON_STATE,
    "sector": "Dệt kim",
    "address": "Thôn 5",
    "has_union": "on",
    "union_name": "Công đoàn cơ sở Dệt kim Hoàng Hợp",
    "phone": "0237 3869 999",
    "email": "detkim@example.vn",
    "followed_from": "2026-03-02",
}


def test_the_list_shows_active_enterprises_by_default_with_officer_and_roster_counts(
    client_for, official, enterprise_a, officer_a
):
    another(name="Công ty TNHH Đã giải thể", is_active=False)
    WorkerFactory.create_batch(3, enterprise=enterprise_a)
    WorkerFactory(enterprise=enterprise_a, is_active=False)
    response = client_for(official).get(reverse("enterprises:enterprise_list"))
    page = list(response.context["page"])
    assert [e.name for e in page] == [enterprise_a.name]
    assert page[0].officer_count == 1
    assert page[0].worker_count == 3


def test_the_list_searches_by_name_or_tax_code_and_filters(client_for, viewer, enterprise_a, enterprise_b):
    coop = EnterpriseFactory(
        name="HTX Dịch vụ nông nghiệp",
        tax_code="2805678934",
        legal_form=LegalForm.COOPERATIVE,
        economic_sector=EconomicSector.STATE,
        has_union=False,
        union_name="",
    )
    client = client_for(viewer)

    def names(**params):
        response = client.get(reverse("enterprises:enterprise_list"), params)
        return {e.name for e in response.context["page"]}

    assert names(q="Bình Minh") == {enterprise_b.name}
    assert names(q="2805 678 934") == {coop.name}  # spaces typed in the tax code
    assert names(q="28000000") == {enterprise_a.name, enterprise_b.name}
    assert names(legal_form=LegalForm.COOPERATIVE) == {coop.name}
    assert names(economic_sector=EconomicSector.STATE) == {coop.name}
    assert names(economic_sector=EconomicSector.NON_STATE) == {enterprise_a.name, enterprise_b.name}
    assert names(union="no") == {coop.name}
    assert names(union="yes") == {enterprise_a.name, enterprise_b.name}


def test_the_list_can_show_inactive_enterprises(client_for, official, enterprise_a):
    closed = another(name="Công ty đã ngừng", is_active=False)
    client = client_for(official)
    inactive = client.get(reverse("enterprises:enterprise_list"), {"status": "inactive"})
    assert [e.name for e in inactive.context["page"]] == [closed.name]
    everything = client.get(reverse("enterprises:enterprise_list"), {"status": "all"})
    assert everything.context["page"].paginator.count == 2


def test_the_list_is_paginated_in_a_fixed_number_of_queries(client_for, official, django_assert_max_num_queries):
    for _number in range(30):
        enterprise = another()
        UnionOfficerFactory(enterprise=enterprise)
        WorkerFactory(enterprise=enterprise)
    client = client_for(official)
    client.get(reverse("enterprises:enterprise_list"))  # warm the session and role caches
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprises:enterprise_list"), {"page": 2})
    assert len(response.context["page"]) == 5
    assert "page=1" in response.content.decode()


def test_the_official_adds_an_enterprise(client_for, official):
    response = client_for(official).post(reverse("enterprises:enterprise_create"), VALID)
    enterprise = Enterprise.objects.get(tax_code="2809998887")
    assert response.status_code == 302
    assert response["Location"] == enterprise.get_absolute_url()
    assert enterprise.has_union and enterprise.union_name == VALID["union_name"]
    assert enterprise.history.get().history_user == official


@pytest.mark.parametrize("tax_code, saved", [("2800 123 456", "2800123456"), ("2800.123.456-001", "2800123456-001")])
def test_a_tax_code_typed_with_spaces_or_dots_is_stored_clean(client_for, official, tax_code, saved):
    client_for(official).post(reverse("enterprises:enterprise_create"), {**VALID, "tax_code": tax_code})
    assert Enterprise.objects.filter(tax_code=saved).exists()


@pytest.mark.parametrize("tax_code", ["280012345", "28001234567", "2800123456-01", "28001234AB", "2800123456/001"])
def test_an_invalid_tax_code_is_refused_in_vietnamese_and_the_entries_are_kept(client_for, official, tax_code):
    response = client_for(official).post(reverse("enterprises:enterprise_create"), {**VALID, "tax_code": tax_code})
    assert response.status_code == 200
    assert not Enterprise.objects.exists()
    assert "không hợp lệ" in response.content.decode()
    assert response.context["form"]["name"].value() == VALID["name"]


def test_a_duplicate_tax_code_names_the_enterprise_that_has_it(client_for, official, enterprise_a):
    response = client_for(official).post(
        reverse("enterprises:enterprise_create"), {**VALID, "tax_code": enterprise_a.tax_code}
    )
    assert response.status_code == 200
    assert Enterprise.objects.count() == 1
    errors = response.context["form"].errors["tax_code"]
    assert enterprise_a.name in errors[0] and "đã được đăng ký" in errors[0]


def test_a_union_name_and_the_union_box_must_agree(client_for, official):
    client = client_for(official)
    no_name = client.post(reverse("enterprises:enterprise_create"), {**VALID, "union_name": ""})
    assert "union_name" in no_name.context["form"].errors
    no_box = {k: v for k, v in VALID.items() if k != "has_union"}
    assert "has_union" in client.post(reverse("enterprises:enterprise_create"), no_box).context["form"].errors
    assert not Enterprise.objects.exists()


def test_a_wrong_phone_or_email_is_refused(client_for, official):
    response = client_for(official).post(
        reverse("enterprises:enterprise_create"), {**VALID, "phone": "gọi anh Minh", "email": "không-phải-email"}
    )
    errors = response.context["form"].errors
    assert "phone" in errors and "email" in errors
    assert "số điện thoại" in errors["phone"][0]


def test_editing_keeps_the_tax_code_unique_but_allows_its_own(client_for, official, enterprise_a, enterprise_b):
    client = client_for(official)
    url = reverse("enterprises:enterprise_update", args=[enterprise_a.pk])
    data = {**VALID, "name": "Công ty TNHH May mặc An Phát Mới", "tax_code": enterprise_a.tax_code}
    assert client.post(url, data).status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "Công ty TNHH May mặc An Phát Mới"
    clash = client.post(url, {**data, "tax_code": enterprise_b.tax_code})
    assert "tax_code" in clash.context["form"].errors


def test_deactivating_never_deletes_and_can_be_undone(client_for, official, enterprise_a, officer_a):
    client = client_for(official)
    client.post(reverse("enterprises:enterprise_deactivate", args=[enterprise_a.pk]))
    enterprise_a.refresh_from_db()
    assert not enterprise_a.is_active
    assert Enterprise.objects.filter(pk=enterprise_a.pk).exists()
    client.post(reverse("enterprises:enterprise_reactivate", args=[enterprise_a.pk]))
    enterprise_a.refresh_from_db()
    assert enterprise_a.is_active
    changes = [r.is_active for r in enterprise_a.history.order_by("history_date")]
    assert changes == [True, False, True]


def test_the_enterprise_page_shows_details_officers_roster_reports_and_history(
    client_for, official, enterprise_a, officer_a, indicators
):
    women = WorkerFactory.create_batch(3, enterprise=enterprise_a)
    WorkerFactory(enterprise=enterprise_a, sex="male")
    WorkerOutcomeFactory(worker=women[0], indicator=indicators["a"])
    ReportFactory(
        enterprise=enterprise_a, period=PeriodFactory(year=2025), status=ReportStatus.SUBMITTED, total_workers=1234
    )
    client = client_for(official)
    client.post(
        reverse("enterprises:enterprise_contacts_update", args=[enterprise_a.pk]),
        {"phone": "0237 3861 000", "email": "", "union_name": enterprise_a.union_name},
    )
    response = client.get(enterprise_a.get_absolute_url())
    html = response.content.decode()
    assert enterprise_a.tax_code in html
    assert "Trần Văn Minh" in html  # the officer, in Vietnamese name order
    assert response.context["totals"].workers == 4
    assert response.context["totals"].female_workers == 3
    assert response.context["roster_rows"][0][1:] == (1, 25.0)
    assert "25,0%" in html
    assert "Năm 2025" in html and "1.234" in html and "Đã gửi" in html
    latest = response.context["history"][0]
    assert latest.who == "Nguyễn Thị Lan"
    assert [(c.label, c.old, c.new) for c in latest.changes] == [("Điện thoại liên hệ", "—", "0237 3861 000")]


def test_the_officer_page_hides_the_officials_actions(client_for, officer_a, enterprise_a):
    html = client_for(officer_a).get(enterprise_a.get_absolute_url()).content.decode()
    assert reverse("enterprises:enterprise_update", args=[enterprise_a.pk]) not in html
    assert reverse("enterprises:officer_create", args=[enterprise_a.pk]) not in html
    assert reverse("enterprises:enterprise_contacts_update", args=[enterprise_a.pk]) in html
    assert "minh.officer" not in html  # usernames are the official's business


def test_an_officer_edits_only_the_contact_fields(client_for, officer_a, enterprise_a):
    name, tax_code = enterprise_a.name, enterprise_a.tax_code
    response = client_for(officer_a).post(
        reverse("enterprises:enterprise_contacts_update", args=[enterprise_a.pk]),
        {
            "phone": "0912 345 678",
            "email": "congdoan@anphat.vn",
            "union_name": "CĐCS An Phát",
            "name": "Đổi tên",
            "tax_code": "2899999999",
        },
    )
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert (enterprise_a.phone, enterprise_a.email, enterprise_a.union_name) == (
        "0912 345 678",
        "congdoan@anphat.vn",
        "CĐCS An Phát",
    )
    assert (enterprise_a.name, enterprise_a.tax_code) == (name, tax_code)
    last = enterprise_a.history.order_by("-history_date").first()
    assert last.history_user == officer_a


def test_clearing_the_union_name_means_no_union(client_for, officer_a, enterprise_a):
    client_for(officer_a).post(
        reverse("enterprises:enterprise_contacts_update", args=[enterprise_a.pk]),
        {"phone": "", "email": "", "union_name": ""},
    )
    enterprise_a.refresh_from_db()
    assert not enterprise_a.has_union


def test_the_officers_home_page_leads_to_their_enterprise(client_for, officer_a, enterprise_a):
    from django.template.loader import render_to_string

    html = render_to_string("enterprises/_home_officer.html", {"enterprise_id": enterprise_a.pk})
    assert enterprise_a.get_absolute_url() in html


def test_the_nav_shows_enterprises_to_the_official_and_the_viewer_only(
    client_for, official, viewer, officer_a, enterprise_a
):
    url = reverse("enterprises:enterprise_list")
    for user in (official, viewer):
        html = client_for(user).get(enterprise_a.get_absolute_url()).content.decode()
        assert f'href="{url}" data-nav="enterprises"' in html
    assert 'data-nav="enterprises"' not in client_for(officer_a).get(enterprise_a.get_absolute_url()).content.decode()


def test_the_report_list_on_the_page_is_newest_first(client_for, viewer, enterprise_a):
    for year in (2024, 2025):
        ReportFactory(enterprise=enterprise_a, period=PeriodFactory(year=year))
    reports = client_for(viewer).get(enterprise_a.get_absolute_url()).context["reports"]
    assert [r.period.year for r in reports] == [2025, 2024]
    assert reports[0].period.end == datetime.date(2025, 12, 31)
