"""Which commune a request is about (issue 17): the communes a user serves, the /x/<slug>/
prefix, the chooser and the menu for a user serving several, and the refusal of a commune
one does not serve.

The cast: Chị Lan the official of Hoàng Hợp (the served commune), Anh Minh the officer of
enterprise A there, Chị Mai the official covering Hoàng Hợp and the ward of Hoằng Giang
during a merger, Chị Thu the province administrator, who serves no commune."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import get_script_prefix, reverse, set_script_prefix

from communes import current
from communes.current import SESSION_KEY, CurrentCommuneMiddleware, served_by
from communes.models import PLACEHOLDER_CODE, CommuneKind, Membership
from enterprises.models import Enterprise

from .. import factories


@pytest.fixture
def ward(db):
    return factories.CommuneFactory(code="16015", name="Hoằng Giang", slug="hoang-giang", kind=CommuneKind.WARD)


@pytest.fixture
def mai(commune, ward):
    return factories.OfficialFactory(username="mai.official", first_name="Mai", communes=[commune, ward])


def commune_of(response):
    return response.wsgi_request.commune


# --- which communes a user serves ----------------------------------------------------------


class TestServedBy:
    def test_an_official_serves_the_communes_she_is_given(self, commune, ward, official, mai):
        assert served_by(official) == [commune]
        assert served_by(mai) == [commune, ward]  # by name: Hoàng Hợp, Hoằng Giang

    def test_an_official_given_no_commune_serves_none(self, db):
        assert served_by(factories.OfficialFactory(username="moi.official", communes=[])) == []

    def test_an_officer_serves_the_commune_of_their_enterprise(self, officer_a, commune, ward):
        other = factories.EnterpriseFactory(name="Công ty Hoằng Giang", tax_code="2800000099", commune=ward)
        officer = factories.UnionOfficerFactory(enterprise=other, user__username="khanh.officer").user
        assert served_by(officer_a) == [commune]
        assert served_by(officer) == [ward]

    def test_an_officer_of_an_enterprise_no_longer_followed_serves_none(self, officer_a, enterprise_a):
        Enterprise.objects.filter(pk=enterprise_a.pk).update(is_active=False, stopped_from=datetime.date(2025, 1, 1))
        assert served_by(officer_a) == []

    def test_a_superuser_serves_every_existing_commune_and_nobody_a_merged_one(self, commune, ward, mai):
        merged = factories.CommuneFactory(name="Hoằng Cũ", merged_into=ward, merged_on=datetime.date(2025, 7, 1))
        Membership.objects.create(user=mai, commune=merged)
        admin = factories.UserFactory(username="admin", is_superuser=True)
        assert served_by(admin) == [commune, ward]
        assert merged not in served_by(mai)

    def test_the_province_administrator_and_anonymous_serve_none(self, province_admin, commune):
        from django.contrib.auth.models import AnonymousUser

        assert served_by(province_admin) == []
        assert served_by(AnonymousUser()) == []

    def test_it_takes_one_query_and_is_kept_for_the_request(self, mai, django_assert_num_queries):
        with django_assert_num_queries(1):
            served_by(mai)
            served_by(mai)


# --- one commune: the addresses of today keep working -------------------------------------


def test_a_single_commune_official_opens_todays_addresses_on_her_commune(client_for, official, commune, plan):
    client = client_for(official)
    for url in ("/", "/reports/", "/enterprises/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert commune_of(response) == commune
        # Her links carry no prefix: nothing changes for her.
        assert 'href="/x/' not in response.content.decode()


def test_her_api_client_needs_no_commune(client_for, official, plan):
    response = client_for(official).get("/api/v1/progress/?period=2025")
    assert response.status_code == 200
    assert response.json()["period"] == "2025"


def test_under_the_prefix_her_pages_link_under_it(client_for, official, commune, plan):
    response = client_for(official).get("/x/hoang-hop/reports/")
    assert response.status_code == 200
    assert commune_of(response) == commune
    html = response.content.decode()
    assert f'href="/x/hoang-hop{reverse("home")}"' in html
    assert 'href="/x/hoang-hop/reports/2025/"' in html
    # The prefix was the request's only.
    assert reverse("home") == "/"


def test_an_officer_opens_his_enterprise_under_his_commune(client_for, officer_a, commune, enterprise_a):
    response = client_for(officer_a).get(f"/x/hoang-hop/enterprises/{enterprise_a.pk}/")
    assert response.status_code == 200
    assert commune_of(response) == commune


# --- the prefix and the script prefix ------------------------------------------------------


def prefixed_request(user, path, **extra):
    request = RequestFactory().get(path, **extra)
    request.user = user
    request.session = SessionStore()
    return request


def test_reverse_inside_a_prefixed_request_gives_prefixed_addresses(official, commune):
    seen = {}

    def view(request):
        seen.update(path_info=request.path_info, home=reverse("home"), reports=reverse("indicators:period_list"))
        return HttpResponse()

    CurrentCommuneMiddleware(view)(prefixed_request(official, "/x/hoang-hop/reports/"))
    assert seen == {"path_info": "/reports/", "home": "/x/hoang-hop/", "reports": "/x/hoang-hop/reports/"}
    assert get_script_prefix() == "/"


def test_the_script_prefix_is_put_back_when_the_view_fails(official, commune):
    def view(request):
        raise RuntimeError("the view failed")

    with pytest.raises(RuntimeError):
        CurrentCommuneMiddleware(view)(prefixed_request(official, "/x/hoang-hop/"))
    assert reverse("home") == "/"


def test_an_installation_under_a_path_keeps_it_before_the_prefix(official, commune):
    seen = {}

    def view(request):
        seen["home"] = reverse("home")
        return HttpResponse()

    set_script_prefix("/portal/")
    try:
        CurrentCommuneMiddleware(view)(prefixed_request(official, "/x/hoang-hop/", SCRIPT_NAME="/portal"))
        assert get_script_prefix() == "/portal/"
    finally:
        set_script_prefix("/")
    assert seen["home"] == "/portal/x/hoang-hop/"


# --- a commune one does not serve ---------------------------------------------------------


def test_a_commune_she_does_not_serve_is_refused_in_vietnamese(client_for, official, ward):
    response = client_for(official).get("/x/hoang-giang/reports/")
    assert response.status_code == 404
    assert "communes/not_served.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Không mở được trang của xã, phường này" in html
    # She is offered her own commune.
    assert 'href="/x/hoang-hop/"' in html


def test_a_commune_that_does_not_exist_is_answered_the_same(client_for, official, ward):
    client = client_for(official)
    served_elsewhere = client.get("/x/hoang-giang/reports/")
    unknown = client.get("/x/khong-co/reports/")
    assert served_elsewhere.status_code == unknown.status_code == 404
    assert main_of(served_elsewhere) == main_of(unknown)


def main_of(response):
    """The page's content, without the navigation's forms (their tokens differ each time)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_a_post_to_a_commune_she_does_not_serve_changes_nothing(client_for, official, ward):
    before = Enterprise.objects.count()
    response = client_for(official).post(
        "/x/hoang-giang/enterprises/add/", {"name": "Công ty TNHH Lạ", "tax_code": "2800000055"}
    )
    assert response.status_code == 404
    assert Enterprise.objects.count() == before


