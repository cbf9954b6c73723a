"""Email addresses as account identifiers: one normal form, compared case-insensitively."""

import re

from bourse.identity.errors import InvalidEmailError

MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit

# Deliberately loose: one '@', no spaces, a dot in the domain. Deliverability is proven by
# a confirmation mail, not by a regular expression.
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def normalise_email(raw: str) -> str:
    """Trim and lower-case an address; raise InvalidEmailError if it does not look like one.

    The whole address is lower-cased, local part included: no mail provider users are likely
    to meet distinguishes case there, and two accounts differing only in case would be a trap.
    """
    email = raw.strip().lower()
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL_SHAPE.match(email):
        raise InvalidEmailError(f"email {raw!r} is not a valid address")
    return email
