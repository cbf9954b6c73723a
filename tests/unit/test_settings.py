"""Settings from BOURSE_* variables: defaults, parsing, and refusal of default secrets."""

from pathlib import Path

import pytest

from bourse.settings import (
    DEVELOPMENT_ENCRYPTION_KEY,
    DEVELOPMENT_JWT_SECRET,
    Settings,
    SettingsError,
)

STRONG_JWT = "j" * 48
STRONG_KEY = "k" * 48
PRODUCTION = {
    "BOURSE_MODE": "production",
    "BOURSE_JWT_SECRET": STRONG_JWT,
    "BOURSE_ENCRYPTION_KEY": STRONG_KEY,
}


def test_empty_environment_gives_development_defaults() -> None:
    settings = Settings.from_env({})

    assert settings.mode == "development" and settings.is_development
    assert settings.database_url == "sqlite:///./var/bourse.db"
    assert settings.data_dir == Path("./var")
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.tokens.jwt_secret == DEVELOPMENT_JWT_SECRET
    assert settings.tokens.jwt_algorithm == "HS256"
    assert settings.tokens.access_token_ttl_seconds == 900
    assert settings.password_hashing.memory_cost_kib == 19_456
    assert settings.password_hashing.time_cost == 2
    assert settings.password_hashing.parallelism == 1
    assert settings.projections == "process"
    assert settings.order_history_kept == 5_000


def test_the_order_history_bound_is_read() -> None:
    assert Settings.from_env({"BOURSE_ORDER_HISTORY_KEPT": "200"}).order_history_kept == 200


def test_projections_can_run_in_a_thread_of_the_server() -> None:
    assert Settings.from_env({"BOURSE_PROJECTIONS": "thread"}).projections == "thread"


def test_default_database_follows_the_data_dir() -> None:
    settings = Settings.from_env({"BOURSE_DATA_DIR": "/srv/bourse"})

    assert settings.database_url == "sqlite:////srv/bourse/bourse.db"


def test_variables_are_read() -> None:
    settings = Settings.from_env(
        PRODUCTION
        | {
            "BOURSE_DATABASE_URL": "postgresql://u@db/bourse",
            "BOURSE_PORT": "9000",
            "BOURSE_HOST": "0.0.0.0",
            "BOURSE_JWT_ISSUER": "iss",
            "BOURSE_JWT_AUDIENCE": "aud",
            "BOURSE_ACCESS_TOKEN_TTL_SECONDS": "60",
            "BOURSE_RATE_LIMIT_USER_PER_SECOND": "2.5",
            "BOURSE_LOGIN_FAILURES_PER_EMAIL": "3",
        }
    )

    assert settings.mode == "production"
    assert settings.database_url == "postgresql://u@db/bourse"
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    assert (settings.tokens.jwt_issuer, settings.tokens.jwt_audience) == ("iss", "aud")
    assert settings.tokens.access_token_ttl_seconds == 60
    assert settings.rate_limits.user_requests_per_second == 2.5
    assert settings.rate_limits.login_failures_per_email == 3


def test_production_with_strong_secrets_is_accepted() -> None:
    assert Settings.from_env(PRODUCTION).tokens.jwt_secret == STRONG_JWT


@pytest.mark.parametrize("unset", ["BOURSE_JWT_SECRET", "BOURSE_ENCRYPTION_KEY"])
def test_production_refuses_a_missing_secret(unset: str) -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k != unset}

    with pytest.raises(SettingsError, match=f"{unset} is the built-in development value"):
        Settings.from_env(environ)


