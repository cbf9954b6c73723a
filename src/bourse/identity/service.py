"""The identity service: sign-up, login with optional TOTP, TOTP enrolment.

Sessions and tokens (``session_service``) and Kite Connect API keys (``api_key_service``)
are mixins of the same class, to keep each module readable; callers only see
``IdentityService``.

Every method is synchronous and opens short transactions (the gateway runs it in a thread
pool). Slow work (argon2) happens outside transactions. Failures that must leave a trace
(audit rows, a revoked token family) are committed first and raised afterwards.
"""

from typing import NoReturn

from bourse.identity import totp
from bourse.identity.api_key_service import ApiKeyFlows
from bourse.identity.audit_events import AuditEvent
from bourse.identity.clock import Clock, system_clock
from bourse.identity.emails import normalise_email
from bourse.identity.errors import (
    AccountDisabledError,
    EmailAlreadyRegisteredError,
    IdentityError,
    InvalidCredentialsError,
    InvalidEmailError,
    InvalidTotpCodeError,
    LoginThrottledError,
    NotFoundError,
    TotpAlreadyEnrolledError,
    TotpCodeReusedError,
    TotpNotEnrolledError,
    TotpRequiredError,
)
from bourse.identity.login_throttle import LoginThrottle
from bourse.identity.models import (
    ClientInfo,
    IdentityPolicy,
    TokenPair,
    TotpEnrolment,
    User,
)
from bourse.identity.passwords import Argon2PasswordHasher, check_new_password
from bourse.identity.refresh import SESSION_KIND_PASSWORD, SessionFamilies
from bourse.identity.sealing import SecretBox
from bourse.identity.session_service import SessionFlows
from bourse.identity.tokens import AccessTokenCodec
from bourse.store.errors import DuplicateEmailError
from bourse.store.identity_store import IdentityStore, IdentityTransaction
from bourse.store.records import TotpEnrolmentRecord, UserRecord

_NS_PER_SECOND = 1_000_000_000
_NO_CLIENT = ClientInfo()


