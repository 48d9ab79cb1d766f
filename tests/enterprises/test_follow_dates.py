"""The days the commune followed an enterprise from and stopped following it from: set by the
stop and resume buttons and in the form, checked with messages naming the field, and dated
for the enterprises already on record by a migration. Who counts in a period follows them
(tests/indicators/test_progress.py, TestWhoCountsInAPeriod)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise, HistoricalEnterprise, a_year_after
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def form_data(enterprise, **changes):
    data = {
        "name": enterprise.name,
        "tax_code": enterprise.tax_code,
        "legal_form": enterprise.legal_form,
        "has_union": "on",
        "union_name": enterprise.union_name,
        "followed_from": enterprise.followed_from.isoformat(),
        "stopped_from": enterprise.stopped_from.isoformat() if enterprise.stopped_from else "",
    }
    return {**data, **changes}


def edit(client, enterprise, **changes):
    return client.post(reverse("enterprises:enterprise_update", args=[enterprise.pk]), form_data(enterprise, **changes))


def test_a_new_enterprise_is_followed_from_the_day_it_is_added(client_for, official):
    response = client_for(official).get(reverse("enterprises:enterprise_create"))
    assert response.context["form"]["followed_from"].value() == TODAY
    assert Enterprise(name="X", tax_code="2809000001").followed_from == TODAY


def test_stopping_sets_the_day_and_resuming_clears_it(client_for, official, enterprise_a):
    client = client_for(official)
    response = client.post(reverse("enterprises:enterprise_deactivate", args=[enterprise_a.pk]), follow=True)
    enterprise_a.refresh_from_db()
    assert (enterprise_a.is_active, enterprise_a.stopped_from) == (False, TODAY)
    assert TODAY.strftime("%d/%m/%Y") in response.content.decode()
    assert "Ngừng theo dõi từ ngày" in response.content.decode()
    client.post(reverse("enterprises:enterprise_reactivate", args=[enterprise_a.pk]))
    enterprise_a.refresh_from_db()
    assert (enterprise_a.is_active, enterprise_a.stopped_from) == (True, None)
    assert [(r.is_active, r.stopped_from) for r in enterprise_a.history.order_by("history_date")] == [
        (True, None),
        (False, TODAY),
        (True, None),
    ]


def test_the_form_sets_both_dates_and_a_stop_date_means_no_longer_followed(client_for, official, enterprise_a):
    client = client_for(official)
    response = edit(client, enterprise_a, followed_from="2024-03-01", stopped_from="2025-07-01")
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert (enterprise_a.followed_from, enterprise_a.stopped_from, enterprise_a.is_active) == (
        datetime.date(2024, 3, 1),
        datetime.date(2025, 7, 1),
        False,
    )
    edit(client, enterprise_a, stopped_from="")
    enterprise_a.refresh_from_db()
    assert (enterprise_a.stopped_from, enterprise_a.is_active) == (None, True)


@pytest.mark.parametrize(
    "changes, field, fragments",
    [
        (
            {"followed_from": "2025-08-01", "stopped_from": "2025-07-01"},
            "followed_from",
            ["Theo dõi từ ngày (01/08/2025)", "ngừng theo dõi", "01/07/2025"],
        ),
        (
            {"followed_from": (a_year_after(TODAY) + datetime.timedelta(days=1)).isoformat()},
            "followed_from",
            ["Theo dõi từ ngày", "quá một năm", a_year_after(TODAY).strftime("%d/%m/%Y")],
        ),
        (
            {"stopped_from": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "stopped_from",
            ["Ngừng theo dõi từ ngày", "sau hôm nay"],
        ),
        ({"followed_from": "31/02/2025"}, "followed_from", ["ngày"]),
    ],
)
def test_bad_dates_are_refused_naming_the_field_with_the_values_kept(
    client_for, official, enterprise_a, changes, field, fragments
):
    before = Enterprise.objects.values().get(pk=enterprise_a.pk)
    response = edit(client_for(official), enterprise_a, name="Tên mới", **changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert all(fragment in errors[field][0] for fragment in fragments), errors[field][0]
    assert response.context["form"]["name"].value() == "Tên mới"
    assert response.context["form"][field].value() == changes[field]
    assert Enterprise.objects.values().get(pk=enterprise_a.pk) == before  # nothing saved


def test_a_follow_date_left_empty_is_the_day_of_adding_or_unchanged(client_for, official, enterprise_a):
    client = client_for(official)
    assert edit(client, enterprise_a, followed_from="").status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.followed_from == datetime.date(2023, 1, 1)
    data = {**form_data(enterprise_a, name="Công ty Mới", tax_code="2809000001", followed_from="")}
    assert client.post(reverse("enterprises:enterprise_create"), data).status_code == 302
    assert Enterprise.objects.get(tax_code="2809000001").followed_from == TODAY


def test_a_year_ahead_is_allowed(client_for, official, enterprise_a):
    assert edit(client_for(official), enterprise_a, followed_from=a_year_after(TODAY).isoformat()).status_code == 302


def test_a_year_after_29_february_is_28_february():
    assert a_year_after(datetime.date(2028, 2, 29)) == datetime.date(2029, 2, 28)


def test_the_enterprise_page_shows_the_dates(client_for, official):
    enterprise = EnterpriseFactory(
        followed_from=datetime.date(2023, 5, 2), stopped_from=datetime.date(2025, 1, 1), is_active=False
    )
    page = client_for(official).get(enterprise.get_absolute_url()).content.decode()
    assert "02/05/2023" in page and "01/01/2025" in page and "Ngừng theo dõi" in page


def test_the_migration_dates_existing_enterprises_from_their_creation_and_history(db):
    added = timezone.make_aware(datetime.datetime(2024, 3, 5, 9, 0))

    def created(**kwargs):
        enterprise = EnterpriseFactory(**kwargs)
        Enterprise.objects.filter(pk=enterprise.pk).update(created_at=added)
        HistoricalEnterprise.objects.filter(id=enterprise.pk).update(history_date=added)
        enterprise.refresh_from_db()
        return enterprise

    def record(enterprise, active, when):
        enterprise.stop_following() if not active else enterprise.resume_following()
        enterprise.save()
        latest = enterprise.history.latest()
        HistoricalEnterprise.objects.filter(pk=latest.pk).update(history_date=timezone.make_aware(when))

    followed_now = created()
    stopped = created()
    record(stopped, False, datetime.datetime(2025, 3, 10, 8, 0))
    stopped_twice = created()
    record(stopped_twice, False, datetime.datetime(2024, 6, 1, 8, 0))
    record(stopped_twice, True, datetime.datetime(2024, 9, 1, 8, 0))
    record(stopped_twice, False, datetime.datetime(2026, 2, 3, 8, 0))
    no_record = created(is_active=False)
    HistoricalEnterprise.objects.filter(id=no_record.pk).delete()

    migration = importlib.import_module("enterprises.migrations.0009_follow_dates_of_existing_enterprises")
    migration.date_follows(apps, None)
    dates = {e.pk: (e.followed_from, e.stopped_from) for e in Enterprise.objects.all()}
    day = datetime.date(2024, 3, 5)
    assert dates == {
        followed_now.pk: (day, None),
        stopped.pk: (day, datetime.date(2025, 3, 10)),
        stopped_twice.pk: (day, datetime.date(2026, 2, 3)),
        no_record.pk: (day, TODAY),
    }
