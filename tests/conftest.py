"""The cast (STYLE.md): Chị Lan the commune official, Anh Minh the union officer of
enterprise A, Chị Hoa the officer of enterprise B, Anh Tuấn the district viewer; and, outside
the commune, Chị Thu the province administrator, who keeps the list of communes.

`cast` holds the commune's four, whose pages the apps' tests walk; the province
administrator is a fixture of her own (`province_admin`), in the access matrix with every role."""

import importlib

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django_scopes import scopes_disabled

from accounts.roles import OFFICER

from . import factories


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTAL_CACHE_DIR = tmp_path / "cache"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "vi"
    # Each test counts its own queries from a cold figures cache.
    caches["figures"].clear()


@pytest.fixture(autouse=True)
def _every_commune_in_test_bodies():
    """Factories, fixtures and assertions read and write any commune's rows (scopes disabled);
    a request made with the test client is scoped all the same: the middleware's scope()
    re-enables the guard inside it (django_scopes.state, tests/communes/test_scoping.py)."""
    with scopes_disabled():
        yield


@pytest.fixture
def plan(db):
    """The real plan of Hoàng Hợp: 17 tasks, 5 indicators, periods 2024–2030."""
    call_command("load_plan", verbosity=0)
    from plans.models import Plan

    return Plan.objects.get(code="KH-UBND-2023-HTSD")


@pytest.fixture
def indicators(plan):
    return {indicator.code: indicator for indicator in plan.indicators.all()}


def _skip_enterprise_ids(count: int = 5) -> None:
    """Use up a few enterprise ids (rows created and deleted), so that the cast's enterprises
    have ids no officer or user of the cast has: code answering an officer's or a user's id
    where the enterprise's is meant then fails a test instead of passing by coincidence."""
    from enterprises.models import Enterprise

    ids = [
        e.pk
        for e in Enterprise.objects.bulk_create(
            Enterprise(name="—", tax_code=f"skipped-{n}", commune=served_commune()) for n in range(count)
        )
    ]
    Enterprise.objects.filter(pk__in=ids).delete()
    Enterprise.history.filter(id__in=ids).delete()


@pytest.fixture
def enterprise_a(db):
    _skip_enterprise_ids()
    return factories.EnterpriseFactory(name="Công ty TNHH May mặc An Phát", tax_code="2800000001")


@pytest.fixture
def enterprise_b(db):
    _skip_enterprise_ids()
    return factories.EnterpriseFactory(name="Công ty CP Giày da Bình Minh", tax_code="2800000002")


@pytest.fixture
def official(db):
    return factories.OfficialFactory(username="lan.official", first_name="Lan", last_name="Nguyễn Thị")


@pytest.fixture
def viewer(db):
    return factories.ViewerFactory(username="tuan.viewer", first_name="Tuấn", last_name="Lê Văn")


@pytest.fixture
def officer_a(enterprise_a):
    return factories.UnionOfficerFactory(
        enterprise=enterprise_a,
        user__username="minh.officer",
        user__first_name="Minh",
        user__last_name="Trần Văn",
        user__role=OFFICER,
    ).user


@pytest.fixture
def officer_b(enterprise_b):
    return factories.UnionOfficerFactory(
        enterprise=enterprise_b,
        user__username="hoa.officer",
        user__first_name="Hoa",
        user__last_name="Phạm Thị",
        user__role=OFFICER,
    ).user


@pytest.fixture
def province_admin(db):
    return factories.ProvinceAdminFactory(username="thu.province", first_name="Thu", last_name="Hoàng Thị")


def served_commune():
    """The commune the portal serves: the row the communes app's first data migration made
    from the settings (Hoàng Hợp with the demo's), made again the same way if a transactional
    test emptied the table."""
    from communes.models import Commune

    if not Commune.objects.exists():
        migration = importlib.import_module("communes.migrations.0002_commune_from_settings")
        migration.commune_from_settings(apps, None)
    # The province's targets, which a data migration made too (Decision 1268's).
    targets = importlib.import_module("province.migrations.0002_decision_1268_targets")
    if not apps.get_model("province", "ProvinceIndicator").objects.exists():
        targets.national_targets(apps, None)
    return Commune.objects.served()


@pytest.fixture(autouse=True)
def _served_commune_after_flush(request):
    """A transactional test starts from tables its predecessor flushed: the served commune,
    which every enterprise, plan and period created without one belongs to, is made again."""
    marker = request.node.get_closest_marker("django_db")
    if (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
        served_commune()


@pytest.fixture
def commune(db):
    return served_commune()


@pytest.fixture
def cast(official, officer_a, officer_b, viewer):
    return {"official": official, "officer_a": officer_a, "officer_b": officer_b, "viewer": viewer}


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client logged in as that user (None: anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
