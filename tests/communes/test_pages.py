"""The province administrator's pages: the list of communes, adding and changing a commune
with its leaders. Every other role is refused (the access matrix walks every role)."""

import pytest
from django.urls import reverse

from communes import identity
from communes.models import Commune
from tests import factories

pytestmark = pytest.mark.django_db


def management(prefix="leaders", total=2, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def commune_data(**changes):
    data = {
        "code": "16015",
        "name": "Hoằng Giang",
        "kind": "commune",
        "slug": "",
        "body": "Ủy ban nhân dân xã Hoằng Giang",
        "place": "",
        "superior": "Ủy ban nhân dân tỉnh Thanh Hóa",
        "addressee": "Liên đoàn Lao động tỉnh Thanh Hóa",
        **management(),
        "leaders-0-order": "1",
        "leaders-0-name": "Phạm Văn Kiên",
        "leaders-0-position": "Chủ tịch",
        "leaders-0-may_sign": "on",
        "leaders-1-order": "0",
        "leaders-1-name": "",
        "leaders-1-position": "",
        "leaders-1-may_sign": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["official", "viewer", "officer_a"])
def test_only_the_province_administrator_opens_the_communes(who, client_for, cast, commune):
    client = client_for(cast[who])
    assert client.get(reverse("province:commune_list")).status_code == 403
    assert client.post(reverse("province:commune_create"), commune_data()).status_code == 403
    assert Commune.objects.count() == 1


def test_the_list_shows_code_name_kind_and_state(client_for, province_admin, commune):
    target = factories.CommuneFactory(code="16015", name="Hoằng Giang")
    factories.CommuneFactory(code="16016", name="Hoằng Phụ", merged_into=target, merged_on="2025-07-01")
    page = client_for(province_admin).get(reverse("province:commune_list")).content.decode()
    assert "Hoằng Giang" in page and "16015" in page
    assert "Đã sáp nhập vào xã Hoằng Giang từ ngày 01/07/2025" in page
    assert "chưa có" in page  # the migrated commune's code, not yet set
    # A commune has a name, not a person's "họ tên" (the workers' filter says that).
    assert "Mã hoặc tên" in page and "họ tên" not in page
    merged = client_for(province_admin).get(reverse("province:commune_list"), {"state": "merged"})
    assert [c.code for c in merged.context["page"]] == ["16016"]
    found = client_for(province_admin).get(reverse("province:commune_list"), {"q": "Giang"})
    assert [c.code for c in found.context["page"]] == ["16015"]


def test_the_province_administrator_finds_the_communes_from_the_menu(client_for, province_admin, commune):
    page = client_for(province_admin).get(reverse("home")).content.decode()
    assert reverse("province:commune_list") in page
    assert "Quản trị viên cấp tỉnh" in page


def test_adding_a_commune_with_its_leader(client_for, province_admin, commune):
    response = client_for(province_admin).post(reverse("province:commune_create"), commune_data())
    assert response.status_code == 302
    added = Commune.objects.get(code="16015")
    assert (added.slug, added.place) == ("hoang-giang", "Hoằng Giang")
    assert [(leader.name, leader.position, leader.may_sign) for leader in added.leaders.all()] == [
        ("Phạm Văn Kiên", "Chủ tịch", True)
    ]
    assert added.history.get().history_user == province_admin


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"code": "1601"}, "code", "Mã đơn vị hành chính “1601” không hợp lệ: phải gồm đúng 5 chữ số (ví dụ 16015)."),
        ({"code": "00000"}, "code", "00000 không phải mã của một xã: nhập mã xã theo Danh mục đơn vị hành chính."),
        ({"name": ""}, "name", "Trường này là bắt buộc."),
        ({"kind": "town"}, "kind", "Hãy chọn một lựa chọn hợp lệ. town không phải là một trong các lựa chọn khả thi."),
    ],
)
def test_bad_values_are_refused_and_the_entered_values_kept(
    client_for, province_admin, commune, changes, field, message
):
    response = client_for(province_admin).post(reverse("province:commune_create"), commune_data(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    page = response.content.decode()
    assert 'value="Ủy ban nhân dân xã Hoằng Giang"' in page and 'value="Phạm Văn Kiên"' in page
    assert Commune.objects.count() == 1


def test_a_code_already_recorded_is_refused_naming_its_commune(client_for, province_admin, commune):
    factories.CommuneFactory(code="16015", name="Hoằng Phụ")
    response = client_for(province_admin).post(reverse("province:commune_create"), commune_data())
    assert response.context["form"].errors["code"] == ["Mã 16015 đã có: xã Hoằng Phụ."]


def test_a_leader_without_a_name_is_refused(client_for, province_admin, commune):
    data = commune_data(**{"leaders-0-name": ""})
    response = client_for(province_admin).post(reverse("province:commune_create"), data)
    assert response.context["formset"].forms[0].errors["name"] == ["Trường này là bắt buộc."]
    assert not Commune.objects.filter(code="16015").exists()


def test_changing_the_served_commune_changes_what_documents_print(client_for, province_admin, commune):
    leader = commune.leaders.get(order=1)
    data = commune_data(
        code="16015",
        name="Hoằng Giang",
        **management(total=3, initial=2),
        **{
            "leaders-0-id": str(leader.pk),
            "leaders-0-order": "1",
            "leaders-0-name": "Phạm Văn Kiên",
            "leaders-0-position": "Chủ tịch",
            "leaders-0-may_sign": "on",
            "leaders-1-id": str(commune.leaders.get(order=2).pk),
            "leaders-1-order": "2",
            "leaders-1-name": "Lê Thị Hoa",
            "leaders-1-position": "Phó Chủ tịch",
            "leaders-1-DELETE": "on",
            "leaders-2-order": "0",
            "leaders-2-name": "",
            "leaders-2-position": "",
            "leaders-2-may_sign": "on",
        },
    )
    response = client_for(province_admin).post(reverse("province:commune_update", args=[commune.pk]), data)
    assert response.status_code == 302
    current = identity.current()
    assert (current.code, current.body, [leader.name for leader in current.leaders]) == (
        "16015",
        "Ủy ban nhân dân xã Hoằng Giang",
        ["Phạm Văn Kiên"],
    )
    page = client_for(province_admin).get(reverse("province:commune_update", args=[commune.pk])).content.decode()
    assert "Tạo từ cấu hình (PORTAL_COMMUNE_*)" in page  # its history starts with the migration


def test_a_merger_is_not_recorded_through_the_communes_form(client_for, province_admin, commune):
    """Only a merger moves a commune's enterprises and work: the record's form has no merger
    fields, ignores them if sent, and sends the administrator to the merger page."""
    target = factories.CommuneFactory(code="16015", name="Hoằng Giang")
    data = commune_data(code="16999", name="Hoàng Hợp", merged_into=str(target.pk), merged_on="01/07/2025")
    response = client_for(province_admin).post(reverse("province:commune_update", args=[commune.pk]), data)
    assert response.status_code == 302
    commune.refresh_from_db()
    assert (commune.code, commune.merged_into, commune.merged_on) == ("16999", None, None)
    page = client_for(province_admin).get(reverse("province:commune_update", args=[commune.pk])).content.decode()
    assert 'name="merged_into"' not in page
    assert reverse("province:commune_merge") in page
    assert "Loại đơn vị hành chính" in page and "Loại kỳ" not in page  # a commune's kind, not a period's


@pytest.mark.parametrize("huge", [str(2**64), "-5", "9" * 30])
def test_a_leader_id_no_row_can_have_is_a_form_error(client, province_admin, commune, huge):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(province_admin)
    data = commune_data(**management(total=1, initial=1), **{"leaders-0-id": huge})
    response = client.post(reverse("province:commune_update", args=[commune.pk]), data)
    assert response.status_code == 200
    assert not response.context["formset"].is_valid()


def test_another_communes_leader_cannot_be_changed_through_this_one(client_for, province_admin, commune):
    other = factories.CommuneLeaderFactory(name="Trần Văn Cường")
    data = commune_data(**management(total=1, initial=1), **{"leaders-0-id": str(other.pk)})
    client_for(province_admin).post(reverse("province:commune_update", args=[commune.pk]), data)
    other.refresh_from_db()
    assert (other.name, other.commune_id) == ("Trần Văn Cường", other.commune_id)
    assert other.commune_id != commune.pk
