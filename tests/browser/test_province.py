"""The province's roll-up in a real browser (issue 17): the province viewer of the demo opens
/tinh/, sees every existing commune and none merged away, drills into one commune, and finds
no way to a named roster. Screenshots: province-desktop.png, province-commune-phone.png."""

import pytest
from django.core.management import call_command

from communes.current import every_commune
from communes.models import Commune
from enterprises.models import Enterprise

DEMO_PASSWORD = "HoangHop@2030"


@pytest.fixture
def demo(transactional_db):
    call_command("load_plan", verbosity=0)
    call_command("seed_demo", verbosity=0)


def test_the_province_viewer_reads_the_roll_up_drills_in_and_cannot_open_a_roster(demo, desktop, phone):
    page = desktop.login("tinh.theodoi", DEMO_PASSWORD)
    page = desktop.open("/tinh/")
    table = page.locator("table").first
    table.wait_for()
    text = page.inner_text("main")
    assert "Hoàng Hợp" in text and "Hợp Mẫu" in text
    # The two communes merged into Hợp Mẫu on 1/7/2025 are its history, not rows of their own.
    assert "Bắc Mẫu" not in text and "Nam Mẫu" not in text
    desktop.screenshot("province-desktop")
    assert not desktop.has_horizontal_scroll()

    page.locator("table a", has_text="Hợp Mẫu").first.click()
    page.wait_for_load_state()
    assert "/tinh/xa/99903/" in page.url
    detail = page.inner_text("main")
    assert "Hợp Mẫu" in detail
    with every_commune():
        names = list(Enterprise.objects.filter(commune__code="99903").values_list("name", flat=True))
        enterprise = Enterprise.objects.filter(commune__code="99903").first()
    assert names and not any(name in detail for name in names), "aggregates only, never an enterprise's name"

    assert desktop.console_errors == []
    response = page.goto(f"{desktop.base_url}/enterprises/{enterprise.pk}/workers/")
    assert response.status in (403, 404)
    assert "Mã CNLĐ" not in page.inner_text("body")

    phone.login("tinh.theodoi", DEMO_PASSWORD)
    page = phone.open("/tinh/xa/99903/")
    assert "Hợp Mẫu" in page.inner_text("main")
    phone.screenshot("province-commune-phone")
    assert not phone.has_horizontal_scroll()
    assert Commune.objects.get(code="99901").merged_into.code == "99903"
