"""Creation forms sent twice (a double click, "send again" after a slow answer) create one
object: the form carries a one-time token (core.submissions), and the same form sent again
is sent where the first one led. A value another save took a moment earlier (an employee
code, a username, a tax code) is the form's usual error beside the field, never a 500.

These run on SQLite too; tests/test_concurrent_creation.py sends the same posts at once on
PostgreSQL."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from core.models import FormSubmission
from core.submissions import FIELD, KEEP
from enterprises import views as enterprise_views
from enterprises.models import Enterprise, UnionOfficer, Worker
from indicators import roster_views
from plans.models import Activity, Task
from tests import factories

pytestmark = pytest.mark.django_db


def token_of(response) -> str:
    return re.search(rf'name="{FIELD}" value="([^"]+)"', response.content.decode()).group(1)


def activity_data(**changes):
    data = {
        "task": Task.objects.first().pk,
        "date": "2025-10-03",
        "title": "Tuần lễ hưởng ứng học tập suốt đời",
        "workers_reached": "150",
    }
    data.update(changes)
    return data


def worker_data(**changes):
    data = {"employee_code": "NV001", "full_name": "Nguyễn Văn An", "sex": "male", "birth_year": "1990"}
    data.update(changes)
    return data


def officer_data(**changes):
    data = {
        "username": "congdoan.anphat",
        "full_name": "Lê Thị Bình",
        "email": "",
        "phone": "",
        "position": "",
        "delivery": "show",
    }
    data.update(changes)
    return data


def enterprise_data(**changes):
    data = {"name": "Công ty TNHH Chế biến gỗ Hoàng Hợp", "tax_code": "2800000099", "legal_form": "single_member_llc"}
    data.update(changes)
    return data


@pytest.fixture
def creation(request, plan, official, officer_a, enterprise_a):
    """(user, address of the form, data, a mistake in it, the objects it creates) for each creation form."""
    kind = request.param
    if kind == "activity":
        return official, reverse("plans:activity_create"), activity_data(), {"title": ""}, Activity.objects
    if kind == "worker":
        return (
            officer_a,
            reverse("indicators:worker_create", args=[enterprise_a.pk]),
            worker_data(),
            {"full_name": ""},
            Worker.objects,
        )
    if kind == "officer":
        return (
            official,
            reverse("enterprises:officer_create", args=[enterprise_a.pk]),
            officer_data(),
            {"username": "có dấu cách"},
            UnionOfficer.objects.exclude(user=officer_a),
        )
    return (
        official,
        reverse("enterprises:enterprise_create"),
        enterprise_data(),
        {"tax_code": "12"},
        Enterprise.objects.exclude(pk=enterprise_a.pk),
    )


CREATIONS = ["activity", "worker", "officer", "enterprise"]


@pytest.mark.parametrize("creation", CREATIONS, indirect=True)
class TestTheSameFormSentTwice:
    def test_it_creates_once_and_both_answers_lead_to_what_was_created(self, client_for, creation):
        user, url, data, _mistake, created = creation
        client = client_for(user)
        data[FIELD] = token_of(client.get(url))
        first = client.post(url, data)
        second = client.post(url, data)
        assert first.status_code == 302
        assert created.count() == 1
        assert second.status_code == 302 and second["Location"] == first["Location"]

    def test_a_form_with_mistakes_keeps_its_token_for_the_corrected_post(self, client_for, creation):
        user, url, data, mistake, created = creation
        client = client_for(user)
        token = token_of(client.get(url))
        wrong = client.post(url, {**data, **mistake, FIELD: token})
        assert wrong.status_code == 200 and not created.exists()
        assert token_of(wrong) == token
        right = client.post(url, {**data, FIELD: token})
        again = client.post(url, {**data, FIELD: token})
        assert right.status_code == 302 and again["Location"] == right["Location"]
        assert created.count() == 1

    def test_a_new_form_creates_another(self, client_for, creation):
        user, url, data, _mistake, created = creation
        client = client_for(user)
        client.post(url, {**data, FIELD: token_of(client.get(url))})
        second = {**data, "employee_code": "NV002", "username": "congdoan.hai", "tax_code": "2800000098"}
        response = client.post(url, {**second, FIELD: token_of(client.get(url))})
        assert response.status_code == 302
        assert created.count() == 2


def test_a_post_without_a_token_is_served_as_before(client_for, official, plan):
    client = client_for(official)
    client.post(reverse("plans:activity_create"), activity_data())
    client.post(reverse("plans:activity_create"), activity_data())
    assert Activity.objects.count() == 2
    assert not FormSubmission.objects.exists()


def test_a_token_is_one_persons(client_for, official, officer_a, plan):
    """Another account sending the same token creates its own activity, and learns nothing
    of the first one's."""
    data = activity_data(**{FIELD: "t" * 24})
    first = client_for(official).post(reverse("plans:activity_create"), data)
    second = client_for(officer_a).post(reverse("plans:activity_create"), data)
    assert Activity.objects.count() == 2
    assert second["Location"] != first["Location"]


