import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import OFFICER, OFFICIAL, VIEWER
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_roles_exist_as_groups_that_carry_no_django_permissions():
    # Access is decided by accounts.access alone; permissions nobody reads would only mislead.
    groups = Group.objects.filter(name__in=(OFFICIAL, OFFICER, VIEWER))
    assert groups.count() == 3
    assert not Group.permissions.through.objects.filter(group__in=groups).exists()


def test_the_login_page_speaks_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert 'name="username"' in response.content.decode()


def test_pages_send_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_wrong_password_shows_a_vietnamese_error(client, official):
    response = client.post(reverse("login"), {"username": official.username, "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_an_official_logs_in_and_lands_on_the_overview(client, official):
    response = client.post(reverse("login"), {"username": official.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Tài khoản: Lan" in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_clear_message(client, official, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):
        client.post(reverse("login"), {"username": official.username, "password": "sai"})
    response = client.post(reverse("login"), {"username": official.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()


def test_a_password_change_logs_out_other_sessions(client, official):
    from django.test import Client

    other_device = Client()
    other_device.force_login(official)
    client.force_login(official)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Mới-mật-khẩu-2031", "new_password2": "Mới-mật-khẩu-2031"},
    )
    assert response.status_code == 302
    assert other_device.get(reverse("home")).status_code == 302  # back to login


def test_password_reset_sends_a_vietnamese_email(client, official, mailoutbox):
    client.post(reverse("password_reset"), {"email": official.email})
    assert len(mailoutbox) == 1
    assert "Đặt mật khẩu" in mailoutbox[0].subject
    assert "/accounts/reset/" in mailoutbox[0].body


def test_english_is_available(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen(client):
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    assert "Đăng nhập" in client.get(reverse("login"), **english_browser).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log in" in client.get(reverse("login"), **english_browser).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_role_groups_come_back_after_a_flush():
    # Browser tests and a restore flush every table; officers must still be creatable after.
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) >= {OFFICIAL, OFFICER, VIEWER}


@pytest.mark.parametrize("name", ["password_reset", "password_reset_done"])
def test_the_password_reset_pages_lead_back_to_the_login_page(client, name):
    content = client.get(reverse(name)).content.decode()
    assert f'href="{reverse("login")}" data-role="back-to-login"' in content
    assert "Quay lại trang đăng nhập" in content


def test_the_login_page_has_no_link_back_to_itself(client):
    assert 'data-role="back-to-login"' not in client.get(reverse("login")).content.decode()


class TestPasswordRulesInThePortalsWords:
    """Django's own catalogue says "Mật khẩu của bạn…"; the portal never says "bạn"."""

    def change(self, client, official, new):
        client.force_login(official)
        return client.post(
            reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )

    def test_the_rules_are_listed_without_bạn(self, client, official):
        client.force_login(official)
        html = client.get(reverse("password_change")).content.decode()
        assert "Có ít nhất 8 ký tự." in html
        assert "Không chỉ gồm chữ số." in html
        assert "bạn" not in html.lower()

    def test_a_short_numeric_common_password_gets_every_reason(self, client, official):
        html = self.change(client, official, "1234567").content.decode()
        assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in html
        assert "Mật khẩu không được chỉ gồm chữ số." in html
        assert "Mật khẩu quá phổ biến, dễ bị đoán ra." in html
        assert "bạn" not in html.lower()

    def test_a_password_like_the_user_name_is_refused(self, client, official):
        html = self.change(client, official, official.username).content.decode()
        assert "Mật khẩu quá giống" in html
        assert "của tài khoản" in html
