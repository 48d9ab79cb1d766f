"""The province administrator gives a commune its accounts (issue 17): its commune officials
and its superior body's viewers, by username, on /province/communes/<pk>/users/."""

import pytest
from django.urls import reverse

from accounts.roles import OFFICER
from communes.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(db):
    return factories.CommuneFactory(code="16015", name="Hoằng Giang", slug="hoang-giang")


def members_url(commune):
    return reverse("province:commune_members", kwargs={"pk": commune.pk})


def add(client, commune, username):
    return client.post(members_url(commune), {"username": username})


def test_she_gives_a_commune_an_official_and_a_viewer(client_for, province_admin, official, viewer, ward):
    client = client_for(province_admin)
    response = add(client, ward, "lan.official")
    assert response.status_code == 302
    add(client, ward, " tuan.viewer ")
    assert set(ward.memberships.values_list("user__username", flat=True)) == {"lan.official", "tuan.viewer"}
    page = client.get(members_url(ward)).content.decode()
    assert "Đã giao xã Hoằng Giang cho Nguyễn Thị Lan." in page
    assert 'data-member="lan.official"' in page and "Công chức Văn hóa - Xã hội" in page
    assert 'data-member="tuan.viewer"' in page and "Cấp trên (chỉ xem)" in page


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("khong.co", "Không có tài khoản nào có tên đăng nhập “khong.co”."),
        ("minh.officer", "Không giao xã, phường cho tài khoản “minh.officer” (Cán bộ công đoàn cơ sở"),
        ("thu.province", "Không giao xã, phường cho tài khoản “thu.province” (Quản trị viên cấp tỉnh)"),
        ("nobody.role", "Không giao xã, phường cho tài khoản “nobody.role” (Chưa được phân vai trò)"),
        ("old.official", "Tài khoản “old.official” đã bị khóa: không giao xã, phường được."),
        ("lan.official", "Tài khoản “lan.official” đã được giao xã Hoàng Hợp."),
        ("", "Trường này là bắt buộc."),
    ],
)
def test_she_is_told_why_an_account_cannot_serve_and_nothing_changes(
    client_for, province_admin, official, officer_a, commune, username, message
):
    factories.UserFactory(username="nobody.role")
    factories.OfficialFactory(username="old.official", is_active=False, communes=[])
    before = list(Membership.objects.values_list("pk", flat=True))
    response = add(client_for(province_admin), commune, username)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Membership.objects.values_list("pk", flat=True)) == before


def test_she_relieves_an_account_of_a_commune_and_the_history_says_so(client_for, province_admin, official, commune):
    membership = Membership.objects.get(user=official, commune=commune)
    client = client_for(province_admin)
    url = reverse("province:commune_member_remove", kwargs={"pk": commune.pk, "membership_pk": membership.pk})
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    page = client.get(members_url(commune)).content.decode()
    assert "Nguyễn Thị Lan không còn được giao xã Hoàng Hợp." in page
    assert "Chưa có tài khoản nào được giao xã, phường này." in page
    assert "Tài khoản được giao xã, phường" in page  # the history's entry of the change


def test_an_account_of_another_commune_cannot_be_removed_through_this_one(
    client_for, province_admin, official, commune, ward
):
    membership = Membership.objects.get(user=official, commune=commune)
    url = reverse("province:commune_member_remove", kwargs={"pk": ward.pk, "membership_pk": membership.pk})
    assert client_for(province_admin).post(url).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_list_takes_the_same_queries_however_many_accounts(
    client_for, province_admin, commune, django_assert_max_num_queries
):
    client = client_for(province_admin)
    factories.OfficialFactory(username="a.official")
    with django_assert_max_num_queries(30) as few:
        client.get(members_url(commune))
    for n in range(5):
        factories.ViewerFactory(username=f"viewer{n}")
        factories.UnionOfficerFactory(user__username=f"officer{n}", user__role=OFFICER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(members_url(commune))


def test_the_commune_page_links_to_its_accounts(client_for, province_admin, commune):
    page = client_for(province_admin).get(reverse("province:commune_update", kwargs={"pk": commune.pk}))
    assert members_url(commune) in page.content.decode()
