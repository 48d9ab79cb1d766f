"""Indicators are data: Chị Lan edits baselines, targets and milestones; nobody else can."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, Milestone, Target

pytestmark = pytest.mark.django_db


def detail(code="e"):
    return reverse("indicators:indicator_detail", args=[code])


def edit_data(indicator, **changes):
    data = {
        "name": indicator.name,
        "description": indicator.description,
        "baseline": "",
        "baseline_year": indicator.baseline_year,
        "version": indicator.version,
        "target_2025": "35",
        "target_2030": "60",
        **{f"milestone_{year}": "" for year in range(2024, 2031)},
    }
    data.update(changes)
    return data


class TestTheList:
    def test_it_lists_the_plans_indicators_with_targets_and_this_years_milestone(self, client_for, viewer, indicators):
        response = client_for(viewer).get(reverse("indicators:indicator_list"))
        page = response.content.decode()
        for indicator in indicators.values():
            assert indicator.name in page
        assert response.context["target_years"] == [2025, 2030]
        assert "90,0%" in page and "95,0%" in page

    def test_a_new_indicator_in_the_data_appears_without_code(self, client_for, official, plan):
        extra = Indicator.objects.create(plan=plan, code="f", order=6, name="Ngoại ngữ")
        Target.objects.create(indicator=extra, year=2025, value=Decimal("20"))
        assert "Ngoại ngữ" in client_for(official).get(reverse("indicators:indicator_list")).content.decode()


class TestEditing:
    def test_the_official_sets_baseline_target_and_a_milestone(self, client_for, official, indicators):
        e = indicators["e"]
        response = client_for(official).post(
            detail(), edit_data(e, baseline="12,5", target_2030="62", milestone_2027="45")
        )
        assert response.status_code == 302
        e.refresh_from_db()
        assert e.baseline == Decimal("12.5") and e.version == 2
        assert Target.objects.get(indicator=e, year=2030).value == Decimal("62")
        assert Milestone.objects.get(indicator=e, year=2027).value == Decimal("45")
        page = client_for(official).get(detail()).content.decode()
        assert "do xã đặt" in page
        assert "Mục tiêu năm 2030" in page and "62" in page  # the history

    def test_emptying_a_milestone_returns_that_year_to_interpolation(self, client_for, official, indicators):
        e = indicators["e"]
        Milestone.objects.create(indicator=e, year=2027, value=Decimal("45"))
        client_for(official).post(detail(), edit_data(e))
        assert not Milestone.objects.filter(indicator=e).exists()

    def test_an_empty_milestone_shows_the_interpolated_value_as_placeholder(self, client_for, official, indicators):
        page = client_for(official).get(detail()).content.decode()
        # e: 0 in 2023 → 35 in 2025, so 2024 is 17,5; 2025 → 2030 adds 5 a year.
        assert 'placeholder="17,50"' in page
        assert 'placeholder="40,00"' in page

    @pytest.mark.parametrize(
        "changes, field, message",
        [
            ({"target_2030": "30"}, "target_2030", "không thể thấp hơn"),
            ({"target_2025": "101"}, "target_2025", "không thể lớn hơn 100"),
            ({"milestone_2026": "-1"}, "milestone_2026", "không thể nhỏ hơn 0"),
            ({"milestone_2026": "4x"}, "milestone_2026", "Nhập tỷ lệ"),
            ({"target_2025": ""}, "target_2025", "không được để trống"),
            ({"baseline": "50"}, "baseline", "không thể cao hơn"),
            ({"name": "Kỹ năng nghề"}, "name", "không được trùng"),
        ],
    )
    def test_bad_values_are_refused_and_nothing_changes(
        self, client_for, official, indicators, changes, field, message
    ):
        e = indicators["e"]
        response = client_for(official).post(detail(), edit_data(e, **changes))
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors[field])
        e.refresh_from_db()
        assert e.version == 1 and e.name == "Công dân học tập"
        assert Target.objects.get(indicator=e, year=2025).value == Decimal("35")

    def test_the_later_of_two_edits_is_refused(self, client_for, official, indicators):
        e = indicators["e"]
        stale = edit_data(e, target_2030="70")
        assert client_for(official).post(detail(), edit_data(e, target_2030="65")).status_code == 302
        response = client_for(official).post(detail(), stale)
        assert "người khác đã thay đổi chỉ tiêu này" in response.content.decode()
        assert Target.objects.get(indicator=e, year=2030).value == Decimal("65")

    @pytest.mark.parametrize("role", ["viewer", "officer_a"])
    def test_others_read_but_cannot_change(self, client_for, cast, indicators, role):
        client = client_for(cast[role])
        page = client.get(detail()).content.decode()
        assert "Công dân học tập" in page and "data-indicator-form" not in page
        assert client.post(detail(), edit_data(indicators["e"], target_2030="99")).status_code == 405
        assert Target.objects.get(indicator=indicators["e"], year=2030).value == Decimal("60")

    def test_an_unknown_code_is_not_found(self, client_for, official, indicators):
        assert client_for(official).get(detail("z")).status_code == 404