@pytest.mark.parametrize("name", ["BOURSE_JWT_SECRET", "BOURSE_ENCRYPTION_KEY"])
def test_production_refuses_an_empty_secret(name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(PRODUCTION | {name: ""})


@pytest.mark.parametrize("default", [DEVELOPMENT_JWT_SECRET, DEVELOPMENT_ENCRYPTION_KEY])
def test_production_refuses_the_development_secrets_set_explicitly(default: str) -> None:
    with pytest.raises(SettingsError, match="development value"):
        Settings.from_env(PRODUCTION | {"BOURSE_JWT_SECRET": default})


def test_short_secret_is_refused_in_every_mode() -> None:
    with pytest.raises(SettingsError, match="at least 32 characters"):
        Settings.from_env({"BOURSE_JWT_SECRET": "too-short"})


def test_production_refuses_one_secret_for_two_purposes() -> None:
    with pytest.raises(SettingsError, match="must be different"):
        Settings.from_env(PRODUCTION | {"BOURSE_ENCRYPTION_KEY": STRONG_JWT})


def test_production_refuses_weak_argon2_parameters() -> None:
    with pytest.raises(SettingsError, match="argon2 parameters"):
        Settings.from_env(PRODUCTION | {"BOURSE_ARGON2_MEMORY_KIB": "8"})


def test_development_allows_cheap_argon2_for_tests() -> None:
    settings = Settings.from_env({"BOURSE_ARGON2_MEMORY_KIB": "8", "BOURSE_ARGON2_TIME_COST": "1"})

    assert settings.password_hashing.memory_cost_kib == 8


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"BOURSE_MODE": "production", "BOURSE_PORT": "http"})

    message = str(raised.value)
    assert "BOURSE_PORT 'http' is not an integer" in message
    assert "BOURSE_JWT_SECRET" in message and "BOURSE_ENCRYPTION_KEY" in message


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BOURSE_MODE", "staging", "BOURSE_MODE 'staging' is not one of"),
        ("BOURSE_PORT", "70000", "BOURSE_PORT 70000 must be between 1 and 65535"),
        ("BOURSE_JWT_ALGORITHM", "none", "BOURSE_JWT_ALGORITHM 'none' is not one of"),
        ("BOURSE_RATE_LIMIT_IP_PER_SECOND", "0", "must be a positive finite number"),
        ("BOURSE_REFRESH_TOKEN_TTL_SECONDS", "-5", "must be >= 1"),
        ("BOURSE_PROJECTIONS", "cluster", "BOURSE_PROJECTIONS 'cluster' is not one of"),
        ("BOURSE_ORDER_HISTORY_KEPT", "0", "BOURSE_ORDER_HISTORY_KEPT .*must be >= 1"),
    ],
)
def test_bad_values_are_named_in_the_error(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({name: value})


def test_secrets_are_not_in_the_repr() -> None:
    settings = Settings.from_env(PRODUCTION)

    assert STRONG_JWT not in repr(settings) and STRONG_KEY not in repr(settings)


def test_simulator_variables_are_read() -> None:
    settings = Settings.from_env(
        {
            "BOURSE_SIM": "off",
            "BOURSE_SIM_RATE": "250",
            "BOURSE_SIM_SEED": "7",
            "BOURSE_INSTRUMENTS_CSV": "/data/mine.csv",
        }
    )

    simulator = settings.simulator
    assert (simulator.enabled, simulator.order_rate, simulator.seed) == (False, 250.0, 7)
    assert simulator.instruments_csv == "/data/mine.csv"
    assert Settings.from_env({}).simulator.enabled


def test_simulator_switch_refuses_other_words() -> None:
    with pytest.raises(SettingsError, match="BOURSE_SIM 'maybe' is not one of on, off"):
        Settings.from_env({"BOURSE_SIM": "maybe"})


def test_end_of_day_times_must_be_times_of_day() -> None:
    with pytest.raises(SettingsError, match="BOURSE_MIS_SQUARE_OFF_AT '3pm' is not a time"):
        Settings.from_env({"BOURSE_MIS_SQUARE_OFF_AT": "3pm"})
    settings = Settings.from_env({"BOURSE_MIS_SQUARE_OFF_AT": "15:20", "BOURSE_SETTLEMENT_AT": ""})
    assert (settings.mis_square_off_at, settings.settlement_at) == ("15:20", "")
