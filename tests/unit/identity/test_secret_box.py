"""Sealed secrets: they open only with the same key and the same row context."""

import pytest

from bourse.identity.sealing import SealedSecretError, SecretBox

KEY = "unit-test-encryption-key-32-characters-long"


def test_seal_then_open_round_trips() -> None:
    box = SecretBox(KEY)

    sealed = box.seal(b"JBSWY3DPEHPK3PXP", b"totp:1")

    assert box.open(sealed, b"totp:1") == b"JBSWY3DPEHPK3PXP"
    assert b"JBSWY3DPEHPK3PXP" not in sealed


def test_sealing_twice_gives_different_ciphertexts() -> None:
    box = SecretBox(KEY)

    assert box.seal(b"secret", b"c") != box.seal(b"secret", b"c")


def test_value_moved_to_another_row_does_not_open() -> None:
    box = SecretBox(KEY)
    sealed = box.seal(b"secret", b"totp:1")

    with pytest.raises(SealedSecretError):
        box.open(sealed, b"totp:2")


def test_another_key_does_not_open() -> None:
    sealed = SecretBox(KEY).seal(b"secret", b"c")

    with pytest.raises(SealedSecretError, match="encryption key"):
        SecretBox(KEY + "x").open(sealed, b"c")


def test_tampered_ciphertext_does_not_open() -> None:
    box = SecretBox(KEY)
    sealed = bytearray(box.seal(b"secret", b"c"))
    sealed[-1] ^= 1

    with pytest.raises(SealedSecretError):
        box.open(bytes(sealed), b"c")


@pytest.mark.parametrize("sealed", [b"", b"\x02" + b"\x00" * 40, b"\x01short"])
def test_unknown_format_does_not_open(sealed: bytes) -> None:
    with pytest.raises(SealedSecretError):
        SecretBox(KEY).open(sealed, b"c")


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        SecretBox("")
