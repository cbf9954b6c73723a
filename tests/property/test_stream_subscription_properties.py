"""Subscribe, unsubscribe and mode changes, in any order, deliver exactly what is subscribed:
after a flush the connection holds one tick per subscribed instrument that changed (or was
just subscribed), in the mode it asked for last, and nothing else."""

import asyncio
import json

from hypothesis import given
from hypothesis import strategies as st

from bourse.api.stream_connection import StreamConnection
from bourse.api.stream_hub import MODES, StreamHub
from tests.unit.api.stream_fakes import FakeSocket, FedModels
from tests.unit.core.market import INFY, TCS

UNKNOWN = 999_999
tokens = st.lists(st.sampled_from([INFY, TCS, UNKNOWN]), max_size=3)
action = st.one_of(
    st.tuples(st.just("subscribe"), st.just(""), tokens),
    st.tuples(st.just("unsubscribe"), st.just(""), tokens),
    st.tuples(st.just("mode"), st.sampled_from(MODES), tokens),
    st.tuples(st.sampled_from(["flush_busy", "flush_quiet"]), st.just(""), st.just([])),
)


def delivered(connection: StreamConnection) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    while (message := connection.next_message()) is not None:
        decoded = json.loads(message)
        if decoded["type"] == "ticks":
            for tick in decoded["data"]:
                found.add((tick["instrument_token"], tick["mode"]))
    return found


@given(st.lists(action, max_size=25))
def test_changes_of_subscription_deliver_exactly_what_is_subscribed(
    actions: list[tuple[str, str, list[int]]],
) -> None:
    async def scenario() -> None:
        market = FedModels()
        hub = StreamHub(market.models, flush_interval=3600)
        hub.start()
        connection = StreamConnection(FakeSocket(), account=7)
        hub.register(connection)
        modes: dict[int, str] = {}
        fresh: set[int] = set()
        price = 100_00
        for kind, mode, chosen in actions:
            known = [token for token in chosen if token != UNKNOWN]
            if kind == "subscribe":
                problems = hub.subscribe(connection, chosen, "quote")
                assert bool(problems) == (UNKNOWN in chosen)
                for token in known:
                    modes[token] = "quote"
                    fresh.add(token)
            elif kind == "unsubscribe":
                hub.unsubscribe(connection, chosen)
                for token in known:
                    modes.pop(token, None)
                    fresh.discard(token)
            elif kind == "mode":
                hub.subscribe(connection, chosen, mode)
                for token in known:
                    modes[token] = mode
                    fresh.add(token)
            else:
                if kind == "flush_busy":
                    price += 5
                    market.buy(1, 1, price, token=INFY)
                    market.buy(1, 1, price + 100_00, token=TCS)
                    expected = set(modes.items())
                else:
                    expected = {(token, modes[token]) for token in fresh}
                hub.flush()
                assert delivered(connection) == expected
                fresh.clear()
            assert connection.modes == modes
        await hub.stop()

    asyncio.run(scenario())
