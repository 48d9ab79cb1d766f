import pytest
from django.utils import translation

from accounts.roles import OFFICER, OFFICIAL, ROLE_LABELS, VIEWER
from tests.factories import PASSWORD


@pytest.mark.parametrize("who, role", [("official", OFFICIAL), ("officer_a", OFFICER), ("viewer", VIEWER)])
def test_each_role_logs_in_through_the_real_page_and_sees_its_navigation(desktop, cast, who, role):
    page = desktop.login(cast[who].username, PASSWORD)
    assert page.url.endswith("/")
    page.click("[data-nav=account]")
    assert page.get_attribute("[data-role]", "data-role") == role
    with translation.override("vi"):
        assert str(ROLE_LABELS[role]) in page.inner_text("nav")
    expected_home = "Doanh nghiệp của tôi" if who == "officer_a" else "Tổng quan"
    assert page.inner_text("[data-nav=home]") == expected_home
    assert not desktop.console_errors


def test_a_wrong_password_shows_the_vietnamese_error(desktop, official):
    page = desktop.login(official.username, "không-đúng")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page.inner_text("main")
    assert page.input_value("input[name=username]") == official.username


def test_the_login_and_home_pages_fit_a_phone_without_horizontal_scrolling(phone, official):
    phone.open("/accounts/login/")
    phone.screenshot("login-phone")
    assert not phone.has_horizontal_scroll()
    page = phone.login(official.username, PASSWORD)
    page.click(".navbar-toggler")
    page.wait_for_selector("#main-nav.show")
    phone.screenshot("home-phone-menu")
    assert not phone.has_horizontal_scroll()
