"""``Idempotency-Key`` on the trading writes, over real HTTP on SQLite and PostgreSQL."""

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import msgspec
import pytest
from tests.integration.api.conftest import Served
from tests.integration.api.identity_helpers import assert_error, data
from tests.integration.api.trading_helpers import Trader, new_trader, open_venue, order

ORDERS = "/api/v1/orders/regular"
_encode = msgspec.json.Encoder(decimal_format="number").encode


@pytest.fixture
def venue(tmp_path: Path, database_url: str) -> Iterator[Served]:
    with open_venue(tmp_path / "var", database_url) as served:
        yield served


@pytest.fixture
def alice(venue: Served) -> Iterator[Trader]:
    with venue.client() as http:
        yield new_trader(http)


async def _send_concurrently(
    base_url: str, headers: dict[str, str], body: bytes, copies: int
) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        return await asyncio.gather(
            *(client.post(ORDERS, content=body, headers=headers) for _ in range(copies))
        )


def test_five_concurrent_copies_make_one_order_and_get_one_answer(
    venue: Served, alice: Trader
) -> None:
    headers = {**alice.headers, "Content-Type": "application/json", "Idempotency-Key": "k-1"}
    body = _encode(order("BUY", 10, "1500"))

    responses = asyncio.run(_send_concurrently(venue.base_url, headers, body, 5))

    assert {response.status_code for response in responses} == {200}
    assert len({response.content for response in responses}) == 1
    [placed] = alice.orders()
    assert responses[0].json()["data"] == {"order_id": placed["order_id"]}
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 4


def test_a_retry_after_the_answer_gets_the_same_answer(alice: Trader) -> None:
    body = order("BUY", 10, "1500")
    first = alice.send("POST", ORDERS, body, key="retry")
    second = alice.send("POST", ORDERS, body, key="retry")

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(alice.orders()) == 1


def test_the_same_key_with_another_body_is_a_409_and_changes_nothing(alice: Trader) -> None:
    alice.send("POST", ORDERS, order("BUY", 10, "1500"), key="same")
    funds = alice.funds()

    response = alice.send("POST", ORDERS, order("BUY", 11, "1500"), key="same")

    assert_error(response, 409, "InputException")
    assert len(alice.orders()) == 1
    assert alice.funds() == funds


def test_the_same_key_on_another_route_is_a_409(alice: Trader) -> None:
    order_id = alice.place(order("BUY", 10, "1500"), key="used")

    response = alice.send("DELETE", f"{ORDERS}/{order_id}", key="used")

    assert_error(response, 409)
    assert alice.current(order_id)["status"] == "OPEN"


def test_a_rejection_is_remembered_too(alice: Trader) -> None:
    body = order("BUY", 10, "1500.03")
    first = alice.send("POST", ORDERS, body, key="bad")
    second = alice.send("POST", ORDERS, body, key="bad")

    assert_error(first, 400, "OrderException")
    assert first.content == second.content
    assert len(alice.orders()) == 1  # one REJECTED order, not two


def test_keys_belong_to_their_user(venue: Served, alice: Trader) -> None:
    with venue.client() as http:
        bob = new_trader(http)
        body = order("BUY", 10, "1500")

        mine = alice.send("POST", ORDERS, body, key="shared-name")
        theirs = bob.send("POST", ORDERS, body, key="shared-name")

        assert data(mine) != data(theirs)
        assert len(alice.orders()) == len(bob.orders()) == 1


def test_modify_cancel_and_deposit_are_idempotent(alice: Trader) -> None:
    order_id = alice.place(order("BUY", 10, "1500"))
    for _ in range(3):
        assert alice.send("PUT", f"{ORDERS}/{order_id}", {"price": 1499}, key="m").is_success
    history = alice.http.get(f"/api/v1/orders/{order_id}", headers=alice.headers).json()
    assert len(history["data"]) == 2

    cancels = [alice.send("DELETE", f"{ORDERS}/{order_id}", key="c") for _ in range(3)]
    assert {response.status_code for response in cancels} == {200}

    before = alice.funds()["available"]
    for _ in range(3):
        alice.send("POST", "/api/v1/funds/deposit", {"amount": Decimal("250.50")}, key="d")
    assert Decimal(str(alice.funds()["available"])) == Decimal(str(before)) + Decimal("250.50")


@pytest.mark.parametrize("key", [b"", b"x" * 256, "naïve".encode("latin-1")])
def test_a_malformed_key_is_a_400(alice: Trader, key: bytes) -> None:
    headers: dict[str, str | bytes] = {**alice.headers, "Idempotency-Key": key}
    response = alice.http.post(ORDERS, content=_encode(order()), headers=headers)

    assert_error(response, 400, "InputException")
    assert alice.orders() == []
