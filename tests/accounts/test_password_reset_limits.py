"""Password-reset mails are rate limited per address and per client (issue 12, finding 9).

Without a limit anyone could fill an official's mailbox, or the commune's mail quota, from
the "Forgot your password?" page. The page answers the same whether a mail went out, the
limit was reached or the address is unknown, so it tells an outsider nothing.
"""

import pytest
from django.urls import reverse

from core import limits
from tests.factories import OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.10"
ELSEWHERE = "198.51.100.66"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.PORTAL_RESET_MAILS_PER_ADDRESS = 3
    settings.PORTAL_RESET_MAILS_PER_CLIENT = 10


def ask(client, email, address=OFFICE):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_the_fourth_request_in_an_hour_for_one_address_sends_nothing(client, official, mailoutbox):
    answers = [ask(client, official.email) for _request in range(4)]
    assert len(mailoutbox) == 3
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, reverse("password_reset_done"))}


def test_the_page_answers_the_same_for_an_unknown_address(client, official):
    for _request in range(3):
        ask(client, official.email)
    limited = ask(client, official.email)
    unknown = ask(client, "nobody@example.com")
    assert (limited.status_code, limited["Location"]) == (unknown.status_code, unknown["Location"])


def test_the_address_limit_holds_from_another_client_too(client, official, mailoutbox):
    for _request in range(3):
        ask(client, official.email, OFFICE)
    ask(client, official.email, ELSEWHERE)
    assert len(mailoutbox) == 3


def test_the_address_limit_ignores_case_and_spaces(client, official, mailoutbox):
    for spelling in [official.email, official.email.upper(), f" {official.email} ", official.email]:
        ask(client, spelling)
    assert len(mailoutbox) == 3


def test_one_address_at_its_limit_does_not_stop_another(client, official, viewer, mailoutbox):
    for _request in range(4):
        ask(client, official.email)
    ask(client, viewer.email)
    assert [message.to for message in mailoutbox][-1] == [viewer.email]
    assert len(mailoutbox) == 4


def test_one_client_may_ask_for_few_addresses_an_hour(client, settings, mailoutbox):
    settings.PORTAL_RESET_MAILS_PER_CLIENT = 2
    users = [UserFactory() for _user in range(3)]
    for user in users:
        ask(client, user.email, OFFICE)
    assert len(mailoutbox) == 2
    ask(client, users[2].email, ELSEWHERE)
    assert len(mailoutbox) == 3


def test_the_client_is_the_forwarded_address_behind_a_proxy(client, settings, mailoutbox):
    settings.PORTAL_PROXY_COUNT = 1
    settings.PORTAL_RESET_MAILS_PER_CLIENT = 1
    first, second = OfficialFactory(), OfficialFactory()
    client.post(reverse("password_reset"), {"email": first.email}, HTTP_X_FORWARDED_FOR=OFFICE)
    client.post(reverse("password_reset"), {"email": second.email}, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert len(mailoutbox) == 2


def test_an_hour_later_the_address_may_ask_again(client, official, mailoutbox, monkeypatch):
    now = 1_800_000_000.0
    monkeypatch.setattr(limits, "now", lambda: now)
    for _request in range(4):
        ask(client, official.email)
    now += 60 * 60
    ask(client, official.email)
    assert len(mailoutbox) == 4


def test_a_flood_from_one_client_does_not_use_up_the_address_quota(client, official, settings, mailoutbox):
    settings.PORTAL_RESET_MAILS_PER_CLIENT = 2
    for _request in range(5):
        ask(client, official.email, ELSEWHERE)
    ask(client, official.email, OFFICE)
    assert len(mailoutbox) == 3
