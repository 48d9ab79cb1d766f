"""A commune's rules: its code, its uniqueness, and a merger's consistency (issue 17)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from communes.models import Commune, CommuneKind, free_slug
from tests import factories

pytestmark = pytest.mark.django_db


def errors_of(commune) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        commune.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize("code", ["1601", "160150", "16O15", "16 015", "", "１６０１５"])
def test_a_code_is_five_digits(code):
    commune = factories.CommuneFactory.build(code=code)
    assert "code" in errors_of(commune)


def test_the_placeholder_of_the_migration_is_not_a_code():
    messages = errors_of(factories.CommuneFactory.build(code="00000"))["code"]
    assert messages == ["00000 không phải mã của một xã: nhập mã xã theo Danh mục đơn vị hành chính."]


def test_a_code_is_recorded_once_with_a_vietnamese_message():
    factories.CommuneFactory(code="16015")
    messages = errors_of(factories.CommuneFactory.build(code="16015"))["code"]
    assert messages == ["Đã có xã mang mã này."]


def test_a_good_commune_passes():
    factories.CommuneFactory.build(code="16015", kind=CommuneKind.WARD).full_clean()


def test_a_commune_cannot_be_merged_into_itself():
    commune = factories.CommuneFactory()
    commune.merged_into, commune.merged_on = commune, datetime.date(2025, 7, 1)
    assert errors_of(commune) == {"merged_into": ["Một xã không thể sáp nhập vào chính nó."]}


def test_a_commune_cannot_be_merged_into_one_that_no_longer_exists():
    target = factories.CommuneFactory(name="Hoằng Giang")
    gone = factories.CommuneFactory(merged_into=target, merged_on=datetime.date(2025, 7, 1))
    commune = factories.CommuneFactory.build(merged_into=gone, merged_on=datetime.date(2025, 7, 1))
    assert "merged_into" in errors_of(commune)


def test_a_merger_needs_its_date_and_a_date_needs_its_commune():
    target = factories.CommuneFactory()
    half_merged = factories.CommuneFactory.build(merged_into=target)
    assert errors_of(half_merged) == {"merged_on": ["Nhập ngày sáp nhập."]}
    # The database constraint behind it says the same to any caller that skips clean().
    with pytest.raises(ValidationError) as caught:
        half_merged.validate_constraints()
    assert caught.value.messages == ["Sáp nhập phải có cả xã được sáp nhập vào và ngày sáp nhập."]
    assert "merged_into" in errors_of(factories.CommuneFactory.build(merged_on=datetime.date(2025, 7, 1)))


def test_the_database_refuses_a_merger_without_its_date():
    target = factories.CommuneFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CommuneFactory(merged_into=target, merged_on=None)


def test_active_communes_are_those_not_merged():
    target = factories.CommuneFactory()
    merged = factories.CommuneFactory(merged_into=target, merged_on=datetime.date(2025, 7, 1))
    assert target in Commune.objects.active()
    assert merged not in Commune.objects.active()
    assert list(Commune.objects.merged()) == [merged]


def test_the_served_commune_is_the_first_or_the_one_it_was_merged_into(commune):
    later = factories.CommuneFactory(name="Hoằng Giang")
    assert Commune.objects.served() == commune
    commune.merged_into, commune.merged_on = later, datetime.date(2025, 7, 1)
    commune.save()
    assert Commune.objects.served() == later


def test_blank_place_and_short_name_come_from_the_name():
    factories.CommuneFactory(name="Đông Sơn", slug="dong-son", code="16001")
    commune = Commune(code="16002", name="Đông Sơn", place="", slug="")
    commune.fill_blanks()
    assert (commune.place, commune.slug) == ("Đông Sơn", "dong-son-16002")
    assert free_slug("Hoằng Giang", "16003", taken=set()) == "hoang-giang"
