"""Money in and out: a payment-gateway sandbox (payments, checkout, payouts) and its webhooks.

FundsError(status, message)            one family, mapped to the API's error envelope
 ├── WebhookRefusedError                    unsigned, badly signed, stale or malformed delivery
 ├── UnknownObjectError                     a payment, payout or bank account the caller lacks
 └── WithdrawalRefusedError                 frozen withdrawals, or the core said no
"""
