"""Every table that holds a commune's rows carries the commune, and every unique constraint
starts with it (issue 17): what lets a query be scoped by one column and the schema be
sharded by commune (`manage.py citus_sql`, README "Past one machine")."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models

from communes.management.commands import citus_sql
from communes.scoping import CommuneOwned, NoCommune
from enterprises.models import Enterprise, UnionOfficer
from indicators.models import ReportValue, SentReminder
from tests import factories


def owned_models():
    return [model for model in apps.get_models() if issubclass(model, CommuneOwned)]


def test_every_row_under_a_commune_owned_row_is_commune_owned():
    """A model with a required relation to a commune-owned row holds that commune's data."""
    strays = []
    for model in apps.get_models():
        if issubclass(model, CommuneOwned) or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model and issubclass(field.related_model, CommuneOwned):
                strays.append(f"{model._meta.label}.{field.name}")
    assert strays == []


@pytest.mark.parametrize("model", owned_models(), ids=lambda model: model._meta.label)
def test_every_unique_constraint_starts_with_the_commune(model):
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            assert constraint.fields[0] == "commune", constraint.name
    single = [f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key and not f.one_to_one]
    assert single == [], "a unique column alone cannot be sharded by commune: make it a constraint with the commune"


def test_every_many_to_many_link_of_a_commune_owned_row_is_commune_owned():
    """Django's own link tables have no commune: each link is a model (plans.models)."""
    links = {
        field.remote_field.through._meta.db_table
        for model in owned_models()
        for field in model._meta.local_many_to_many
        if not issubclass(field.remote_field.through, CommuneOwned)
    }
    assert links == set()


def test_children_take_their_parents_commune(db):
    other = factories.CommuneFactory()
    enterprise = factories.EnterpriseFactory(commune=other)
    officer = factories.UnionOfficerFactory(enterprise=enterprise)
    assert officer.commune_id == other.pk
    period = factories.PeriodFactory(commune=other)
    report = factories.ReportFactory(enterprise=enterprise, period=period)
    assert report.commune_id == other.pk
    assert {value.commune_id for value in ReportValue.objects.filter(report=report)} <= {other.pk}


def test_bulk_created_children_take_their_parents_commune_in_one_query(db, django_assert_num_queries):
    other = factories.CommuneFactory()
    enterprises = [factories.EnterpriseFactory(commune=other) for _ in range(3)]
    users = [factories.UserFactory() for _ in range(3)]
    officers = [UnionOfficer(user=user, enterprise_id=e.pk) for user, e in zip(users, enterprises, strict=True)]
    with django_assert_num_queries(2):  # the parents' communes, then the insert
        UnionOfficer.objects.bulk_create(officers)
    assert {officer.commune_id for officer in UnionOfficer.objects.filter(user__in=users)} == {other.pk}


def test_a_root_takes_the_only_commune_and_refuses_to_guess_among_several(db, commune):
    assert Enterprise.objects.create(name="Một", tax_code="2810999991").commune_id == commune.pk
    factories.CommuneFactory()
    with pytest.raises(NoCommune):
        Enterprise.objects.create(name="Hai", tax_code="2810999992")


def test_a_digest_naming_no_period_belongs_to_the_commune_given(db, commune, official):
    reminder = SentReminder(kind="digest", recipient=official, email="a@example.com", sent_on="2026-01-05")
    reminder.save()
    assert reminder.commune_id == commune.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Citus is PostgreSQL")
def test_the_citus_sql_distributes_every_commune_owned_table(db, capsys):
    call_command("citus_sql")
    sql = capsys.readouterr().out
    for table in citus_sql.distributed_tables():
        assert f"create_distributed_table('{table}', 'commune_id'" in sql, table
    assert "create_reference_table('communes_commune')" in sql
    assert 'PRIMARY KEY ("commune_id", "id")' in sql
    assert (
        'FOREIGN KEY ("commune_id", "report_id") REFERENCES "indicators_enterprisereport" ("commune_id", "id")' in sql
    )
    assert ReportValue._meta.db_table in sql


def test_links_take_the_commune_of_the_row_they_start_from(db):
    other = factories.CommuneFactory()
    plan = factories.PlanFactory(commune=other)
    task = factories.TaskFactory(group=factories.TaskGroupFactory(plan=plan))
    task.coordinating_units.add(factories.UnitFactory(), factories.UnitFactory())
    assert set(task.coordinating_units.through.objects.filter(task=task).values_list("commune_id", flat=True)) == {
        other.pk
    }
    assert set(task.history.first().coordinating_units.values_list("commune_id", flat=True)) <= {other.pk}
