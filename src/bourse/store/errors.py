"""Errors raised by the store for conditions callers are expected to handle."""


class StoreError(Exception):
    """Base of the store's own errors; driver errors (connection lost...) pass through as is."""


class DuplicateEmailError(StoreError):
    def __init__(self, email: str) -> None:
        super().__init__(f"email {email!r} is already registered")
        self.email = email