def test_tokens_are_forgotten_after_a_day(client_for, official, plan):
    old = FormSubmission.objects.create(
        user=official,
        token="o" * 24,
        url="/plan/activities/1/",
        at=timezone.now() - KEEP - datetime.timedelta(minutes=1),
    )
    recent = FormSubmission.objects.create(user=official, token="r" * 24, url="/plan/activities/2/")
    client_for(official).post(reverse("plans:activity_create"), activity_data(**{FIELD: "n" * 24}))
    assert not FormSubmission.objects.filter(pk=old.pk).exists()
    assert FormSubmission.objects.filter(pk=recent.pk).exists()


class TestAValueTakenAMomentEarlier:
    """Another save took the unique value after this form was checked and before it saved:
    the form says so beside the field, the typed values kept, nothing else saved."""

    def racing(self, monkeypatch, views, competitor):
        """Make the views' save find `competitor()` saved (and committed) just before it."""
        real = views.save_unique

        def save_unique(*args, **kwargs):
            competitor()
            return real(*args, **kwargs)

        monkeypatch.setattr(views, "save_unique", save_unique)

    def test_the_same_employee_code(self, monkeypatch, client_for, officer_a, enterprise_a, plan):
        # The model's own check in full_clean() meets the competitor.
        self.racing(
            monkeypatch,
            roster_views,
            lambda: factories.WorkerFactory(enterprise=enterprise_a, employee_code="NV001", full_name="Trần Văn Bình"),
        )
        response = client_for(officer_a).post(
            reverse("indicators:worker_create", args=[enterprise_a.pk]), worker_data()
        )
        assert response.status_code == 200
        assert "đã được dùng" in " ".join(response.context["form"].errors["employee_code"])
        assert response.context["form"]["full_name"].value() == "Nguyễn Văn An"
        assert list(Worker.objects.values_list("full_name", flat=True)) == ["Trần Văn Bình"]

    def test_the_same_username(self, monkeypatch, client_for, official, enterprise_a):
        self.racing(monkeypatch, enterprise_views, lambda: factories.UserFactory(username="congdoan.anphat"))
        response = client_for(official).post(
            reverse("enterprises:officer_create", args=[enterprise_a.pk]), officer_data()
        )
        assert response.status_code == 200
        assert response.context["form"].errors["username"]
        assert response.context["form"]["full_name"].value() == "Lê Thị Bình"
        assert not UnionOfficer.objects.exists()
        assert get_user_model().objects.filter(username="congdoan.anphat").count() == 1

    def test_the_same_tax_code(self, monkeypatch, client_for, official):
        # No check between the form and the database here: the unique index says it.
        self.racing(
            monkeypatch,
            enterprise_views,
            lambda: factories.EnterpriseFactory(tax_code="2800000099", name="Công ty CP Đá ốp lát"),
        )
        response = client_for(official).post(reverse("enterprises:enterprise_create"), enterprise_data())
        assert response.status_code == 200
        assert "Công ty CP Đá ốp lát" in " ".join(response.context["form"].errors["tax_code"])
        assert response.context["form"]["name"].value() == "Công ty TNHH Chế biến gỗ Hoàng Hợp"
        assert Enterprise.objects.get().name == "Công ty CP Đá ốp lát"

    def test_an_edit_to_a_tax_code_taken_meanwhile(self, monkeypatch, client_for, official, enterprise_a):
        self.racing(
            monkeypatch,
            enterprise_views,
            lambda: factories.EnterpriseFactory(tax_code="2800000099", name="Công ty CP Đá ốp lát"),
        )
        response = client_for(official).post(
            reverse("enterprises:enterprise_update", args=[enterprise_a.pk]), enterprise_data(name=enterprise_a.name)
        )
        assert response.status_code == 200
        assert "Công ty CP Đá ốp lát" in " ".join(response.context["form"].errors["tax_code"])
        assert Enterprise.objects.get(pk=enterprise_a.pk).tax_code == "2800000001"
