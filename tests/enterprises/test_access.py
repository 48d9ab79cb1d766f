"""Every enterprise-scoped page, as every role: an officer of another enterprise gets 404
(existence is not leaked), the district viewer 403 on anything that changes data or shows
named workers, an officer 403 on the official's pages about their own enterprise."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse

from accounts.access import may_see_named_workers
from accounts.roles import PROVINCE_VIEWER
from tests.factories import UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db

# (URL name, method, who may use it: "read" = anyone who sees the enterprise,
#  "named" = who may see its named workers: the official and the enterprise's officers,
#  "change" = the official and the enterprise's officers, "official" = the official only)
ENTERPRISE_PAGES = [
    ("enterprise_detail", "get", "read"),
    ("enterprise_update", "get", "official"),
    ("enterprise_update", "post", "official"),
    ("enterprise_contacts_update", "get", "change"),
    ("enterprise_contacts_update", "post", "change"),
    ("enterprise_deactivate", "post", "official"),
    ("enterprise_reactivate", "post", "official"),
    ("officer_create", "get", "official"),
    ("officer_create", "post", "official"),
    ("worker_list", "get", "named"),
    ("worker_create", "get", "change"),
    ("worker_create", "post", "change"),
    ("worker_import", "get", "change"),
    ("worker_import", "post", "change"),
    ("worker_import_confirm", "post", "change"),
    ("worker_import_template", "get", "change"),
]
OFFICER_PAGES = [
    ("officer_update", "get"),
    ("officer_update", "post"),
    ("officer_password", "post"),
    ("officer_credentials", "get"),
    ("officer_deactivate", "post"),
    ("officer_reactivate", "post"),
]
WORKER_PAGES = [
    ("worker_update", "get"),
    ("worker_update", "post"),
    ("worker_deactivate", "post"),
    ("worker_reactivate", "post"),
]
ALL_PAGES = (
    [(name, method, "enterprise") for name, method, _who in ENTERPRISE_PAGES]
    + [(name, method, "officer") for name, method in OFFICER_PAGES]
    + [(name, method, "worker") for name, method in WORKER_PAGES]
)


@pytest.fixture
def worker_a(enterprise_a):
    return WorkerFactory(enterprise=enterprise_a)


@pytest.fixture
def worker_b(enterprise_b):
    return WorkerFactory(enterprise=enterprise_b)


def page(name):
    """The URL name: roster pages are the indicators app's (rosters count outcomes)."""
    return ("indicators:" if name.startswith("worker_") else "enterprises:") + name


def url_of(name, scope, enterprise, officer_user=None, worker=None):
    args = [enterprise.pk]
    if scope == "officer":
        args.append(officer_user.union_officer.pk)
    elif scope == "worker":
        args.append(worker.pk)
    return reverse(page(name), args=args)


@pytest.mark.parametrize("name, method, scope", ALL_PAGES)
def test_an_officer_gets_404_for_every_page_of_another_enterprise(
    client_for, officer_a, officer_b, enterprise_b, worker_b, name, method, scope
):
    client = client_for(officer_a)
    url = url_of(name, scope, enterprise_b, officer_b, worker_b)
    response = getattr(client, method)(url)
    assert response.status_code == 404
    enterprise_b.refresh_from_db()
    assert enterprise_b.is_active


@pytest.mark.parametrize("name, method", WORKER_PAGES)
def test_another_enterprises_worker_is_404_even_under_the_officers_own_enterprise(
    client_for, officer_a, enterprise_a, worker_b, name, method
):
    client = client_for(officer_a)
    url = reverse(f"indicators:{name}", args=[enterprise_a.pk, worker_b.pk])
    assert getattr(client, method)(url).status_code == 404
    worker_b.refresh_from_db()
    assert worker_b.is_active


@pytest.mark.parametrize("name, method", OFFICER_PAGES)
def test_another_enterprises_officer_is_404_to_the_official_under_the_wrong_enterprise(
    client_for, official, enterprise_a, officer_b, name, method
):
    url = reverse(f"enterprises:{name}", args=[enterprise_a.pk, officer_b.union_officer.pk])
    assert getattr(client_for(official), method)(url).status_code == 404


@pytest.mark.parametrize(
    "name, method, scope",
    [(n, m, "enterprise") for n, m, who in ENTERPRISE_PAGES if who in ("change", "official")]
    + [(n, m, "officer") for n, m in OFFICER_PAGES]
    + [(n, m, "worker") for n, m in WORKER_PAGES],
)
def test_the_district_viewer_is_refused_every_change_with_403(
    client_for, viewer, officer_b, enterprise_b, worker_b, name, method, scope
):
    response = getattr(client_for(viewer), method)(url_of(name, scope, enterprise_b, officer_b, worker_b))
    assert response.status_code == 403
    enterprise_b.refresh_from_db()
    assert enterprise_b.is_active


