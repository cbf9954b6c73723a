"""Encryption at rest for secrets the server must read back (TOTP seeds, Kite API secrets).

Those cannot be hashed: computing a TOTP code or checking a Kite checksum needs the secret
itself. They are sealed with AES-256-GCM under a key derived (HKDF-SHA256) from the
configured ``BOURSE_ENCRYPTION_KEY``, so a copy of the database alone reveals nothing. The
associated data binds each ciphertext to its row (``totp:<user id>``, ``api_key:<key>``), so
a sealed value moved to another row fails to open. Layout: version byte, 12-byte nonce,
ciphertext with tag.
"""

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"
_NONCE_BYTES = 12
_HKDF_INFO = b"bourse secret box v1"


class SealedSecretError(Exception):
    """A sealed value does not open: wrong key (changed BOURSE_ENCRYPTION_KEY?) or tampered."""


class SecretBox:
    def __init__(self, key_material: str) -> None:
        if not key_material:
            raise ValueError("encryption key must not be empty")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
            key_material.encode("utf-8")
        )
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        if sealed[:1] != _VERSION or len(sealed) < 1 + _NONCE_BYTES:
            raise SealedSecretError("sealed secret has an unknown format")
        nonce = sealed[1 : 1 + _NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[1 + _NONCE_BYTES :], context)
        except InvalidTag as error:
            raise SealedSecretError(
                "sealed secret does not open with the configured encryption key"
            ) from error
