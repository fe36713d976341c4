"""National ID normalization and validation (P17), without I/O."""

import pytest

from hub.domain import national_id
from hub.domain.national_id import NationalIdError, check_letter, normalize, validate


@pytest.mark.parametrize("raw", ["12345678Z", " 12345678z ", "12345678-z", "12.345.678-Z", "12345678 z", "1234 5678/z"])
def test_validate_dni_spellings_all_normalize_to_one_canonical_form(raw):
    assert validate(raw) == "12345678Z"


@pytest.mark.parametrize("raw, canonical", [("X1234567L", "X1234567L"), ("x-1234567-l", "X1234567L"), ("Y0000000Z", "Y0000000Z")])
def test_validate_nie_with_right_letter_is_accepted(raw, canonical):
    assert validate(raw) == canonical


def test_check_letter_known_numbers_match_the_official_table():
    assert check_letter(12345678) == "Z"
    assert check_letter(0) == "T"
    assert check_letter(22) == "E"
    assert len(national_id.CHECK_LETTERS) == 23


@pytest.mark.parametrize("raw", ["12345678A", "X1234567A", "00000000R"])
def test_validate_wrong_check_letter_is_refused_with_the_expected_letter(raw):
    with pytest.raises(NationalIdError, match="Wrong check letter: expected"):
        validate(raw)


@pytest.mark.parametrize("raw", ["", "   ", "-", "..//"])
def test_validate_blank_after_normalizing_is_refused(raw):
    with pytest.raises(NationalIdError, match="blank"):
        validate(raw)


@pytest.mark.parametrize("raw", ["1234567Z", "123456789Z", "ABCDEFGHI", "W1234567L", "12345678ZZ", "ñ2345678Z"])
def test_validate_not_dni_shaped_under_es_is_refused(raw):
    with pytest.raises(NationalIdError, match="Not a Spanish DNI"):
        validate(raw)


def test_validate_generic_format_accepts_foreign_documents_only_when_configured():
    with pytest.raises(NationalIdError):
        validate("AB123456", ("es",))
    assert validate("ab-123456", ("es", "generic")) == "AB123456"
    assert validate("12345678Z", ("es", "generic")) == "12345678Z"


def test_validate_generic_keeps_check_letter_rule_for_dni_shaped_values():
    with pytest.raises(NationalIdError, match="check letter"):
        validate("12345678A", ("es", "generic"))


@pytest.mark.parametrize("raw", ["ABC", "A" * 21, "AB_123456"])
def test_validate_generic_out_of_shape_is_refused_naming_formats(raw):
    with pytest.raises(NationalIdError, match="generic"):
        validate(raw, ("generic",))


def test_normalize_removes_separators_and_uppercases():
    assert normalize(" x.123-4567/l ") == "X1234567L"


@pytest.mark.parametrize("raw", ["１２３４５６７８Ｚ", "１２３４５６７８z", "12345678Ｚ"])
def test_validate_full_width_characters_normalize_to_the_ascii_form(raw):
    assert validate(raw) == "12345678Z"


@pytest.mark.parametrize("raw", ["١٢٣٤٥٦٧٨Z", "१२३४५६७८Z", "X١٢٣٤٥٦٧L"])
def test_validate_digits_of_other_scripts_are_refused(raw):
    with pytest.raises(NationalIdError):
        validate(raw)


def test_validate_other_script_digits_are_refused_by_generic_too():
    with pytest.raises(NationalIdError):
        validate("AB١٢٣٤٥٦", ("es", "generic"))
