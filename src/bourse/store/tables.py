"""SQL tables of the identity service, as SQLAlchemy Core metadata.

Conventions: ids and amounts are integers; timestamps are integer nanoseconds UTC in columns
named ``*_at_ns``; a state that happens once (confirmed, used, revoked) is a nullable timestamp
rather than a boolean, so the row also says *when*. Secrets never appear in clear: passwords
are argon2id hashes, bearer tokens (refresh, request) are SHA-256 hex digests, and secrets the
server must read back (TOTP seeds, Kite API secrets) are sealed with AES-GCM.

The Alembic migrations under ``migrations/versions`` create exactly these tables; a test
compares the two on every backend, so edit both together.
"""

import sqlalchemy as sa

# Named constraints make migrations reproducible across SQLite and PostgreSQL.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid alias), not a BIGINT one.
IdType = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

SHA256_HEX_LENGTH = 64
SESSION_ID_LENGTH = 32

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    # Normalised to lower case before it gets here; unique across all users.
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    sa.Column("disabled_at_ns", sa.BigInteger, nullable=True),
)

credentials = sa.Table(
    "credentials",
    metadata,
    sa.Column(
        "user_id",
        IdType,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("updated_at_ns", sa.BigInteger, nullable=False),
)

totp_enrolments = sa.Table(
    "totp_enrolments",
    metadata,
    sa.Column(
        "user_id",
        IdType,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("secret_sealed", sa.LargeBinary, nullable=False),
    sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    # Null while the enrolment waits for its first code.
    sa.Column("confirmed_at_ns", sa.BigInteger, nullable=True),
    # The highest 30-second step whose code was accepted; a code is accepted only for a
    # strictly later step, which makes every code single-use across processes.
    sa.Column("last_used_step", sa.BigInteger, nullable=False, server_default=sa.text("0")),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    sa.Column(
        "user_id",
        IdType,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("api_key", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("redirect_url", sa.String(2048), nullable=True),
    # Sealed rather than hashed: the Kite checksum sha256(api_key + request_token + secret)
    # can only be checked by a server that can read the secret back.
    sa.Column("secret_sealed", sa.LargeBinary, nullable=False),
    sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    sa.Column("last_used_at_ns", sa.BigInteger, nullable=True),
    sa.Column("revoked_at_ns", sa.BigInteger, nullable=True),
)

request_tokens = sa.Table(
    "request_tokens",
    metadata,
    sa.Column("token_hash", sa.String(SHA256_HEX_LENGTH), primary_key=True),
    sa.Column(
        "api_key_id",
        IdType,
        sa.ForeignKey("api_keys.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column(
        "user_id",
        IdType,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    sa.Column("expires_at_ns", sa.BigInteger, nullable=False),
    sa.Column("used_at_ns", sa.BigInteger, nullable=True),
)

# A session is one login; it is also the family of the refresh tokens issued for it.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(SESSION_ID_LENGTH), primary_key=True),
    sa.Column(
        "user_id",
        IdType,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # "password" (web/app login with refresh tokens) or "api_key" (Kite request-token flow).
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column(
        "api_key_id",
        IdType,
        sa.ForeignKey("api_keys.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    sa.Column("last_used_at_ns", sa.BigInteger, nullable=False),
    sa.Column("expires_at_ns", sa.BigInteger, nullable=False),
    sa.Column("ip", sa.String(64), nullable=True),
    sa.Column("user_agent", sa.String(256), nullable=True),
    sa.Column("revoked_at_ns", sa.BigInteger, nullable=True),
    sa.Column("revoked_reason", sa.String(32), nullable=True),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    # The token family: every rotation of one login's refresh token shares its session.
    sa.Column(
        "session_id",
        sa.String(SESSION_ID_LENGTH),
        sa.ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("token_hash", sa.String(SHA256_HEX_LENGTH), nullable=False, unique=True),
    sa.Column("issued_at_ns", sa.BigInteger, nullable=False),
    sa.Column("expires_at_ns", sa.BigInteger, nullable=False),
    # Set when the token is exchanged for its successor; a second exchange is a reuse.
    sa.Column("used_at_ns", sa.BigInteger, nullable=True),
    sa.Column("revoked_at_ns", sa.BigInteger, nullable=True),
)

# Append-only. No foreign keys: the log must outlive the rows it talks about.
security_audit_log = sa.Table(
    "security_audit_log",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    sa.Column("at_ns", sa.BigInteger, nullable=False, index=True),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("user_id", sa.BigInteger, nullable=True, index=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("session_id", sa.String(SESSION_ID_LENGTH), nullable=True),
    sa.Column("ip", sa.String(64), nullable=True),
    sa.Column("detail", sa.JSON, nullable=True),
)

# One row per SQL projection (ledger, candles, ...): the seq of the last event whose rows are
# committed. Written in the same transaction as those rows, so a restart resumes exactly once.
projection_checkpoints = sa.Table(
    "projection_checkpoints",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("last_event_seq", sa.BigInteger, nullable=False),
)

# --- ledger (double entry; see bourse.ledger.chart for the accounts) ----------------------------

# The ledger's tables take some twenty posting rows a trade, so on SQLite they are laid out to
# insert cheaply: ``ledger_entries``' seq is the rowid (an INTEGER key); the tables keyed by two
# columns are WITHOUT ROWID (the key is the table: no rowid b-tree beside a key index); and the
# postings are indexed only where the statement reads them (``ix_ledger_postings_user_cash``).

DEPOSIT_ENTRIES = "kind = 'FundsDeposited'"
"""The entries ``ix_ledger_entries_deposit_reference`` covers."""

# One entry per value-moving event, keyed by the event's seq; its postings sum to zero per asset.
ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("seq", IdType, primary_key=True, autoincrement=False),
    sa.Column("ts_ns", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("reference", sa.String(64), nullable=False),
    # A payment webhook asks whether its deposit is booked (bourse.funds.store.deposit_booked):
    # partial, so no other entry pays for it. Queries must repeat the condition as literal text.
    sa.Index(
        "ix_ledger_entries_deposit_reference",
        "reference",
        sqlite_where=sa.text(DEPOSIT_ENTRIES),
        postgresql_where=sa.text(DEPOSIT_ENTRIES),
    ),
)

ledger_postings = sa.Table(
    "ledger_postings",
    metadata,
    sa.Column("entry_seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("line", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("account", sa.String(64), nullable=False),
    # "INR" (paise) or an instrument token (shares).
    sa.Column("asset", sa.String(24), nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

USER_CASH_POSTINGS = sa.and_(
    ledger_postings.c.asset == sa.literal_column("'INR'"),
    ledger_postings.c.account.like(sa.literal_column("'user:%'")),
)
"""The postings to users' cash accounts (``bourse.ledger.chart``: a user's INR postings are all
to its cash buckets), a quarter of all postings. Written as literals, not bound parameters: a
query that repeats this condition word for word is one the SQLite and PostgreSQL planners can
answer from the partial index below."""

sa.Index(
    "ix_ledger_postings_user_cash",
    ledger_postings.c.account,
    ledger_postings.c.entry_seq,
    ledger_postings.c.line,
    sqlite_where=USER_CASH_POSTINGS,
    postgresql_where=USER_CASH_POSTINGS,
)

# Derived: the sum of the postings per (account, asset), kept in the same transaction.
ledger_balances = sa.Table(
    "ledger_balances",
    metadata,
    sa.Column("account", sa.String(64), primary_key=True),
    sa.Column("asset", sa.String(24), primary_key=True),
    sa.Column("balance", sa.BigInteger, nullable=False),
)

# Each account's side of each fill (and of each MIS square-off), charges by component: the
# tradebook, P&L and contract notes read it.
ledger_trades = sa.Table(
    "ledger_trades",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("side", sa.String(4), primary_key=True),
    sa.Column("ts_ns", sa.BigInteger, nullable=False),
    sa.Column("trade_id", sa.BigInteger, nullable=False),
    sa.Column("order_id", sa.BigInteger, nullable=False),
    sa.Column("account", sa.BigInteger, nullable=False),
    sa.Column("token", sa.BigInteger, nullable=False),
    sa.Column("product", sa.String(8), nullable=False),
    sa.Column("quantity", sa.BigInteger, nullable=False),
    sa.Column("price", sa.BigInteger, nullable=False),
    sa.Column("brokerage", sa.BigInteger, nullable=False),
    sa.Column("stt", sa.BigInteger, nullable=False),
    sa.Column("exchange_charge", sa.BigInteger, nullable=False),
    sa.Column("sebi_fee", sa.BigInteger, nullable=False),
    sa.Column("gst", sa.BigInteger, nullable=False),
    sa.Column("stamp_duty", sa.BigInteger, nullable=False),
    sa.Index("ix_ledger_trades_account_ts_ns", "account", "ts_ns"),
    sqlite_with_rowid=False,
)

# Every `bourse reconcile` run. Withdrawals stay frozen while the newest run found differences.
ledger_reconciliations = sa.Table(
    "ledger_reconciliations",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    sa.Column("at_ns", sa.BigInteger, nullable=False),
    sa.Column("event_seq", sa.BigInteger, nullable=False),
    sa.Column("differences", sa.Integer, nullable=False),
    sa.Column("report", sa.JSON, nullable=False),
)

# --- funds through the payment-gateway sandbox ---------------------------------------------------

bank_accounts = sa.Table(
    "bank_accounts",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    sa.Column(
        "user_id", IdType, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("holder_name", sa.String(100), nullable=False),
    # Only the last four digits are kept: a payout names the account, it never shows it.
    sa.Column("account_last4", sa.String(4), nullable=False),
    sa.Column("ifsc", sa.String(11), nullable=False),
    sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    sa.Column("removed_at_ns", sa.BigInteger, nullable=True),
)

# A deposit's life: created (checkout open) -> captured (the webhook issued the Deposit) or failed.
payments = sa.Table(
    "payments",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column(
        "user_id", IdType, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("account", sa.BigInteger, nullable=False),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    sa.Column("updated_at_ns", sa.BigInteger, nullable=False),
)

# A withdrawal's life: pending (RequestWithdrawal journaled) -> processed or reversed.
payouts = sa.Table(
    "payouts",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column(
        "user_id", IdType, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("account", sa.BigInteger, nullable=False),
    sa.Column(
        "bank_account_id",
        IdType,
        sa.ForeignKey("bank_accounts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at_ns", sa.BigInteger, nullable=False),
    sa.Column("updated_at_ns", sa.BigInteger, nullable=False),
)

# Webhook deliveries already acted on, by the gateway's event id: a replay is acknowledged and
# ignored. Kept forever (it is small) so an old event id can never be replayed.
webhook_events = sa.Table(
    "webhook_events",
    metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("received_at_ns", sa.BigInteger, nullable=False),
)

# Candles of every interval (minutes; 1440 = day), built from trades by the candle projection
# (bourse.marketdata.candle_projection). The key (instrument, interval, start) makes a range
# query one index scan.
candles = sa.Table(
    "candles",
    metadata,
    sa.Column("instrument_token", sa.BigInteger, primary_key=True),
    sa.Column("interval_minutes", sa.Integer, primary_key=True),
    sa.Column("start_ns", sa.BigInteger, primary_key=True),
    sa.Column("open", sa.BigInteger, nullable=False),
    sa.Column("high", sa.BigInteger, nullable=False),
    sa.Column("low", sa.BigInteger, nullable=False),
    sa.Column("close", sa.BigInteger, nullable=False),
    sa.Column("volume", sa.BigInteger, nullable=False),
)
