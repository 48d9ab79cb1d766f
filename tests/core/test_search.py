"""Search ignores accents and case, on SQLite and PostgreSQL alike (core.search)."""

import pytest
from django.urls import reverse

from core import search
from enterprises.models import Enterprise
from tests import factories


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Công ty TNHH Hoàng Hợp", "cong ty tnhh hoang hop"),
        ("ĐỨC ƯỢNG", "duc uong"),
        ("Thanh Hóa", "thanh hoa"),
        ("Thanh Hoá", "thanh hoa"),  # either tone-mark position
        ("", ""),
        (None, None),
    ],
)
def test_fold(text, folded):
    assert search.fold(text) == folded


@pytest.fixture
def enterprises(db):
    return {
        "hop": factories.EnterpriseFactory(name="Công ty TNHH Hoàng Hợp", tax_code="2800000011"),
        "duc": factories.EnterpriseFactory(name="Doanh nghiệp tư nhân Đức Thịnh", tax_code="2800000012"),
        "other": factories.EnterpriseFactory(name="Công ty CP Giày da Bình Minh", tax_code="2800000013"),
    }


@pytest.mark.parametrize(
    "typed, found",
    [
        ("hoang hop", {"hop"}),
        ("HỢP", {"hop"}),
        ("  hoàng   hợp ", {"hop"}),
        ("duc thinh", {"duc"}),
        ("Đức", {"duc"}),
        ("cong ty", {"hop", "other"}),
        ("binh  minh", {"other"}),
        ("xyz", set()),
        ("   ", {"hop", "duc", "other"}),
    ],
)
def test_the_database_folds_the_column_as_python_folds_the_text(enterprises, typed, found):
    result = search.containing(Enterprise.objects.all(), ["name"], typed)
    assert set(result.values_list("pk", flat=True)) == {enterprises[key].pk for key in found}


def test_the_enterprise_list_finds_names_without_accents_and_tax_codes(client_for, official, enterprises):
    def names(query):
        response = client_for(official).get(reverse("enterprises:enterprise_list"), {"q": query})
        assert response.status_code == 200
        return {enterprise.name for enterprise in response.context["page"]}

    assert names("hoang hop") == {"Công ty TNHH Hoàng Hợp"}
    assert names("2800000012") == {"Doanh nghiệp tư nhân Đức Thịnh"}
    assert names("DUC THINH") == {"Doanh nghiệp tư nhân Đức Thịnh"}


def test_the_roster_finds_workers_without_accents(client_for, official, enterprise_a):
    factories.WorkerFactory(enterprise=enterprise_a, full_name="Nguyễn Thị Hường", employee_code="NV001")
    factories.WorkerFactory(enterprise=enterprise_a, full_name="Trần Văn Đông", employee_code="NV002")
    response = client_for(official).get(reverse("indicators:worker_list", args=[enterprise_a.pk]), {"q": "huong"})
    assert [w.full_name for w in response.context["page"]] == ["Nguyễn Thị Hường"]
    response = client_for(official).get(reverse("indicators:worker_list", args=[enterprise_a.pk]), {"q": "dong"})
    assert [w.full_name for w in response.context["page"]] == ["Trần Văn Đông"]


def test_the_review_queue_finds_enterprises_without_accents(client_for, official, enterprises):
    period = factories.PeriodFactory(year=2026)
    response = client_for(official).get(reverse("indicators:period_detail", args=[period.code]), {"q": "hoang hop"})
    assert response.status_code == 200
    assert [e.name for e in response.context["page"]] == ["Công ty TNHH Hoàng Hợp"]
