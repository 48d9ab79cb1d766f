"""Union officer accounts: created by the official on the enterprise page, with either an
e-mailed set-password link or an initial password shown once; deactivated, not deleted."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import access
from accounts.roles import OFFICER
from enterprises.models import UnionOfficer
from enterprises.services import generate_password
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()

NEW_OFFICER = {
    "username": "congdoan.anphat",
    "full_name": "Nguyễn Thị Thu Hà",
    "email": "ha.congdoan@anphat.vn",
    "phone": "0912 345 678",
    "position": "Chủ tịch Công đoàn cơ sở",
}


def logs_in(client, username, password) -> bool:
    """Through the real login page (django-axes wants the request)."""
    client.logout()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response["Location"] == reverse("home")


def create(client, enterprise, **data):
    return client.post(reverse("enterprises:officer_create", args=[enterprise.pk]), {**NEW_OFFICER, **data})


def test_an_initial_password_is_shown_once_and_lets_the_officer_log_in(client_for, official, enterprise_a, client):
    response = create(client_for(official), enterprise_a, delivery="show")
    officer = UnionOfficer.objects.get(user__username="congdoan.anphat")
    assert response["Location"] == reverse("enterprises:officer_credentials", args=[enterprise_a.pk, officer.pk])
    page = client.get(response["Location"])
    password = page.context["password"]
    assert password and password in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    again = client.get(response["Location"])
    assert again.context["password"] is None
    assert password not in again.content.decode()

    user = officer.user
    assert (user.first_name, user.last_name) == ("Hà", "Nguyễn Thị Thu")
    assert user.groups.filter(name=OFFICER).exists()
    assert (officer.enterprise, officer.phone, officer.position) == (
        enterprise_a,
        "0912 345 678",
        NEW_OFFICER["position"],
    )
    assert logs_in(client, "congdoan.anphat", password)
    assert access.role_of(User.objects.get(pk=user.pk)) == OFFICER


def test_an_emailed_link_lets_the_officer_choose_a_password(client_for, official, enterprise_a, client, mailoutbox):
    response = create(client_for(official), enterprise_a, delivery="email")
    assert response.status_code == 302
    user = User.objects.get(username="congdoan.anphat")
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [NEW_OFFICER["email"]]
    assert "congdoan.anphat" in mail.body and enterprise_a.name in mail.body
    link = re.search(r"https?://\S+/accounts/reset/\S+/\S+/", mail.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    form_page = client.get("/" + path, follow=True)
    assert form_page.context["validlink"]
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Hoàng-Hợp-2030!", "new_password2": "Hoàng-Hợp-2030!"}
    )
    assert logs_in(client, "congdoan.anphat", "Hoàng-Hợp-2030!")


def test_the_link_needs_an_email_address(client_for, official, enterprise_a):
    response = create(client_for(official), enterprise_a, delivery="email", email="")
    assert "email" in response.context["form"].errors
    assert not User.objects.filter(username="congdoan.anphat").exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("username", "Minh.Officer"),
        ("email", "MINH.OFFICER@example.com"),
        ("username", "có dấu cách"),
        ("phone", "không có số"),
    ],
)
def test_taken_or_malformed_account_details_are_refused(client_for, official, officer_a, enterprise_a, field, value):
    response = create(client_for(official), enterprise_a, delivery="show", **{field: value})
    assert field in response.context["form"].errors
    assert UnionOfficer.objects.count() == 1
    assert response.context["form"]["full_name"].value() == NEW_OFFICER["full_name"]


def test_an_enterprise_may_have_several_officers(client_for, official, officer_a, enterprise_a):
    create(client_for(official), enterprise_a, delivery="show")
    assert enterprise_a.officers.count() == 2


def test_deactivating_an_officer_blocks_login_and_keeps_the_account(
    client_for, official, officer_a, enterprise_a, client
):
    officer = officer_a.union_officer
    client_for(official).post(reverse("enterprises:officer_deactivate", args=[enterprise_a.pk, officer.pk]))
    officer_a.refresh_from_db()
    assert not officer_a.is_active
    assert not logs_in(client, officer_a.username, PASSWORD)
    client_for(official).post(reverse("enterprises:officer_reactivate", args=[enterprise_a.pk, officer.pk]))
    assert logs_in(client, officer_a.username, PASSWORD)
    reasons = list(officer.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["account-deactivated", "account-reactivated"]


def test_a_deactivated_officers_open_session_stops_working(client_for, official, officer_a, enterprise_a):
    from django.test import Client

    phone = Client()
    phone.force_login(officer_a)
    assert phone.get(enterprise_a.get_absolute_url()).status_code == 200
    client_for(official).post(
        reverse("enterprises:officer_deactivate", args=[enterprise_a.pk, officer_a.union_officer.pk])
    )
    assert phone.get(enterprise_a.get_absolute_url()).status_code == 302  # to the login page


def test_the_official_edits_an_officer_and_the_history_shows_it(client_for, official, officer_a, enterprise_a):
    officer = officer_a.union_officer
    client = client_for(official)
    url = reverse("enterprises:officer_update", args=[enterprise_a.pk, officer.pk])
    response = client.post(
        url,
        {"full_name": "Trần Văn Minh", "email": "minh@anphat.vn", "phone": "0987 654 321", "position": "Phó Chủ tịch"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    officer_a.refresh_from_db()
    assert (officer_a.email, officer.phone, officer.position) == ("minh@anphat.vn", "0987 654 321", "Phó Chủ tịch")
    history = client.get(url).context["history"]
    assert history[0].reason == "Sửa thông tin tài khoản"
    assert history[0].who == "Nguyễn Thị Lan"
    assert {(c.old, c.new) for c in history[0].changes} == {("—", "0987 654 321"), ("—", "Phó Chủ tịch")}


def test_a_new_initial_password_replaces_the_old_one(client_for, official, officer_a, enterprise_a, client):
    officer = officer_a.union_officer
    response = client_for(official).post(
        reverse("enterprises:officer_password", args=[enterprise_a.pk, officer.pk]), {"delivery": "show"}
    )
    password = client.get(response["Location"]).context["password"]
    assert not logs_in(client, officer_a.username, PASSWORD)
    assert logs_in(client, officer_a.username, password)


def test_a_link_cannot_be_sent_to_an_officer_without_email(client_for, official, officer_a, enterprise_a, mailoutbox):
    officer_a.email = ""
    officer_a.save()
    response = client_for(official).post(
        reverse("enterprises:officer_password", args=[enterprise_a.pk, officer_a.union_officer.pk]),
        {"delivery": "email"},
    )
    assert response.status_code == 200
    assert "delivery" in response.context["password_form"].errors
    assert not mailoutbox


def test_initial_passwords_are_strong_and_readable():
    from django.contrib.auth.password_validation import validate_password

    passwords = {generate_password() for _n in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        validate_password(password)
        assert not set(password) & set("0O1lI")


def test_a_mail_server_failure_is_explained_and_the_account_kept(client_for, official, enterprise_a, settings):
    settings.EMAIL_BACKEND = "tests.mail_servers.UnreachableMailServer"
    client = client_for(official)
    response = create(client, enterprise_a, delivery="email")
    officer = UnionOfficer.objects.get(user__username="congdoan.anphat")
    assert response["Location"] == reverse("enterprises:officer_update", args=[enterprise_a.pk, officer.pk])
    page = client.get(response["Location"])
    assert "Không gửi được email" in page.content.decode()
    reasons = set(officer.history.values_list("history_change_reason", flat=True))
    assert "password-link-sent" not in reasons
