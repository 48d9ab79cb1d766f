"""The worker roster: adding and editing workers with the indicators they met, in one
transaction; the roster list; leaving and coming back."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Sex, Worker
from indicators.models import WorkerOutcome
from indicators.services.rosters import worker_save
from tests.factories import WorkerFactory, WorkerOutcomeFactory

pytestmark = pytest.mark.django_db


def worker_data(indicators, **outcomes):
    """The worker form as a browser posts it; outcomes={"a": date} ticks indicator a."""
    data = {
        "employee_code": "AP0001",
        "full_name": "Lê Thị Mai",
        "sex": Sex.FEMALE,
        "birth_year": "1994",
        "job": "Công nhân may",
    }
    for code, date in outcomes.items():
        pk = indicators[code].pk
        data[f"met_{pk}"] = "on"
        data[f"date_{pk}"] = date
    return data


def test_an_officer_adds_a_worker_with_the_indicators_met(client_for, officer_a, enterprise_a, indicators):
    response = client_for(officer_a).post(
        reverse("indicators:worker_create", args=[enterprise_a.pk]),
        worker_data(indicators, a="2025-03-15", c="02/10/2025"),
    )
    assert response.status_code == 302
    worker = Worker.objects.get(enterprise=enterprise_a, employee_code="AP0001")
    outcomes = {o.indicator.code: o.achieved_on for o in worker.outcomes.select_related("indicator")}
    assert outcomes == {"a": datetime.date(2025, 3, 15), "c": datetime.date(2025, 10, 2)}
    assert worker.history.get().history_user == officer_a


def test_editing_a_worker_adds_moves_and_removes_outcomes(client_for, official, enterprise_a, indicators):
    worker = WorkerFactory(enterprise=enterprise_a, employee_code="AP0001")
    WorkerOutcomeFactory(worker=worker, indicator=indicators["a"], achieved_on=datetime.date(2024, 5, 1))
    WorkerOutcomeFactory(worker=worker, indicator=indicators["b"], achieved_on=datetime.date(2024, 6, 1))
    url = reverse("indicators:worker_update", args=[enterprise_a.pk, worker.pk])
    client = client_for(official)
    form = client.get(url).context["form"]
    assert form[f"met_{indicators['a'].pk}"].value() is True
    client.post(url, worker_data(indicators, a="2024-05-20", e="2025-01-10"))
    outcomes = {o.indicator.code: o.achieved_on for o in worker.outcomes.select_related("indicator")}
    assert outcomes == {"a": datetime.date(2024, 5, 20), "e": datetime.date(2025, 1, 10)}
    history = client.get(url).context["history"]
    described = {(c.label, c.old, c.new) for entry in history for c in entry.changes}
    assert ("Kỹ năng nghề", "01/06/2024", "—") in described
    assert ("Chính trị, pháp luật", "01/05/2024", "20/05/2024") in described


def test_a_ticked_indicator_needs_a_date_and_nothing_is_half_saved(client_for, officer_a, enterprise_a, indicators):
    data = worker_data(indicators, a="2025-03-15", b="")
    response = client_for(officer_a).post(reverse("indicators:worker_create", args=[enterprise_a.pk]), data)
    assert response.status_code == 200
    assert f"date_{indicators['b'].pk}" in response.context["form"].errors
    assert not Worker.objects.exists() and not WorkerOutcome.objects.exists()
    assert response.context["form"]["full_name"].value() == "Lê Thị Mai"


class TestADateImpliesTheTick:
    """Chị Hoa copies dates from an attendance list and does not tick the boxes."""

    def post(self, client, url, data, indicators, **dates):
        for code, date in dates.items():
            data[f"date_{indicators[code].pk}"] = date
        return client.post(url, data)

    def test_a_date_typed_without_its_tick_records_the_indicator_as_met(
        self, client_for, officer_a, enterprise_a, indicators
    ):
        url = reverse("indicators:worker_create", args=[enterprise_a.pk])
        response = self.post(
            client_for(officer_a), url, worker_data(indicators, a="2025-03-15"), indicators, c="02/10/2025"
        )
        assert response.status_code == 302
        worker = Worker.objects.get(enterprise=enterprise_a)
        outcomes = {o.indicator.code: o.achieved_on for o in worker.outcomes.select_related("indicator")}
        assert outcomes == {"a": datetime.date(2025, 3, 15), "c": datetime.date(2025, 10, 2)}

    def test_a_date_without_its_tick_is_still_checked(self, client_for, officer_a, enterprise_a, indicators):
        url = reverse("indicators:worker_create", args=[enterprise_a.pk])
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
        response = self.post(client_for(officer_a), url, worker_data(indicators), indicators, b=tomorrow)
        assert "tương lai" in " ".join(response.context["form"].errors[f"date_{indicators['b'].pk}"])
        assert response.context["form"][f"met_{indicators['b'].pk}"].value() is True  # shown ticked
        assert not Worker.objects.exists()

    def test_unticking_a_recorded_indicator_removes_it_although_its_date_stays_in_the_box(
        self, client_for, officer_a, enterprise_a, indicators
    ):
        worker = WorkerFactory(enterprise=enterprise_a, employee_code="AP0001")
        WorkerOutcomeFactory(worker=worker, indicator=indicators["b"], achieved_on=datetime.date(2024, 6, 1))
        url = reverse("indicators:worker_update", args=[enterprise_a.pk, worker.pk])
        # The browser sends the date the form showed, without the box.
        response = self.post(client_for(officer_a), url, worker_data(indicators), indicators, b="01/06/2024")
        assert response.status_code == 302
        assert not worker.outcomes.exists()

    def test_unticking_and_changing_the_date_at_once_asks_which_was_meant(
        self, client_for, officer_a, enterprise_a, indicators
    ):
        worker = WorkerFactory(enterprise=enterprise_a, employee_code="AP0001")
        WorkerOutcomeFactory(worker=worker, indicator=indicators["b"], achieved_on=datetime.date(2024, 6, 1))
        url = reverse("indicators:worker_update", args=[enterprise_a.pk, worker.pk])
        response = self.post(client_for(officer_a), url, worker_data(indicators), indicators, b="05/06/2024")
        assert response.status_code == 200
        message = " ".join(response.context["form"].errors[f"date_{indicators['b'].pk}"])
        assert "đánh dấu lại để giữ ngày mới, hoặc xóa ngày" in message
        assert worker.outcomes.get().achieved_on == datetime.date(2024, 6, 1)

    def test_each_date_box_shows_the_day_month_year_hint(self, client_for, officer_a, enterprise_a, indicators):
        page = client_for(officer_a).get(reverse("indicators:worker_create", args=[enterprise_a.pk])).content.decode()
        date_boxes = re.findall(r'<input[^>]*name="date_\d+"[^>]*>', page)
        assert len(date_boxes) == len(indicators)
        for box in date_boxes:
            assert 'type="text"' in box and 'placeholder="ngày/tháng/năm"' in box
            assert 'aria-describedby="outcome-hint"' in box
        assert re.search(r'id="outcome-hint">[^<]*ngày/tháng/năm, ví dụ 21/04/2025', page)


def test_a_future_date_is_refused(client_for, officer_a, enterprise_a, indicators):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for(officer_a).post(
        reverse("indicators:worker_create", args=[enterprise_a.pk]), worker_data(indicators, a=tomorrow)
    )
    assert "tương lai" in str(response.context["form"].errors)


@pytest.mark.parametrize("year", ["1939", "2016", "19x0"])
def test_a_birth_year_out_of_range_is_refused(client_for, officer_a, enterprise_a, indicators, year):
    response = client_for(officer_a).post(
        reverse("indicators:worker_create", args=[enterprise_a.pk]), {**worker_data(indicators), "birth_year": year}
    )
    assert "birth_year" in response.context["form"].errors
    assert not Worker.objects.exists()


def test_an_employee_code_is_unique_within_the_enterprise_only(
    client_for, official, enterprise_a, enterprise_b, indicators
):
    WorkerFactory(enterprise=enterprise_a, employee_code="AP0001")
    WorkerFactory(enterprise=enterprise_b, employee_code="AP0002")
    client = client_for(official)
    clash = client.post(reverse("indicators:worker_create", args=[enterprise_a.pk]), worker_data(indicators))
    assert "đã được dùng" in clash.context["form"].errors["employee_code"][0]
    client.post(
        reverse("indicators:worker_create", args=[enterprise_a.pk]),
        {**worker_data(indicators), "employee_code": "AP0002"},
    )
    assert Worker.objects.filter(employee_code="AP0002").count() == 2


def test_the_viewer_sees_the_rosters_counts_but_no_named_worker(client_for, viewer, enterprise_a, indicators):
    worker = WorkerFactory(enterprise=enterprise_a, full_name="Lê Thị Mai")
    WorkerOutcomeFactory(worker=worker, indicator=indicators["d"])
    client = client_for(viewer)
    page = client.get(enterprise_a.get_absolute_url())
    assert page.context["totals"].workers == 1
    assert page.context["totals"].met_count(indicators["d"].pk) == 1
    html = page.content.decode()
    assert "data-roster-summary" in html
    assert "Lê Thị Mai" not in html
    assert reverse("indicators:worker_list", args=[enterprise_a.pk]) not in html
    roster = client.get(reverse("indicators:worker_list", args=[enterprise_a.pk]))
    assert roster.status_code == 403
    assert "Lê Thị Mai" not in roster.content.decode()


def test_the_roster_shows_the_date_each_indicator_was_met(client_for, officer_a, enterprise_a, indicators):
    worker = WorkerFactory(enterprise=enterprise_a)
    WorkerOutcomeFactory(worker=worker, indicator=indicators["d"])
    response = client_for(officer_a).get(reverse("indicators:worker_list", args=[enterprise_a.pk]))
    assert worker.full_name in response.content.decode()
    assert response.context["rows"][0][1] == [None, None, None, datetime.date(2025, 3, 1), None]


def test_the_roster_searches_and_lists_who_has_not_met_an_indicator(client_for, officer_a, enterprise_a, indicators):
    mai = WorkerFactory(enterprise=enterprise_a, full_name="Lê Thị Mai", employee_code="AP0001")
    lan = WorkerFactory(enterprise=enterprise_a, full_name="Phạm Thị Lan", employee_code="AP0002")
    WorkerFactory(enterprise=enterprise_a, full_name="Người đã nghỉ", is_active=False)
    WorkerOutcomeFactory(worker=mai, indicator=indicators["b"])
    client = client_for(officer_a)
    url = reverse("indicators:worker_list", args=[enterprise_a.pk])

    def listed(**params):
        return [worker for worker, _dates in client.get(url, params).context["rows"]]

    assert listed() == [mai, lan]
    assert listed(q="Lan") == [lan]
    assert listed(q="AP0001") == [mai]
    assert listed(missing=indicators["b"].pk) == [lan]
    assert len(listed(status="all")) == 3


def test_the_roster_page_takes_a_fixed_number_of_queries(
    client_for, officer_a, enterprise_a, indicators, django_assert_max_num_queries
):
    for worker in WorkerFactory.create_batch(50, enterprise=enterprise_a):
        for code in "abc":
            WorkerOutcomeFactory(worker=worker, indicator=indicators[code])
    client = client_for(officer_a)
    url = reverse("indicators:worker_list", args=[enterprise_a.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(response.context["rows"]) == 50


def test_a_worker_who_left_stops_counting_and_can_come_back(client_for, officer_a, enterprise_a):
    worker = WorkerFactory(enterprise=enterprise_a)
    client = client_for(officer_a)
    client.post(reverse("indicators:worker_deactivate", args=[enterprise_a.pk, worker.pk]))
    worker.refresh_from_db()
    assert not worker.is_active
    assert worker.left_on == timezone.localdate()
    page = client.get(enterprise_a.get_absolute_url())
    assert page.context["totals"].workers == 0
    client.post(reverse("indicators:worker_reactivate", args=[enterprise_a.pk, worker.pk]))
    worker.refresh_from_db()
    assert worker.is_active
    assert worker.left_on is None


def test_the_page_of_a_worker_who_left_says_when_their_personal_data_will_be_removed(
    client_for, officer_a, enterprise_a, settings
):
    settings.PORTAL_PERSONAL_DATA_RETENTION_DAYS = 30
    worker = WorkerFactory(enterprise=enterprise_a, is_active=False, left_on=datetime.date(2026, 3, 1))
    response = client_for(officer_a).get(reverse("indicators:worker_update", args=[enterprise_a.pk, worker.pk]))
    assert response.context["removal_on"] == datetime.date(2026, 3, 31)
    assert "31/03/2026" in response.content.decode()


@pytest.fixture
def anonymised(enterprise_a, indicators):
    worker = WorkerFactory(
        enterprise=enterprise_a,
        employee_code="#1",
        full_name="",
        birth_year=None,
        job="",
        is_active=False,
        left_on=datetime.date(2025, 1, 2),
        anonymised_on=datetime.date(2026, 1, 2),
    )
    WorkerOutcomeFactory(worker=worker, indicator=indicators["b"], achieved_on=datetime.date(2024, 9, 9))
    return worker


def test_an_anonymised_worker_is_shown_without_a_form_and_cannot_be_edited_or_taken_back(
    client_for, officer_a, enterprise_a, anonymised, indicators
):
    client = client_for(officer_a)
    url = reverse("indicators:worker_update", args=[enterprise_a.pk, anonymised.pk])
    page = client.get(url)
    html = page.content.decode()
    assert "data-anonymised" in html and "data-worker-form" not in html
    assert "09/09/2024" in html  # the outcome it still counts for
    assert reverse("indicators:worker_reactivate", args=[enterprise_a.pk, anonymised.pk]) not in html
    edited = client.post(url, {"employee_code": "AP0009", "full_name": "Tên mới", "sex": Sex.FEMALE})
    taken_back = client.post(reverse("indicators:worker_reactivate", args=[enterprise_a.pk, anonymised.pk]))
    assert edited.status_code == taken_back.status_code == 302
    anonymised.refresh_from_db()
    assert (anonymised.full_name, anonymised.employee_code, anonymised.is_active) == ("", "#1", False)
    roster = client.get(reverse("indicators:worker_list", args=[enterprise_a.pk]), {"status": "all"})
    assert "Đã xóa thông tin cá nhân" in roster.content.decode()


def test_worker_save_is_all_or_nothing(enterprise_a, indicators):
    worker = WorkerFactory(enterprise=enterprise_a, full_name="Trước")
    worker.full_name = "Sau"
    with pytest.raises(ValidationError) as refused:
        worker_save(
            worker=worker, outcomes={indicators["a"].pk: datetime.date(2025, 1, 1), 987654: datetime.date(2025, 1, 1)}
        )
    assert [error.code for error in refused.value.error_dict["indicator"]] == ["invalid"]  # no indicator 987654
    worker.refresh_from_db()
    assert worker.full_name == "Trước"
    assert not WorkerOutcome.objects.exists()
