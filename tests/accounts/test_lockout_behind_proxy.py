"""Login throttling behind reverse proxies (issue 12, finding 2).

Behind DJANGO_PROXY_COUNT proxies every request reaches Django from the last proxy's address
(REMOTE_ADDR 127.0.0.1 here); the client's own address is in X-Forwarded-For. Failures are
counted per username *and* client address, so an attacker hammering the official's username
from elsewhere cannot lock the official out at her own desk.
"""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD, OfficialFactory

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.66"
OFFICE = "203.0.113.10"


@pytest.fixture
def vanhoa(db):
    return OfficialFactory(username="canbo.vanhoa")


def log_in(client, password, forwarded_for):
    return client.post(
        reverse("login"),
        {"username": "canbo.vanhoa", "password": password},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_five_failures_from_one_address_do_not_lock_the_official_out_of_her_own(client, vanhoa, settings):
    settings.PORTAL_PROXY_COUNT = 1
    for _attempt in range(5):
        log_in(client, "sai-mật-khẩu", ATTACKER)
    assert log_in(client, PASSWORD, ATTACKER).status_code == 429
    response = log_in(client, PASSWORD, OFFICE)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_recorded_address_is_the_forwarded_one(client, vanhoa, settings):
    settings.PORTAL_PROXY_COUNT = 1
    log_in(client, "sai-mật-khẩu", ATTACKER)
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("canbo.vanhoa", ATTACKER)]


def test_an_address_the_client_wrote_itself_is_not_believed(client, vanhoa, settings):
    # The attacker sends "X-Forwarded-For: <the office's address>"; nginx appends the
    # attacker's real address. Counting from the right finds the attacker, not the office.
    settings.PORTAL_PROXY_COUNT = 1
    for _attempt in range(5):
        log_in(client, "sai-mật-khẩu", f"{OFFICE}, {ATTACKER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert log_in(client, PASSWORD, OFFICE).status_code == 302


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(client, vanhoa, settings):
    settings.PORTAL_PROXY_COUNT = 2
    log_in(client, "sai-mật-khẩu", f"192.0.2.1, {ATTACKER}, 10.0.0.5")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]


def test_without_proxies_the_forwarded_header_is_ignored(client, vanhoa, settings):
    settings.PORTAL_PROXY_COUNT = 0
    log_in(client, "sai-mật-khẩu", ATTACKER)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_a_request_that_bypassed_the_proxy_counts_under_its_connection_address(client, vanhoa, settings):
    settings.PORTAL_PROXY_COUNT = 1
    client.post(reverse("login"), {"username": "canbo.vanhoa", "password": "sai-mật-khẩu"})
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]
