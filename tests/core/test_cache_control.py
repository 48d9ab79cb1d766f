"""Nothing a signed-in person is shown stays in a browser's or proxy's cache: on a shared
office computer the next person must not find the last one's pages under "Back"."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("enterprises:enterprise_list"),
        reverse("indicators:api_progress"),
    ],
)
def test_every_answer_to_a_signed_in_official_is_no_store(client_for, official, url):
    response = client_for(official).get(url)
    assert response.status_code in (200, 404)
    assert "no-store" in directives(response)


def test_a_refusal_to_a_signed_in_officer_is_no_store_too(client_for, officer_a):
    response = client_for(officer_a).get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 403
    assert "no-store" in directives(response)


def test_a_page_for_anonymous_visitors_is_left_alone(client):
    response = client.get(reverse("password_reset_done"))
    assert response.status_code == 200
    assert "no-store" not in directives(response)
