"""The Kite Connect checksum and the shapes of generated keys and tokens."""

import hashlib

from bourse.identity.api_keys import (
    checksum_matches,
    hash_token,
    kite_checksum,
    new_api_key,
    new_api_secret,
    new_request_token,
)


def test_checksum_is_sha256_of_key_token_secret_concatenated() -> None:
    expected = hashlib.sha256(b"my_api_key" + b"request_tok" + b"my_secret").hexdigest()

    assert kite_checksum("my_api_key", "request_tok", "my_secret") == expected


def test_checksum_matches_in_any_case_and_with_surrounding_space() -> None:
    expected = kite_checksum("k", "t", "s")

    assert checksum_matches(expected, expected)
    assert checksum_matches(expected, f" {expected.upper()} ")


def test_checksum_mismatch() -> None:
    expected = kite_checksum("k", "t", "s")

    assert not checksum_matches(expected, kite_checksum("k", "t", "other"))
    assert not checksum_matches(expected, "")
    assert not checksum_matches(expected, "é" * 64)


def test_generated_values_have_kite_like_shapes_and_are_random() -> None:
    api_key, api_secret, request_token = new_api_key(), new_api_secret(), new_request_token()

    assert len(api_key) == 16 and api_key.isalnum() and api_key.islower()
    assert len(api_secret) == 32 and api_secret.isalnum()
    assert len(request_token) == 32 and int(request_token, 16) >= 0
    assert new_api_key() != api_key and new_api_secret() != api_secret


def test_tokens_are_stored_as_sha256_hex() -> None:
    assert hash_token("abc") == hashlib.sha256(b"abc").hexdigest()
