"""The funds errors (see the package docstring for the family)."""


class FundsError(Exception):
    status = 400
    error_type = "InputException"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


class WebhookRefusedError(FundsError):
    status = 400


class UnknownObjectError(FundsError):
    status = 404
    error_type = "DataException"


class WithdrawalRefusedError(FundsError):
    status = 400
    error_type = "OrderException"


class WithdrawalsFrozenError(FundsError):
    status = 403
    error_type = "PermissionException"
