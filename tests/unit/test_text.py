"""Accent- and case-insensitive folding for search (P16)."""

import pytest

from hub.domain.patients import search_key
from hub.domain.text import fold, search_terms


@pytest.mark.parametrize("query", ["jose", "NUNEZ", "peña", "Nuñez", "JOSÉ", "ñúñez"])
def test_fold_query_matches_folded_stored_name(query):
    stored = fold("José Ñúñez Peña")
    assert all(term in stored for term in search_terms(query))


def test_fold_accents_and_case_are_removed():
    assert fold("José Ñúñez Peña") == "jose nunez pena"


def test_fold_whitespace_is_collapsed():
    assert fold("  Ana \t  María\n") == "ana maria"


def test_fold_german_sharp_s_casefolds():
    assert fold("Strauß") == "strauss"


def test_search_terms_blank_query_has_no_terms():
    assert search_terms("   ") == []


def test_search_key_includes_names_and_national_id():
    key = search_key({"first_name": "José", "last_name": "Ñúñez Peña", "national_id": "12345678Z"})
    assert key == "jose nunez pena 12345678z"


def test_search_key_missing_fields_do_not_fail():
    assert search_key({"first_name": "Ana"}) == "ana"