class IdentityService(SessionFlows, ApiKeyFlows):
    """Users, logins, TOTP, sessions and API keys over an ``IdentityStore``.

    Thread-safe: it holds no per-request state; the login throttle locks internally. Build it
    with ``build_identity_service(settings, engine)``; tests pass a ``ManualClock``.
    """

    def __init__(
        self,
        store: IdentityStore,
        *,
        passwords: Argon2PasswordHasher,
        tokens: AccessTokenCodec,
        sessions: SessionFamilies,
        secret_box: SecretBox,
        login_throttle: LoginThrottle,
        policy: IdentityPolicy,
        clock: Clock = system_clock,
    ) -> None:
        self._store = store
        self._passwords = passwords
        self._tokens = tokens
        self._sessions = sessions
        self._secret_box = secret_box
        self._throttle = login_throttle
        self._policy = policy
        self._clock = clock

    # -- accounts ---------------------------------------------------------------------------

    def sign_up(self, email: str, password: str, client: ClientInfo = _NO_CLIENT) -> User:
        email = normalise_email(email)
        check_new_password(password, email=email)
        password_hash = self._passwords.hash(password)
        now = self._clock()
        with self._store.transaction() as tx:
            try:
                user = tx.users.add(email, password_hash, now)
            except DuplicateEmailError:
                raise EmailAlreadyRegisteredError() from None
            tx.audit.record(
                AuditEvent.USER_SIGNED_UP, now, user_id=user.id, email=email, ip=client.ip
            )
        return _user(user, totp_enabled=False)

    def get_user(self, user_id: int) -> User:
        with self._store.read() as tx:
            user = tx.users.by_id(user_id)
            enrolment = tx.totp.get(user_id)
        if user is None:
            raise NotFoundError(f"no user {user_id}")
        return _user(user, totp_enabled=_confirmed(enrolment))

    def disable_user(self, user_id: int, reason: str) -> None:
        """Refuse the user's logins from now on and end every session (an admin action)."""
        now = self._clock()
        with self._store.transaction() as tx:
            if tx.users.by_id(user_id) is None:
                raise NotFoundError(f"no user {user_id}")
            tx.users.disable(user_id, now)
            ended = tx.sessions.revoke_for_user(user_id, now, "user_disabled")
            tx.audit.record(
                AuditEvent.USER_DISABLED,
                now,
                user_id=user_id,
                detail={"reason": reason, "sessions_ended": len(ended)},
            )

    # -- login ------------------------------------------------------------------------------

    def login(
        self,
        email: str,
        password: str,
        *,
        totp_code: str | None = None,
        client: ClientInfo = _NO_CLIENT,
    ) -> TokenPair:
        """Check the password (and the TOTP code when enrolled), open a session."""
        now = self._clock()
        throttle_key = email.strip().lower()
        try:
            self._throttle.check(throttle_key, client.ip, now)
        except LoginThrottledError:
            self._audit(AuditEvent.LOGIN_THROTTLED, now, email=throttle_key[:254], ip=client.ip)
            raise
        try:
            email = normalise_email(email)
        except InvalidEmailError:
            self._passwords.verify_dummy(password)
            self._login_failed(throttle_key, None, client, now, "malformed_email")
        with self._store.read() as tx:
            user = tx.users.by_email(email)
            password_hash = None if user is None else tx.users.password_hash(user.id)
            enrolment = None if user is None else tx.totp.get(user.id)
        if user is None or password_hash is None:
            self._passwords.verify_dummy(password)
            self._login_failed(email, None, client, now, "unknown_email")
        if not self._passwords.verify(password_hash, password):
            self._login_failed(email, user.id, client, now, "wrong_password")
        if user.disabled_at_ns is not None:
            self._audit(
                AuditEvent.LOGIN_FAILED,
                now,
                user_id=user.id,
                ip=client.ip,
                detail={"reason": "account_disabled"},
            )
            raise AccountDisabledError()
        if _confirmed(enrolment) and totp_code is None:
            raise TotpRequiredError()

        # Hashed before the transaction: argon2 must not hold SQLite's write lock.
        new_hash = (
            self._passwords.hash(password) if self._passwords.needs_rehash(password_hash) else None
        )
        failure: IdentityError | None = None
        with self._store.transaction() as tx:
            if enrolment is not None and _confirmed(enrolment):
                assert totp_code is not None  # checked above
                failure = self._consume_totp(tx, enrolment, totp_code, now)
            if failure is None:
                if new_hash is not None:
                    tx.users.set_password_hash(user.id, new_hash, now)
                    tx.audit.record(AuditEvent.PASSWORD_REHASHED, now, user_id=user.id)
                session = self._sessions.open(
                    tx, user_id=user.id, kind=SESSION_KIND_PASSWORD, client=client, now_ns=now
                )
                refresh_token, refresh_expires = self._sessions.issue_refresh_token(
                    tx, session, now
                )
                tx.audit.record(
                    AuditEvent.LOGIN_SUCCEEDED,
                    now,
                    user_id=user.id,
                    session_id=session.id,
                    ip=client.ip,
                    detail={"totp": enrolment is not None and _confirmed(enrolment)},
                )
        if failure is not None:
            self._throttle.record_failure(email, client.ip, now)
            raise failure
        return self._token_pair(session, refresh_token, refresh_expires, now)

    def _consume_totp(
        self, tx: IdentityTransaction, enrolment: TotpEnrolmentRecord, code: str, now: int
    ) -> IdentityError | None:
        """Accept ``code`` once inside ``tx``; on failure audit it and return the error."""
        key = self._totp_key(enrolment)
        try:
            totp.verify_once(
                key,
                code,
                now // _NS_PER_SECOND,
                lambda step: tx.totp.consume_step(enrolment.user_id, step),
            )
        except (InvalidTotpCodeError, TotpCodeReusedError) as error:
            event = (
                AuditEvent.TOTP_REPLAY_REJECTED
                if isinstance(error, TotpCodeReusedError)
                else AuditEvent.TOTP_REJECTED
            )
            tx.audit.record(event, now, user_id=enrolment.user_id)
            return error
        return None

    def _login_failed(
        self, email: str, user_id: int | None, client: ClientInfo, now: int, reason: str
    ) -> NoReturn:
        self._throttle.record_failure(email, client.ip, now)
        self._audit(
            AuditEvent.LOGIN_FAILED,
            now,
            user_id=user_id,
            email=email[:254],
            ip=client.ip,
            detail={"reason": reason},
        )
        raise InvalidCredentialsError()

    # -- TOTP enrolment ---------------------------------------------------------------------

    def enrol_totp(self, user_id: int) -> TotpEnrolment:
        """Start (or restart) an enrolment; TOTP is enforced only once confirmed."""
        now = self._clock()
        secret = totp.new_secret()
        with self._store.transaction() as tx:
            user = tx.users.by_id(user_id)
            if user is None:
                raise NotFoundError(f"no user {user_id}")
            if _confirmed(tx.totp.get(user_id)):
                raise TotpAlreadyEnrolledError()
            sealed = self._secret_box.seal(secret.encode("ascii"), _totp_context(user_id))
            tx.totp.start(user_id, sealed, now)
            tx.audit.record(AuditEvent.TOTP_ENROLMENT_STARTED, now, user_id=user_id)
        uri = totp.provisioning_uri(
            secret, account_name=user.email, issuer=self._policy.totp_issuer
        )
        return TotpEnrolment(secret=secret, provisioning_uri=uri)

    def confirm_totp(self, user_id: int, code: str) -> None:
        """Enable TOTP with a first valid code (which is then spent, like any other)."""
        now = self._clock()
        failure: IdentityError | None = None
        with self._store.transaction() as tx:
            enrolment = tx.totp.get(user_id)
            if enrolment is None:
                raise TotpNotEnrolledError()
            if _confirmed(enrolment):
                raise TotpAlreadyEnrolledError()
            failure = self._consume_totp(tx, enrolment, code, now)
            if failure is None:
                tx.totp.confirm(user_id, now)
                tx.audit.record(AuditEvent.TOTP_ENABLED, now, user_id=user_id)
        if failure is not None:
            raise failure

    def _totp_key(self, enrolment: TotpEnrolmentRecord) -> bytes:
        secret = self._secret_box.open(enrolment.secret_sealed, _totp_context(enrolment.user_id))
        return totp.decode_secret(secret.decode("ascii"))

    def _audit(
        self,
        event: AuditEvent,
        now: int,
        *,
        user_id: int | None = None,
        email: str | None = None,
        ip: str | None = None,
        detail: dict[str, object] | None = None,
    ) -> None:
        """Write one audit row in its own transaction, for failures that change nothing else."""
        with self._store.transaction() as tx:
            tx.audit.record(event, now, user_id=user_id, email=email, ip=ip, detail=detail)


def _confirmed(enrolment: TotpEnrolmentRecord | None) -> bool:
    return enrolment is not None and enrolment.confirmed_at_ns is not None


def _totp_context(user_id: int) -> bytes:
    return f"totp:{user_id}".encode("ascii")


def _user(record: UserRecord, *, totp_enabled: bool) -> User:
    return User(
        user_id=record.id,
        account_id=record.account_id,
        email=record.email,
        created_at_ns=record.created_at_ns,
        totp_enabled=totp_enabled,
    )
