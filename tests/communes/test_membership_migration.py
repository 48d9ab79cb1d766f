"""The data migration giving every existing commune official and superior body's viewer the
commune the installation served (issue 17): an existing installation changes nothing.

The migration's functions run here on the migrations' own models (the project's state after
every migration), which no history signal follows, as in a real `migrate`."""

import datetime
import importlib

import pytest
from django.db.migrations.loader import MigrationLoader

from accounts.roles import OFFICER
from communes.models import Commune, Membership
from tests import factories

migration = importlib.import_module("communes.migrations.0004_memberships_of_officials_and_viewers")

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def apps():
    return MigrationLoader(None, ignore_no_migrations=True).project_state().apps


@pytest.fixture
def accounts(commune, enterprise_a):
    return {
        "official": factories.OfficialFactory(username="lan.official", communes=[]),
        "viewer": factories.ViewerFactory(username="tuan.viewer", communes=[]),
        "officer": factories.UnionOfficerFactory(enterprise=enterprise_a, user__role=OFFICER).user,
        "province_admin": factories.ProvinceAdminFactory(username="thu.province"),
        "nobody": factories.UserFactory(username="nobody"),
    }


def serving():
    return set(Membership.objects.values_list("user__username", "commune__slug"))


def test_every_official_and_viewer_serves_the_served_commune(apps, accounts, commune):
    migration.memberships_from_roles(apps, None)
    assert serving() == {("lan.official", "hoang-hop"), ("tuan.viewer", "hoang-hop")}
    record = Membership.history.get(user=accounts["official"])
    assert (record.history_type, record.history_change_reason) == ("+", "roles")


def test_run_again_it_adds_nothing(apps, accounts):
    migration.memberships_from_roles(apps, None)
    migration.memberships_from_roles(apps, None)
    assert Membership.objects.count() == 2


def test_a_served_commune_since_merged_gives_the_commune_it_was_merged_into(apps, accounts, commune):
    ward = factories.CommuneFactory(name="Hoằng Giang", slug="hoang-giang")
    Commune.objects.filter(pk=commune.pk).update(merged_into=ward, merged_on=datetime.date(2025, 7, 1))
    migration.memberships_from_roles(apps, None)
    assert serving() == {("lan.official", "hoang-giang"), ("tuan.viewer", "hoang-giang")}


def test_reversed_it_removes_them(apps, accounts):
    migration.memberships_from_roles(apps, None)
    migration.remove_memberships(apps, None)
    assert not Membership.objects.exists()
    assert not Membership.history.exists()
