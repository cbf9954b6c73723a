"""Email normalisation: one lower-case form, loose shape check."""

import pytest

from bourse.identity.emails import normalise_email
from bourse.identity.errors import InvalidEmailError


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Me@Example.COM", "me@example.com"),
        ("  trader+bots@bourse.in ", "trader+bots@bourse.in"),
    ],
)
def test_normalises_case_and_whitespace(raw: str, normal: str) -> None:
    assert normalise_email(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "no-at-sign",
        "a@b",
        "a@@b.com",
        "a b@c.com",
        "@example.com",
        "a@example.",
        "x" * 250 + "@a.com",
    ],
)
def test_rejects_what_is_not_an_address(raw: str) -> None:
    with pytest.raises(InvalidEmailError):
        normalise_email(raw)
