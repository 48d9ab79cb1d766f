"""`check --deploy` judges the identity the documents print: the served commune's row, or
the settings while there is none (tests/test_settings.py runs the command itself)."""

import pytest

from communes.checks import commune_identity
from communes.models import Commune
from tests import factories

pytestmark = pytest.mark.django_db


def messages(errors) -> list[str]:
    return [error.msg for error in errors]


def test_the_migrated_demo_commune_is_refused_with_what_to_set(commune):
    found = messages(commune_identity(None))
    assert found == [
        "The commune 00000 (Hoàng Hợp): its name is still the demo's value (Hoàng Hợp, a commune merged on 1/7/2025).",
        "The commune 00000 (Hoàng Hợp): its administrative unit code is not set.",
        "The commune 00000 (Hoàng Hợp): its issuing body is still the demo's value (Hoàng Hợp, a commune merged on 1/7/2025).",
        "The commune 00000 (Hoàng Hợp): the list of its leaders who may sign is still the demo's value (Hoàng Hợp, a commune merged on 1/7/2025).",
    ]
    assert "province administrator" in commune_identity(None)[0].hint


def test_a_commune_set_by_the_province_administrator_passes(commune):
    Commune.objects.filter(pk=commune.pk).update(
        code="16015", name="Hoằng Giang", place="Hoằng Giang", body="Ủy ban nhân dân xã Hoằng Giang"
    )
    commune.leaders.all().delete()
    factories.CommuneLeaderFactory(commune=commune, name="Phạm Văn Kiên")
    assert commune_identity(None) == []


def test_a_district_on_the_row_is_refused(commune):
    Commune.objects.filter(pk=commune.pk).update(addressee="Liên đoàn Lao động huyện Hoằng Hóa")
    assert (
        "The commune 00000 (Hoàng Hợp): its report addressee names a district, a level that ended on 1/7/2025."
        in messages(commune_identity(None))
    )


def test_the_settings_are_judged_while_there_is_no_commune(settings):
    Commune.objects.all().delete()
    found = messages(commune_identity(None))
    assert "PORTAL_COMMUNE_NAME is still the demo's value (Hoàng Hợp, a commune merged on 1/7/2025)." in found
    settings.PORTAL_COMMUNE_NAME = "Hoằng Giang"
    assert not any(message.startswith("PORTAL_COMMUNE_NAME") for message in messages(commune_identity(None)))
