"""Six people (or six taps) creating the same thing at the same moment, on PostgreSQL with real
transactions: one is saved, the others get the form's usual error beside the field, and
nobody gets a server error. A double-clicked creation form creates once, and both clicks
land on what it created. PostgreSQL only: SQLite serialises writers, so nothing races there
(tests/test_double_submits.py covers the same outcomes one post after the other)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts.roles import ensure_role_groups
from core.submissions import FIELD
from enterprises.forms import EnterpriseForm, OfficerCreateForm
from enterprises.models import Enterprise, UnionOfficer, Worker
from indicators.forms import WorkerForm
from plans.models import Activity, Task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AT_ONCE = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so two creations cannot race")


def all_checked_before_any_saves(monkeypatch, form_class, parties=AT_ONCE):
    """Hold every post after its form was checked until all are: each one's checks then
    passed before any of them saved, which is the race (not a form error found at once)."""
    barrier = threading.Barrier(parties)
    original = form_class.full_clean

    def full_clean(form):
        original(form)
        barrier.wait(timeout=20)

    monkeypatch.setattr(form_class, "full_clean", full_clean)


def post_at_once(user, url, data, count=AT_ONCE):
    """`count` posts of `data` by `user`, sent together; their answers as (status, Location, form errors)."""
    clients = []
    for _ in range(count):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    start = threading.Barrier(count)
    answers = []

    def send(client):
        try:
            start.wait(timeout=20)
            response = client.post(url, data)
            form = (response.context or {}).get("form") if response.status_code == 200 else None
            answers.append((response.status_code, response.get("Location"), dict(form.errors) if form else None))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == count, "a post did not finish"
    return answers


def test_six_workers_added_at_once_with_one_employee_code_save_one(monkeypatch, officer_a, enterprise_a):
    all_checked_before_any_saves(monkeypatch, WorkerForm)
    answers = post_at_once(
        officer_a,
        reverse("indicators:worker_create", args=[enterprise_a.pk]),
        {
            "employee_code": "NV001",
            "full_name": "Nguyễn Văn An",
            "sex": "male",
            "birth_year": "1990",
        },
    )
    assert sorted(status for status, _, _ in answers) == [200] * 5 + [302]
    refused = [errors for status, _, errors in answers if status == 200]
    assert all("đã được dùng" in " ".join(errors["employee_code"]) for errors in refused)
    assert Worker.objects.filter(enterprise=enterprise_a, employee_code="NV001").count() == 1


def test_six_officers_created_at_once_with_one_username_save_one(monkeypatch, official, enterprise_a):
    ensure_role_groups()  # a transactional test before this one emptied the tables
    all_checked_before_any_saves(monkeypatch, OfficerCreateForm)
    answers = post_at_once(
        official,
        reverse("enterprises:officer_create", args=[enterprise_a.pk]),
        {
            "username": "congdoan.anphat",
            "full_name": "Lê Thị Bình",
            "email": "",
            "phone": "",
            "position": "",
            "delivery": "show",
        },
    )
    assert sorted(status for status, _, _ in answers) == [200] * 5 + [302]
    assert all(errors["username"] for status, _, errors in answers if status == 200)
    assert get_user_model().objects.filter(username="congdoan.anphat").count() == 1
    assert UnionOfficer.objects.filter(enterprise=enterprise_a).count() == 1


def test_six_enterprises_registered_at_once_with_one_tax_code_save_one(monkeypatch, official):
    all_checked_before_any_saves(monkeypatch, EnterpriseForm)
    answers = post_at_once(
        official,
        reverse("enterprises:enterprise_create"),
        {
            "name": "Công ty TNHH Chế biến gỗ Hoàng Hợp",
            "tax_code": "2800000099",
            "legal_form": "single_member_llc",
        },
    )
    assert sorted(status for status, _, _ in answers) == [200] * 5 + [302]
    assert all(errors["tax_code"] for status, _, errors in answers if status == 200)
    assert Enterprise.objects.filter(tax_code="2800000099").count() == 1


@pytest.mark.parametrize("clicks", [2, AT_ONCE])
def test_a_double_clicked_activity_is_created_once_and_every_click_lands_on_it(plan, official, clicks):
    answers = post_at_once(
        official,
        reverse("plans:activity_create"),
        {
            "task": Task.objects.first().pk,
            "date": "2025-10-03",
            "title": "Tuần lễ hưởng ứng học tập suốt đời",
            "workers_reached": "150",
            FIELD: "nhan-doi-mot-lan-0123456789",
        },
        count=clicks,
    )
    activity = Activity.objects.get()
    assert answers == [(302, activity.get_absolute_url(), None)] * clicks


def test_a_double_clicked_worker_is_added_once(officer_a, enterprise_a):
    answers = post_at_once(
        officer_a,
        reverse("indicators:worker_create", args=[enterprise_a.pk]),
        {
            "employee_code": "NV001",
            "full_name": "Nguyễn Văn An",
            "sex": "male",
            FIELD: "nhan-doi-mot-lan-0123456789",
        },
        count=2,
    )
    assert [status for status, _, _ in answers] == [302, 302]
    assert len({location for _, location, _ in answers}) == 1
    assert Worker.objects.filter(enterprise=enterprise_a).count() == 1