def test_an_officer_cannot_open_another_commune(client_for, officer_a, ward):
    assert client_for(officer_a).get("/x/hoang-giang/").status_code == 404


def test_anonymous_is_sent_to_log_in_and_learns_nothing_of_the_commune(client, commune):
    known = client.get("/x/hoang-hop/reports/")
    unknown = client.get("/x/khong-co/reports/")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == "/x/hoang-hop/accounts/login/?next=/x/hoang-hop/reports/"
    assert unknown["Location"] == "/x/khong-co/accounts/login/?next=/x/khong-co/reports/"


# --- several communes: the chooser, the last choice, the menu -----------------------------


def test_an_official_of_two_communes_chooses_one_first(client_for, mai):
    response = client_for(mai).get("/reports/?year=2025")
    assert response.status_code == 302
    assert response["Location"] == "/x/?next=/reports/%3Fyear%3D2025"
    chooser = client_for(mai).get(response["Location"])
    assert chooser.status_code == 200
    html = chooser.content.decode()
    assert 'href="/x/hoang-giang/reports/?year=2025"' in html
    assert 'href="/x/hoang-hop/reports/?year=2025"' in html
    assert "Phường Hoằng Giang" in html and "Xã Hoàng Hợp" in html


def test_then_todays_addresses_lead_to_the_commune_she_chose_last(client_for, mai, ward):
    client = client_for(mai)
    assert client.get("/x/hoang-giang/").status_code == 200
    assert client.session[SESSION_KEY] == ward.pk
    response = client.get("/enterprises/?q=May")
    assert response.status_code == 302
    assert response["Location"] == "/x/hoang-giang/enterprises/?q=May"


