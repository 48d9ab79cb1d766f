"""GET /api/v1/progress/?period=<code>&commune=<code> (issue 17): the commune a program reads
is named by its code; a user of one commune may leave it out, as every client did before."""

import pytest
from django.urls import reverse

from communes.models import CommuneKind
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("indicators:api_progress")


@pytest.fixture
def ward(db):
    return factories.CommuneFactory(code="16015", name="Hoằng Giang", slug="hoang-giang", kind=CommuneKind.WARD)


@pytest.fixture
def mai(commune, ward):
    """Chị Mai covers Hoàng Hợp and the ward of Hoằng Giang."""
    return factories.OfficialFactory(username="mai.official", communes=[commune, ward])


def test_a_user_of_one_commune_may_leave_the_commune_out(client_for, plan, official):
    response = client_for(official).get(URL, {"period": "2025"})
    assert response.status_code == 200
    assert response.json()["period"] == "2025"


def test_a_user_of_one_commune_may_name_it(client_for, plan, viewer, commune):
    response = client_for(viewer).get(URL, {"period": "2025", "commune": commune.code})
    assert response.status_code == 200


def test_a_user_of_several_communes_must_say_which(client_for, plan, mai, ward):
    response = client_for(mai).get(URL, {"period": "2025"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "commune=<mã>" in error
    assert "16015 (phường Hoằng Giang)" in error and "00000 (xã Hoàng Hợp)" in error


def test_with_the_commune_named_she_reads_that_communes_periods(client_for, plan, mai, commune, ward):
    client = client_for(mai)
    assert client.get(URL, {"period": "2025", "commune": commune.code}).status_code == 200
    # Hoàng Hợp's period 2025 is not the ward's: the ward has none yet.
    answer = client.get(URL, {"period": "2025", "commune": ward.code})
    assert answer.status_code == 404
    assert answer.json() == {"error": "Không có kỳ báo cáo “2025”."}


def test_a_commune_she_does_not_serve_is_answered_as_an_unknown_one(client_for, plan, official, ward):
    client = client_for(official)
    not_hers = client.get(URL, {"period": "2025", "commune": ward.code})
    unknown = client.get(URL, {"period": "2025", "commune": "99999"})
    assert not_hers.status_code == unknown.status_code == 404
    assert not_hers.json()["error"] == (
        "Trong các xã, phường tài khoản được giao không có xã, phường nào mang mã “16015”."
    )
    assert unknown.json()["error"].endswith("“99999”.")


def test_the_session_choice_never_names_the_apis_commune(client_for, plan, mai):
    client = client_for(mai)
    client.get("/x/hoang-giang/")  # the pages' last choice
    assert client.get(URL, {"period": "2025"}).status_code == 400


def test_under_a_prefix_another_code_is_unknown(client_for, plan, mai, commune, ward):
    client = client_for(mai)
    assert client.get(f"/x/hoang-hop{URL}", {"period": "2025"}).status_code == 200
    assert client.get(f"/x/hoang-hop{URL}", {"period": "2025", "commune": ward.code}).status_code == 404


def test_an_official_given_no_commune_is_told_so(client_for, plan):
    lonely = factories.OfficialFactory(username="moi.official", communes=[])
    response = client_for(lonely).get(URL, {"period": "2025"})
    assert response.status_code == 403
    assert response.json() == {"error": "Tài khoản chưa được giao xã, phường nào."}
