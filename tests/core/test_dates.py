"""core.dates: every date a person types is a text box with the day/month/year hint, read
day first, its mistakes explained and kept in the box."""

import datetime
import re

import pytest
from django import forms
from django.urls import reverse

from core.dates import DayField


class AForm(forms.Form):
    day = DayField(label="Ngày", required=False)
    described = DayField(label="Ngày ký", required=False, help_text="Để trống nếu chưa ký.")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("21/04/2025", datetime.date(2025, 4, 21)),
        ("21-04-2025", datetime.date(2025, 4, 21)),
        ("21.04.2025", datetime.date(2025, 4, 21)),
        ("2025-04-21", datetime.date(2025, 4, 21)),
    ],
)
def test_a_date_is_read_day_first(typed, expected):
    assert DayField().clean(typed) == expected


def test_a_date_that_is_no_date_is_refused_with_the_hint_and_kept():
    form = AForm({"day": "31/02/2025"})
    assert form.errors["day"] == ["Nhập ngày hợp lệ (ngày/tháng/năm)."]
    assert 'value="31/02/2025"' in str(form["day"])


def test_the_box_shows_the_hint_as_placeholder_and_help_text():
    form = AForm(initial={"day": datetime.date(2025, 4, 21)})
    box = str(form["day"])
    assert 'type="text"' in box and 'placeholder="ngày/tháng/năm"' in box and 'value="21/04/2025"' in box
    assert 'aria-describedby="id_day_helptext"' in box
    assert str(form["day"].help_text) == "Ngày/tháng/năm, ví dụ 21/04/2025."
    assert str(form["described"].help_text) == "Để trống nếu chưa ký. Ngày/tháng/năm, ví dụ 21/04/2025."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, fields",
    [
        (lambda enterprise: reverse("enterprises:enterprise_create"), ["followed_from", "stopped_from"]),
        (lambda enterprise: reverse("plans:activity_create"), ["date"]),
        (lambda enterprise: reverse("reports:report_page", args=["2024"]), ["issued_on"]),
        (lambda enterprise: reverse("indicators:period_detail", args=["2026-H1"]), ["deadline"]),
    ],
)
def test_every_date_the_official_types_shows_the_hint(client_for, official, plan, enterprise_a, url, fields):
    page = client_for(official).get(url(enterprise_a)).content.decode()
    for name in fields:
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'type="text"' in box and 'placeholder="ngày/tháng/năm"' in box, box
        assert re.search(rf'id="id_{name}_helptext"[^>]*>[^<]*ví dụ 21/04/2025', page), name
