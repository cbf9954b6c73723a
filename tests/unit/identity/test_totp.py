"""TOTP against the RFC 6238 appendix B vectors, skew, single use and provisioning."""

import base64
from urllib.parse import parse_qs, urlparse

import pytest

from bourse.identity import totp
from bourse.identity.errors import InvalidTotpCodeError, TotpCodeReusedError

SEED_SHA1 = b"12345678901234567890"
SEED_SHA256 = b"12345678901234567890123456789012"
SEED_SHA512 = b"1234567890123456789012345678901234567890123456789012345678901234"

# RFC 6238 appendix B: (unix time, SHA-1, SHA-256, SHA-512), 8 digits.
RFC6238_VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]

KEY = totp.decode_secret("JBSWY3DPEHPK3PXP")
NOW = 1_700_000_010  # 10 s into a 30 s step


@pytest.mark.parametrize(("unix_time", "sha1", "sha256", "sha512"), RFC6238_VECTORS)
def test_rfc6238_appendix_b_vectors(unix_time: int, sha1: str, sha256: str, sha512: str) -> None:
    assert totp.totp_at(SEED_SHA1, unix_time, digits=8, algorithm="sha1") == sha1
    assert totp.totp_at(SEED_SHA256, unix_time, digits=8, algorithm="sha256") == sha256
    assert totp.totp_at(SEED_SHA512, unix_time, digits=8, algorithm="sha512") == sha512


def test_rfc4226_appendix_d_hotp_values() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314"]

    assert [totp.hotp(SEED_SHA1, counter) for counter in range(5)] == expected


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="md5"):
        totp.hotp(SEED_SHA1, 0, algorithm="md5")


def test_current_code_matches_current_step() -> None:
    code = totp.totp_at(KEY, NOW)

    assert totp.matching_step(KEY, code, NOW) == totp.time_step(NOW)


@pytest.mark.parametrize("offset_steps", [-1, 1])
def test_code_one_step_away_is_accepted(offset_steps: int) -> None:
    code = totp.totp_at(KEY, NOW + offset_steps * 30)

    assert totp.matching_step(KEY, code, NOW) == totp.time_step(NOW) + offset_steps


@pytest.mark.parametrize("offset_steps", [-3, -2, 2, 3])
def test_code_two_or_more_steps_away_is_rejected(offset_steps: int) -> None:
    code = totp.totp_at(KEY, NOW + offset_steps * 30)

    assert totp.matching_step(KEY, code, NOW) is None


FULLWIDTH_DIGITS = "\uff11\uff12\uff13\uff14\uff15\uff16"  # str.isdigit() says True


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", FULLWIDTH_DIGITS])
def test_malformed_codes_never_match(code: str) -> None:
    assert totp.matching_step(KEY, code, NOW) is None


def test_code_with_surrounding_spaces_is_accepted() -> None:
    code = totp.totp_at(KEY, NOW)

    assert totp.matching_step(KEY, f" {code} ", NOW) == totp.time_step(NOW)


class LastUsedStep:
    """The store's conditional update, in memory."""

    def __init__(self) -> None:
        self.value = 0

    def consume(self, step: int) -> bool:
        if step <= self.value:
            return False
        self.value = step
        return True


def test_verify_once_accepts_a_code_once_then_reports_reuse() -> None:
    last_used = LastUsedStep()
    code = totp.totp_at(KEY, NOW)

    assert totp.verify_once(KEY, code, NOW, last_used.consume) == totp.time_step(NOW)
    with pytest.raises(TotpCodeReusedError):
        totp.verify_once(KEY, code, NOW, last_used.consume)


def test_verify_once_rejects_an_older_code_after_a_newer_one() -> None:
    last_used = LastUsedStep()
    totp.verify_once(KEY, totp.totp_at(KEY, NOW), NOW, last_used.consume)

    previous_step_code = totp.totp_at(KEY, NOW - 30)

    with pytest.raises(TotpCodeReusedError):
        totp.verify_once(KEY, previous_step_code, NOW, last_used.consume)


def test_verify_once_accepts_the_next_step_code() -> None:
    last_used = LastUsedStep()
    totp.verify_once(KEY, totp.totp_at(KEY, NOW), NOW, last_used.consume)

    later = NOW + 30

    assert totp.verify_once(KEY, totp.totp_at(KEY, later), later, last_used.consume) > 0


def test_verify_once_wrong_code_does_not_consume_a_step() -> None:
    last_used = LastUsedStep()
    wrong = "000000" if totp.totp_at(KEY, NOW) != "000000" else "111111"

    with pytest.raises(InvalidTotpCodeError):
        totp.verify_once(KEY, wrong, NOW, last_used.consume)
    assert last_used.value == 0


def test_new_secret_is_160_bit_base32_without_padding() -> None:
    secret = totp.new_secret()

    assert len(secret) == 32 and "=" not in secret
    assert len(base64.b32decode(secret)) == 20
    assert totp.new_secret() != secret


def test_decode_secret_tolerates_lower_case_spaces_and_missing_padding() -> None:
    assert totp.decode_secret("jbsw y3dp ehpk 3pxp") == totp.decode_secret("JBSWY3DPEHPK3PXP")


def test_decode_secret_rejects_non_base32() -> None:
    with pytest.raises(ValueError, match="base32"):
        totp.decode_secret("not base32!")


def test_provisioning_uri_carries_secret_issuer_and_parameters() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", account_name="a@example.com", issuer="Bourse")
    parsed = urlparse(uri)
    query = parse_qs(parsed.query)

    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert parsed.path == "/Bourse%3Aa%40example.com"
    assert query == {
        "secret": ["JBSWY3DPEHPK3PXP"],
        "issuer": ["Bourse"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