def test_a_change_sent_without_a_commune_saves_nothing(client_for, mai, ward):
    client = client_for(mai)
    client.get("/x/hoang-giang/")
    before = Enterprise.objects.count()
    response = client.post("/enterprises/add/", {"name": "Công ty TNHH Lạ", "tax_code": "2800000055"})
    assert response.status_code == 400
    assert "Chưa lưu gì" in response.content.decode()
    assert Enterprise.objects.count() == before


def test_pages_of_no_commune_need_no_choice(client_for, mai):
    assert client_for(mai).get("/accounts/password_change/").status_code == 200


def test_the_menu_names_the_current_commune_with_its_kind(client_for, mai):
    response = client_for(mai).get("/x/hoang-giang/")
    html = response.content.decode()
    assert "data-commune-menu" in html
    menu = html[html.index('data-nav="commune"') : html.index("data-commune-menu")]
    assert "Phường Hoằng Giang" in menu
    assert 'href="/x/hoang-hop/"' in html


def test_a_single_commune_official_has_no_menu(client_for, official, commune):
    assert "data-commune-menu" not in client_for(official).get("/").content.decode()


def test_the_chooser_only_sends_to_this_sites_pages(client_for, mai):
    html = main_of(client_for(mai).get("/x/", {"next": "//example.com/"}))
    assert 'href="/x/hoang-hop/"' in html
    assert "example.com" not in html


def test_a_long_list_ends_with_the_chooser(client_for, mai):
    for _n in range(current_menu_size()):
        Membership.objects.create(user=mai, commune=factories.CommuneFactory())
    html = client_for(mai).get("/x/hoang-hop/").content.decode()
    assert 'data-nav="commune-choose"' in html


def current_menu_size():
    from accounts.context_processors import COMMUNE_MENU_SIZE

    return COMMUNE_MENU_SIZE


def test_the_chooser_sends_an_account_of_one_commune_to_it(client_for, official):
    response = client_for(official).get("/x/", {"next": "/reports/?year=2025"})
    assert response.status_code == 302
    assert response["Location"] == "/x/hoang-hop/reports/?year=2025"


def test_the_chooser_shows_no_code_for_a_commune_whose_code_is_not_set(client_for, mai, commune, ward):
    commune.code = PLACEHOLDER_CODE  # as the migration leaves an installation that named none
    commune.save(update_fields=["code"])
    html = main_of(client_for(mai).get("/x/"))
    assert "00000" not in html and "Mã 16015" in html


def test_the_chooser_tells_an_account_without_a_commune(client_for, province_admin):
    response = client_for(province_admin).get("/x/")
    assert response.status_code == 200
    assert "Tài khoản chưa được giao xã, phường nào" in response.content.decode()


def test_the_province_administrator_keeps_her_pages_without_a_commune(client_for, province_admin):
    assert client_for(province_admin).get("/").status_code == 200
    assert client_for(province_admin).get("/province/communes/").status_code == 200


def test_commune_url_escapes_the_path_and_keeps_the_query(rf, commune):
    request = rf.get("/")
    assert current.commune_url(request, commune, "/tìm/?q=Hoàng") == "/x/hoang-hop/t%C3%ACm/?q=Ho%C3%A0ng"


def test_the_demos_official_and_viewer_serve_the_demos_commune(commune):
    from django.contrib.auth import get_user_model

    from accounts import demo

    demo.seed()
    users = get_user_model().objects.in_bulk(["canbo.vanhoa", "tinh.xem", "tinh.quantri"], field_name="username")
    assert [served_by(users[name]) for name in ("canbo.vanhoa", "tinh.xem", "tinh.quantri")] == [
        [commune],
        [commune],
        [],
    ]
