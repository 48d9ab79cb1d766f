"""The communes app's data migration makes the commune an installation served from its
settings (issue 17, item 9): with the demo's defaults Hoàng Hợp, code 00000 (none set)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("communes", "0001_communes")]
AFTER = [("communes", "0002_commune_from_settings")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrator():
    """Runs the data migration again on an empty table; the database goes back to the newest
    migrations afterwards."""

    def run(**settings_values):
        migrate(BEFORE)
        from django.test import override_settings

        with override_settings(**settings_values):
            apps = migrate(AFTER)
        return apps

    yield run
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def commune_of(apps):
    Commune = apps.get_model("communes", "Commune")
    (commune,) = Commune.objects.all()
    leaders = list(commune.leaders.order_by("order").values_list("order", "position", "name", "may_sign"))
    return commune, leaders


@pytest.mark.django_db(transaction=True)
def test_the_demo_defaults_make_hoang_hop_with_no_code_yet(migrator):
    commune, leaders = commune_of(migrator())
    assert (commune.code, commune.name, commune.kind, commune.slug, commune.place) == (
        "00000",
        "Hoàng Hợp",
        "commune",
        "hoang-hop",
        "Hoàng Hợp",
    )
    assert (commune.body, commune.superior, commune.addressee) == (
        "Ủy ban nhân dân xã Hoàng Hợp",
        "Ủy ban nhân dân tỉnh Thanh Hóa",
        "Liên đoàn Lao động tỉnh Thanh Hóa",
    )
    assert leaders == [(1, "Chủ tịch", "Nguyễn Văn An", True), (2, "Phó Chủ tịch", "Lê Thị Hoa", True)]


@pytest.mark.django_db(transaction=True)
def test_an_installations_own_settings_make_its_commune(migrator):
    apps = migrator(
        PORTAL_COMMUNE_NAME="Ba Đình",
        PORTAL_COMMUNE_CODE=" 00004 ",
        PORTAL_COMMUNE_BODY="Ủy ban nhân dân phường Ba Đình",
        PORTAL_SUPERIOR_BODY="Ủy ban nhân dân thành phố Hà Nội",
        PORTAL_REPORT_ADDRESSEE="Liên đoàn Lao động thành phố Hà Nội",
        PORTAL_COMMUNE_LEADERS=[("Chủ tịch", "Đỗ Văn Minh")],
    )
    commune, leaders = commune_of(apps)
    assert (commune.code, commune.name, commune.kind, commune.slug) == ("00004", "Ba Đình", "ward", "ba-dinh")
    assert commune.superior == "Ủy ban nhân dân thành phố Hà Nội"
    assert leaders == [(1, "Chủ tịch", "Đỗ Văn Minh", True)]
    history = apps.get_model("communes", "HistoricalCommune").objects.get(code="00004")
    assert (history.history_type, history.history_change_reason, history.code) == ("+", "settings", "00004")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("code", ["1234", "16-015", "00000"])
def test_a_code_that_is_not_five_digits_is_left_unset_not_guessed(migrator, code):
    commune, _leaders = commune_of(migrator(PORTAL_COMMUNE_CODE=code))
    assert commune.code == "00000"


@pytest.mark.django_db(transaction=True)
def test_a_special_zone_is_known_by_its_body(migrator):
    commune, _leaders = commune_of(
        migrator(PORTAL_COMMUNE_NAME="Phú Quốc", PORTAL_COMMUNE_BODY="Ủy ban nhân dân đặc khu Phú Quốc")
    )
    assert commune.kind == "special_zone"


@pytest.mark.django_db(transaction=True)
def test_it_adds_nothing_where_a_commune_is_recorded_and_reversed_it_removes_them(migrator):
    apps = migrator()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.recorder.record_unapplied("communes", "0002_commune_from_settings")
    apps = migrate(AFTER)  # runs again: the commune is there already
    assert apps.get_model("communes", "Commune").objects.count() == 1
    apps = migrate(BEFORE)
    assert apps.get_model("communes", "Commune").objects.count() == 0
    assert apps.get_model("communes", "CommuneLeader").objects.count() == 0
