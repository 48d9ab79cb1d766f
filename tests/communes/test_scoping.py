"""No query escapes its commune (issue 17): every commune-owned model's manager answers the
rows of the commune in scope, and a query made where no commune is in scope fails loudly
instead of reading every commune's rows.

The test bodies run with the guard off (tests/conftest.py); `scope()` turns it on again, as
the middleware does for each request made through the test client."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django_scopes import ScopeError, get_scope, scope, scopes_disabled

from communes.current import commune_scope, every_commune
from communes.scoping import CommuneOwned
from enterprises.models import Enterprise, Worker
from indicators.models import ReportingPeriod

from .. import factories

COMMUNE_OWNED = sorted(
    (model for model in apps.get_models() if issubclass(model, CommuneOwned)), key=lambda m: m._meta.label
)


def test_every_commune_owned_model_is_found():
    """The list the tests below walk is the models', not a copy that a new model could miss."""
    labels = {model._meta.label for model in COMMUNE_OWNED}
    assert {"enterprises.Enterprise", "plans.Plan", "indicators.ReportingPeriod", "reports.Narrative"} <= labels
    assert len(COMMUNE_OWNED) >= 20


@pytest.mark.parametrize("model", COMMUNE_OWNED, ids=lambda model: model._meta.label)
def test_a_query_outside_any_commune_raises(db, model):
    with scope():  # the guard on, as in a request or a command, and no commune named
        with pytest.raises(ScopeError):
            list(model.objects.all())
        with pytest.raises(ScopeError):
            model.objects.filter(pk=1).exists()
        with pytest.raises(ScopeError):
            model.objects.count()
        # What django-scopes alone lets through, each of which would read every commune.
        for read in (
            lambda: model.objects.exists(),
            lambda: model.objects.in_bulk([1]),
            lambda: model.objects.exclude(pk=1),
            lambda: model.objects.select_related(),
            lambda: model.objects.distinct(),
            lambda: model.objects.aggregate(),
        ):
            with pytest.raises(ScopeError):
                read()
        assert list(model.objects.none()) == []


def test_the_models_own_query_methods_raise_too_outside_any_commune(db):
    with scope(), pytest.raises(ScopeError):
        Enterprise.objects.active()


@pytest.fixture
def commune_b(db):
    return factories.CommuneFactory(name="Hoằng Lộc")


@pytest.fixture
def worker_b(commune_b):
    return factories.WorkerFactory(enterprise=factories.EnterpriseFactory(commune=commune_b, name="Công ty B"))


def test_commune_b_rows_are_invisible_in_commune_a_scope(commune, commune_b, worker_b, enterprise_a):
    worker_a = factories.WorkerFactory(enterprise=enterprise_a)
    enterprise_b = worker_b.enterprise
    assert worker_b.commune == commune_b  # copied from its enterprise

    with commune_scope(commune):
        assert list(Enterprise.objects.all()) == [enterprise_a]
        assert list(Worker.objects.all()) == [worker_a]
        assert not Enterprise.objects.filter(pk=enterprise_b.pk).exists()
        # A related manager derives from the scoped manager: B's workers through B's
        # enterprise are not in A's scope either.
        assert not enterprise_b.workers.exists()
        assert list(enterprise_a.workers.all()) == [worker_a]
    with commune_scope(commune_b):
        assert list(Enterprise.objects.all()) == [enterprise_b]
        assert list(Worker.objects.values_list("pk", flat=True)) == [worker_b.pk]


def test_no_commune_reads_no_row_rather_than_every_row(commune, enterprise_a):
    with commune_scope(None):
        assert not Enterprise.objects.exists()
    # None itself would have meant "no filter" to django-scopes.
    with scope(commune=None):
        assert Enterprise.objects.exists()


def test_every_commune_is_the_deliberate_way_across(commune, enterprise_a, worker_b):
    with commune_scope(commune), every_commune():
        assert Enterprise.objects.count() == 2


def test_a_scope_inside_a_test_body_turns_the_guard_on_again():
    with scopes_disabled():
        assert get_scope()["_enabled"] is False
        with scope(commune=[]):
            assert get_scope()["_enabled"] is True


def test_a_request_from_a_test_body_is_scoped_to_its_commune(client_for, official, commune, worker_b):
    """The test body may read commune B's rows; the page asked for within it may not."""
    enterprise_b = worker_b.enterprise
    assert Enterprise.objects.filter(pk=enterprise_b.pk).exists()
    client = client_for(official)
    assert client.get(reverse("enterprises:enterprise_detail", args=[enterprise_b.pk])).status_code == 404
    assert client.get(reverse("enterprises:enterprise_list")).status_code == 200


def test_a_new_root_row_belongs_to_the_commune_in_scope(commune_b):
    with commune_scope(commune_b):
        period = ReportingPeriod.objects.create(
            code="2031",
            kind="annual",
            year=2031,
            start=datetime.date(2031, 1, 1),
            end=datetime.date(2031, 12, 31),
            deadline=datetime.date(2032, 1, 15),
        )
    assert period.commune == commune_b


def test_the_personal_data_purge_walks_every_commune(commune, commune_b, worker_b, settings, capsys):
    settings.PORTAL_PERSONAL_DATA_RETENTION_DAYS = 30
    Worker.objects.filter(pk=worker_b.pk).update(is_active=False, left_on=datetime.date(2026, 1, 1))
    call_command("purge_personal_data", date="2026-03-01")
    worker_b.refresh_from_db()
    assert worker_b.full_name == "" and worker_b.anonymised_on == datetime.date(2026, 3, 1)
    assert "1 anonymised" in capsys.readouterr().out
