"""The commune's identity comes from its row (issue 17, item 9): documents, e-mails and
pages print what the province administrator records, the settings only while there is none."""

import datetime

import pytest

from communes import identity
from communes.models import Commune
from core.identity import Leader
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_migrated_commune_gives_what_the_settings_gave(commune):
    assert identity.current() == identity.from_settings()
    assert identity.current().place == "Hoàng Hợp"
    assert identity.current().code == ""  # 00000: no code yet


def test_the_identity_is_the_row_as_the_province_administrator_changed_it(commune, settings):
    commune.name, commune.place, commune.code = "Hoằng Giang", "Hoằng Giang", "16015"
    commune.body = "Ủy ban nhân dân xã Hoằng Giang"
    commune.save()
    commune.leaders.all().delete()
    factories.CommuneLeaderFactory(commune=commune, name="Lê Thị Hoa", position="Phó Chủ tịch", order=2)
    factories.CommuneLeaderFactory(commune=commune, name="Trần Văn Cường", position="Chủ tịch", order=1)
    factories.CommuneLeaderFactory(commune=commune, name="Võ Văn Bình", position="Ủy viên", may_sign=False, order=0)
    settings.PORTAL_COMMUNE_NAME = "Tên trong cấu hình"  # no longer read
    current = identity.current()
    assert (current.place, current.code, current.body, current.slug) == (
        "Hoằng Giang",
        "16015",
        "Ủy ban nhân dân xã Hoằng Giang",
        "hoang-giang",
    )
    assert current.leaders == (Leader("Chủ tịch", "Trần Văn Cường"), Leader("Phó Chủ tịch", "Lê Thị Hoa"))
    assert identity.current_name() == "Hoằng Giang"


def test_the_place_in_dates_may_differ_from_the_name(commune):
    commune.place = "Hoằng Hóa"
    commune.save()
    assert identity.current().place == "Hoằng Hóa"
    assert identity.current_name() == "Hoàng Hợp"


def test_a_merged_commune_hands_its_documents_to_the_commune_it_joined(commune):
    new = factories.CommuneFactory(name="Hoằng Giang", body="Ủy ban nhân dân xã Hoằng Giang", code="16015")
    commune.merged_into, commune.merged_on = new, datetime.date(2025, 7, 1)
    commune.save()
    assert identity.current().body == "Ủy ban nhân dân xã Hoằng Giang"


def test_the_settings_stand_in_while_there_is_no_commune(settings):
    Commune.objects.all().delete()
    settings.PORTAL_COMMUNE_NAME = "Đông Sơn"
    settings.PORTAL_COMMUNE_CODE = "16001"
    assert identity.current().place == "Đông Sơn"
    assert identity.current().code == "16001"
    assert identity.current_name() == "Đông Sơn"


def test_pages_name_the_commune_of_the_row(commune, client_for, official):
    commune.name = "Hoằng Giang"
    commune.save()
    page = client_for(official).get("/plan/").content.decode()
    assert "Hoằng Giang" in page
