"""core.bounds: record ids a database can hold, numbers written in plain digits, and the
shared form fields that refuse the rest with a message instead of a server error."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from core.bounds import (
    MAX_RECORD_ID,
    PlainDecimalField,
    PlainIntegerField,
    RecordChoiceField,
    RecordIdField,
    RecordMultipleChoiceField,
    record_id,
)

TOO_BIG = str(2**64)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1", 1),
        (" 42 ", 42),
        (17, 17),
        (str(MAX_RECORD_ID), MAX_RECORD_ID),
        ("0", None),
        ("-1", None),
        (str(MAX_RECORD_ID + 1), None),
        (TOO_BIG, None),
        ("9" * 5000, None),
        ("1e5", None),
        ("1.0", None),
        ("", None),
        ("abc", None),
        ("²", None),
        ("١٢", None),
        ("1_000", None),
    ],
)
def test_record_id_takes_only_ids_a_database_can_hold(value, expected):
    assert record_id(value) == expected


class TestPlainNumbers:
    @pytest.mark.parametrize("typed", ["1e5", "1E3", "Infinity", "-inf", "NaN", "sNaN", "1_000", "١٢", "1e1000000"])
    def test_exponents_non_finite_values_and_other_digits_are_refused_with_their_own_message(self, typed):
        with pytest.raises(ValidationError) as refused:
            PlainIntegerField().clean(typed)
        assert refused.value.code == "not_plain_number"
        assert "0–9" in refused.value.messages[0]

    @pytest.mark.parametrize("typed", ["Infinity", "NaN", "1e2", "1E-2"])
    def test_a_decimal_field_refuses_them_too(self, typed):
        with pytest.raises(ValidationError) as refused:
            PlainDecimalField(max_digits=5, decimal_places=2).clean(typed)
        assert refused.value.code == "not_plain_number"

    def test_words_keep_the_fields_own_message(self):
        field = PlainIntegerField(error_messages={"invalid": "Enter a whole number of workers."})
        with pytest.raises(ValidationError) as refused:
            field.clean("mười")
        assert refused.value.messages == ["Enter a whole number of workers."]

    def test_a_number_longer_than_any_bound_is_refused_before_python_reads_it(self):
        with pytest.raises(ValidationError) as refused:
            PlainIntegerField().clean("9" * 100_000)
        assert refused.value.code == "too_long"

    @pytest.mark.parametrize("typed, expected", [("240", 240), (" 7 ", 7), ("0", 0), ("12.0", 12)])
    def test_plain_digits_are_read_as_before(self, typed, expected):
        assert PlainIntegerField().clean(typed) == expected

    @pytest.mark.parametrize(
        "typed, expected",
        [
            ("1.200", 1200),
            ("1 200", 1200),
            ("1\u00a0200", 1200),  # a non-breaking space, as copied from a document
            ("1\u202f200", 1200),
            (" 10.000.000 ", 10_000_000),
            ("12.000", 12000),
        ],
    )
    def test_thousands_grouped_the_vietnamese_way_are_read_as_one_number(self, typed, expected):
        assert PlainIntegerField().clean(typed) == expected

    @pytest.mark.parametrize("typed", ["12,5", "12.5", "1.2", "1,200", "0,5", "1.2000", ".5"])
    def test_a_decimal_is_refused_with_a_message_saying_whole_numbers_only(self, typed):
        with pytest.raises(ValidationError) as refused:
            PlainIntegerField().clean(typed)
        assert refused.value.code == "not_whole"
        assert "số nguyên" in refused.value.messages[0] and "1.200" in refused.value.messages[0]
        assert typed in refused.value.messages[0]

    @pytest.mark.parametrize("typed", ["1.2.3", "1 2", "12 34", "1..200", "1. 200"])
    def test_digits_grouped_any_other_way_are_not_a_number(self, typed):
        with pytest.raises(ValidationError) as refused:
            PlainIntegerField().clean(typed)
        assert refused.value.code == "invalid"

    def test_a_grouped_number_keeps_the_fields_bounds(self):
        with pytest.raises(ValidationError) as refused:
            PlainIntegerField(max_value=10_000_000).clean("10.000.001")
        assert [error.code for error in refused.value.error_list] == ["max_value"]

    def test_a_hidden_version_cannot_exceed_what_a_row_holds(self):
        with pytest.raises(ValidationError) as refused:
            RecordIdField().clean(TOO_BIG)
        assert [error.code for error in refused.value.error_list] == ["max_value"]


@pytest.mark.django_db
class TestRecordChoices:
    @pytest.fixture
    def users(self):
        return get_user_model().objects.all()

    @pytest.mark.parametrize("value", [TOO_BIG, "-" + TOO_BIG, "9" * 30, "1e5"])
    def test_one_choice_no_record_can_have_is_not_a_valid_choice(self, users, value, django_assert_num_queries):
        with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
            RecordChoiceField(users).clean(value)
        assert refused.value.code == "invalid_choice"

    @pytest.mark.parametrize("value", [TOO_BIG, "-" + TOO_BIG, "9" * 30, "1e5"])
    def test_several_choices_with_one_no_record_can_have_are_refused_before_the_query(
        self, users, official, value, django_assert_num_queries
    ):
        with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
            RecordMultipleChoiceField(users).clean([str(official.pk), value])
        assert refused.value.code == "invalid_pk_value"

    def test_real_choices_are_found_as_before(self, users, official):
        assert RecordChoiceField(users).clean(str(official.pk)) == official
        assert list(RecordMultipleChoiceField(users).clean([str(official.pk)])) == [official]