@pytest.mark.parametrize(
    "name, method, scope",
    [(n, m, "enterprise") for n, m, who in ENTERPRISE_PAGES if who == "official"]
    + [(n, m, "officer") for n, m in OFFICER_PAGES],
)
def test_an_officer_is_refused_the_officials_pages_of_their_own_enterprise_with_403(
    client_for, officer_a, enterprise_a, name, method, scope
):
    response = getattr(client_for(officer_a), method)(url_of(name, scope, enterprise_a, officer_a))
    assert response.status_code == 403


def test_the_viewer_and_the_officer_read_what_they_may_see(client_for, viewer, officer_a, enterprise_a):
    url = reverse("enterprises:enterprise_detail", args=[enterprise_a.pk])
    assert client_for(viewer).get(url).status_code == 200
    assert client_for(officer_a).get(url).status_code == 200
    assert client_for(officer_a).get(reverse("indicators:worker_list", args=[enterprise_a.pk])).status_code == 200


@pytest.mark.parametrize(
    "name, method, scope",
    [(n, m, "enterprise") for n, m, who in ENTERPRISE_PAGES if n.startswith("worker_")]
    + [(n, m, "worker") for n, m in WORKER_PAGES],
)
def test_the_viewer_sees_no_named_worker_and_gets_403_on_every_roster_page(
    client_for, viewer, enterprise_b, worker_b, name, method, scope
):
    """The viewer knows the enterprise exists (its page shows the roster's counts), so the
    roster's pages answer 403, not 404: personal data, not existence, is what is withheld."""
    response = getattr(client_for(viewer), method)(url_of(name, scope, enterprise_b, worker=worker_b))
    assert response.status_code == 403
    assert worker_b.full_name not in response.content.decode()


@pytest.mark.parametrize("name, method, scope", [p for p in ALL_PAGES if p[1] == "get"])
def test_the_official_opens_every_page(client_for, official, officer_b, enterprise_b, worker_b, name, method, scope):
    url = url_of(name, scope, enterprise_b, officer_b, worker_b)
    assert client_for(official).get(url).status_code == 200


@pytest.mark.parametrize(
    "name, method", [("worker_create", "get"), ("worker_import", "get"), ("enterprise_contacts_update", "get")]
)
def test_an_officer_changes_their_own_enterprises_roster_and_contacts(
    client_for, officer_a, enterprise_a, name, method
):
    url = reverse(page(name), args=[enterprise_a.pk])
    assert client_for(officer_a).get(url).status_code == 200


def test_an_officers_own_worker_page_opens(client_for, officer_a, worker_a, enterprise_a):
    url = reverse("indicators:worker_update", args=[enterprise_a.pk, worker_a.pk])
    assert client_for(officer_a).get(url).status_code == 200


@pytest.mark.parametrize(
    "name", ["enterprise_list", "enterprise_create", "enterprise_import", "enterprise_import_template"]
)
def test_commune_pages_refuse_officers_with_403(client_for, officer_a, name):
    assert client_for(officer_a).get(reverse(f"enterprises:{name}")).status_code == 403


@pytest.mark.parametrize(
    "name, status",
    [
        ("enterprise_list", 200),
        ("enterprise_create", 403),
        ("enterprise_import", 403),
        ("enterprise_import_template", 403),
    ],
)
def test_the_viewer_reads_the_list_but_adds_and_imports_nothing(client_for, viewer, name, status):
    assert client_for(viewer).get(reverse(f"enterprises:{name}")).status_code == status


def test_the_viewer_cannot_confirm_an_import(client_for, viewer):
    response = client_for(viewer).post(reverse("enterprises:enterprise_import_confirm"), {"token": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name, scope", [("enterprise_detail", "enterprise"), ("worker_list", "enterprise"), ("enterprise_list", None)]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client_for, enterprise_a, name, scope):
    url = reverse(page(name), args=[enterprise_a.pk] if scope else [])
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_officer_of_a_deactivated_enterprise_loses_access(client_for, officer_a, enterprise_a):
    enterprise_a.stop_following()
    enterprise_a.save()
    response = client_for(officer_a).get(reverse("enterprises:enterprise_detail", args=[enterprise_a.pk]))
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("name", ["enterprise_deactivate", "enterprise_reactivate"])
def test_state_changes_refuse_get(client_for, official, enterprise_a, name):
    response = client_for(official).get(reverse(f"enterprises:{name}", args=[enterprise_a.pk]))
    assert response.status_code == 405


def test_only_the_official_and_the_enterprises_own_officers_may_see_named_workers(cast, enterprise_a, enterprise_b):
    assert may_see_named_workers(cast["official"], enterprise_a.pk)
    assert may_see_named_workers(cast["officer_a"], enterprise_a.pk)
    assert not may_see_named_workers(cast["officer_a"], enterprise_b.pk)
    assert not may_see_named_workers(cast["viewer"], enterprise_a.pk)
    assert not may_see_named_workers(AnonymousUser(), enterprise_a.pk)
    # The province's roll-up roles see aggregates, never a name.
    province = UserFactory(username="tinh.viewer")
    province.groups.add(Group.objects.get(name=PROVINCE_VIEWER))
    assert not may_see_named_workers(province, enterprise_a.pk)
