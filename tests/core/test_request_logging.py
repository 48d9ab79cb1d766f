"""A refused request is one line in the log; a real error keeps its traceback.

Django logs every PermissionDenied as a warning on the `django.request` logger with the
exception attached, so each 403 (an officer opening a commune page) filled the log with a
traceback and drowned the errors that need one.
"""

import logging
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def request_records(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def test_a_403_is_logged_as_one_line_without_a_traceback(client_for, officer_a, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(officer_a).get(reverse("enterprises:enterprise_list"))
    assert response.status_code == 403
    [record] = request_records(caplog)
    assert record.getMessage() == "Forbidden (Permission denied): /enterprises/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback(caplog):
    try:
        raise ZeroDivisionError("division by zero in a view")
    except ZeroDivisionError:
        error = sys.exc_info()
    with caplog.at_level(logging.WARNING, logger="django.request"):
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", "/reports/", exc_info=error, extra={"status_code": 500}
        )
    [record] = request_records(caplog)
    assert record.exc_info == error
    assert "Traceback" in caplog.text
