"""The record of who read a named roster: every roster page writes who, when, which
enterprise and what; refused requests write nothing; the official reads the record,
newest first, by enterprise and by user, a page at a time."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from indicators.models import RosterAccess, RosterAccessKind
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def roster_file():
    book = Workbook()
    for row in (["Mã nhân viên", "Họ và tên", "Giới tính"], ["AP0002", "Trần Văn Nam", "Nam"]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "cong-nhan.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def mai(enterprise_a):
    return WorkerFactory(enterprise=enterprise_a, employee_code="AP0001", full_name="Lê Thị Mai")


def test_every_roster_page_records_who_read_which_enterprise_and_what(client_for, officer_a, enterprise_a, mai):
    client = client_for(officer_a)
    roster = reverse("indicators:worker_list", args=[enterprise_a.pk])
    assert client.get(roster).status_code == 200
    assert client.get(roster, {"q": "Mai"}).status_code == 200
    assert client.get(reverse("indicators:worker_update", args=[enterprise_a.pk, mai.pk])).status_code == 200
    assert client.get(reverse("indicators:worker_import_template", args=[enterprise_a.pk])).status_code == 200
    preview = client.post(reverse("indicators:worker_import", args=[enterprise_a.pk]), {"file": roster_file()})
    assert preview.context["token"]
    records = list(RosterAccess.objects.order_by("pk"))
    assert [(r.kind, r.worker) for r in records] == [
        (RosterAccessKind.LIST, None),
        (RosterAccessKind.SEARCH, None),
        (RosterAccessKind.WORKER, mai),
        (RosterAccessKind.TEMPLATE, None),
        (RosterAccessKind.IMPORT_PREVIEW, None),
    ]
    assert {(r.user, r.enterprise) for r in records} == {(officer_a, enterprise_a)}
    assert all(timezone.now() - r.at < datetime.timedelta(minutes=1) for r in records)


def test_what_was_searched_for_is_not_recorded(client_for, official, enterprise_a, mai):
    client_for(official).get(reverse("indicators:worker_list", args=[enterprise_a.pk]), {"q": "Lê Thị Mai"})
    assert "Mai" not in str(list(RosterAccess.objects.values()))


def test_filtering_the_roster_without_a_search_is_an_ordinary_reading(client_for, official, enterprise_a, mai):
    client_for(official).get(reverse("indicators:worker_list", args=[enterprise_a.pk]), {"q": "  ", "status": "all"})
    assert RosterAccess.objects.get().kind == RosterAccessKind.LIST


def test_refused_readers_and_saves_leave_no_record(client_for, viewer, officer_b, officer_a, enterprise_a, mai):
    roster = reverse("indicators:worker_list", args=[enterprise_a.pk])
    assert client_for(viewer).get(roster).status_code == 403
    assert client_for(officer_b).get(roster).status_code == 404
    client_for(officer_a).post(reverse("indicators:worker_deactivate", args=[enterprise_a.pk, mai.pk]))
    assert not RosterAccess.objects.exists()


@pytest.fixture
def record(official, officer_a, officer_b, enterprise_a, enterprise_b, mai):
    """Three readings: Minh opened A's roster, then Mai's page; Hoa opened B's roster."""
    now = timezone.now()
    return [
        RosterAccess.objects.create(
            user=officer_a, enterprise=enterprise_a, kind=RosterAccessKind.LIST, at=now - datetime.timedelta(hours=3)
        ),
        RosterAccess.objects.create(
            user=officer_b, enterprise=enterprise_b, kind=RosterAccessKind.LIST, at=now - datetime.timedelta(hours=2)
        ),
        RosterAccess.objects.create(
            user=officer_a,
            enterprise=enterprise_a,
            kind=RosterAccessKind.WORKER,
            worker=mai,
            at=now - datetime.timedelta(hours=1),
        ),
    ]


def test_the_official_reads_the_record_newest_first(client_for, official, record, mai):
    response = client_for(official).get(reverse("indicators:roster_access_list"))
    assert list(response.context["page"]) == record[::-1]
    html = response.content.decode()
    assert "Trần Văn Minh" in html and "minh.officer" in html
    assert "Xem thông tin một CNLĐ" in html
    assert reverse("indicators:worker_update", args=[mai.enterprise_id, mai.pk]) in html


def test_the_record_filters_by_enterprise_and_by_user(client_for, official, record, enterprise_b, officer_a):
    client = client_for(official)
    url = reverse("indicators:roster_access_list")
    assert list(client.get(url, {"enterprise": enterprise_b.pk}).context["page"]) == [record[1]]
    assert list(client.get(url, {"user": officer_a.pk}).context["page"]) == [record[2], record[0]]
    filters = client.get(url).context["filter"].form
    assert {label for _pk, label in filters.fields["user"].choices} >= {"Trần Văn Minh (minh.officer)"}


def test_the_record_is_read_a_page_at_a_time_in_a_fixed_number_of_queries(
    client_for, official, officer_a, enterprise_a, mai, django_assert_max_num_queries
):
    RosterAccess.objects.bulk_create(
        RosterAccess(user=officer_a, enterprise=enterprise_a, kind=RosterAccessKind.WORKER, worker=mai)
        for _ in range(120)
    )
    client = client_for(official)
    url = reverse("indicators:roster_access_list")
    client.get(url)
    with django_assert_max_num_queries(10):
        first = client.get(url)
    assert len(first.context["page"]) == 50
    assert len(client.get(url, {"page": 3}).context["page"]) == 20


def test_the_enterprise_page_leads_the_official_alone_to_its_roster_record(client_for, cast, enterprise_a):
    link = f"{reverse('indicators:roster_access_list')}?enterprise={enterprise_a.pk}"
    assert link in client_for(cast["official"]).get(enterprise_a.get_absolute_url()).content.decode()
    for role in ("officer_a", "viewer"):
        assert link not in client_for(cast[role]).get(enterprise_a.get_absolute_url()).content.decode(), role
