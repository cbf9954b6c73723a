"""The terminal's other screens with the demo user of `bourse run`: depth, chart, holdings,
modify, exit, watch lists, account settings, reconnection, themes and a phone's width."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from bourse.sim.seed import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.web.conftest import Shots

ORDER_WINDOW = "form[aria-label='Order window']"
SOCKETS = """
window.__sockets = [];
window.__sent = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    window.__sockets.push(this);
  }
  send(data) {
    window.__sent.push(String(data));
    super.send(data);
  }
};
"""


@pytest.fixture
def demo(context: BrowserContext, page: Page) -> Iterator[Page]:
    context.add_init_script(SOCKETS)
    page.goto("/")
    page.fill("input[name=email]", DEMO_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_selector("[data-testid=connection][data-status=open]")
    yield page


def row(page: Page, symbol: str) -> None:
    page.hover(f".watch-row[data-symbol={symbol}]")


def test_depth_shows_five_levels_a_side_with_totals_and_twenty_on_demand(
    demo: Page, shots: Shots
) -> None:
    row(demo, "ITC")
    demo.keyboard.press("d")
    depth = demo.get_by_role("region", name="Market depth")

    # The simulator's market makers quote more than five levels a side on every book.
    expect(depth.locator(".depth-side.bid tbody tr")).to_have_count(5)
    expect(depth.locator(".depth-side.ask tbody tr")).to_have_count(5)
    expect(depth.get_by_test_id("total-buy")).to_have_text(re.compile(r"^[1-9][0-9,]*$"))
    expect(depth.get_by_test_id("total-sell")).to_have_text(re.compile(r"^[1-9][0-9,]*$"))
    shots("depth-5")
    depth.get_by_role("button", name="20 levels").click()
    expect(depth.get_by_role("button", name="5 levels")).to_be_visible()
    bids = depth.locator(".depth-side.bid tbody tr")
    expect(bids.nth(4)).to_be_visible()  # as many levels as the book has, up to 20
    assert bids.count() <= 20
    shots("depth-20")


def test_chart_draws_and_says_when_history_is_missing(demo: Page, shots: Shots) -> None:
    row(demo, "RELIANCE")
    demo.locator(".watch-row[data-symbol=RELIANCE] button[title=Chart]").click()

    expect(demo).to_have_url(f"{demo.url.split('/chart')[0]}/chart/{738561}")
    expect(demo.locator(".chart-host canvas").first).to_be_visible()
    expect(demo.locator("[data-testid=chart-empty]").or_(demo.locator(".legend"))).to_be_visible()
    demo.get_by_role("button", name="5m", exact=True).click()
    expect(demo.get_by_role("button", name="5m", exact=True)).to_have_class("active")
    shots("chart")


def test_holdings_show_live_pnl_and_day_change(demo: Page, shots: Shots) -> None:
    demo.get_by_role("link", name="Holdings").click()

    holdings = demo.get_by_role("region", name="Holdings")
    for symbol in ("RELIANCE", "INFY", "TCS"):
        expect(holdings.locator(f"tr[data-symbol={symbol}]")).to_be_visible()
    expect(holdings.locator("tr[data-symbol=INFY] td").nth(1)).to_have_text("25")
    expect(holdings).to_contain_text("Day's change")
    shots("holdings")


def test_open_order_is_modified_then_cancelled(demo: Page, shots: Shots) -> None:
    row(demo, "SBIN")
    demo.keyboard.press("b")
    window = demo.locator(ORDER_WINDOW)
    window.locator("input[name=price]").fill("790")
    window.locator("input[name=price]").press("Enter")
    expect(window).to_be_hidden()
    demo.get_by_role("link", name="Orders").click()
    open_row = demo.get_by_role("region", name="Open orders").locator("tr", has_text="SBIN")
    expect(open_row).to_contain_text("790.00")

    open_row.get_by_role("button", name="Modify").click()
    window.locator("input[name=quantity]").fill("3")
    window.locator("input[name=price]").fill("795.5")
    shots("modify-window")
    window.get_by_role("button", name="Modify").click()
    expect(window).to_be_hidden()
    expect(open_row).to_contain_text("795.50")
    expect(open_row).to_contain_text("0 / 3")
    shots("modified")
    open_row.get_by_role("button", name="Cancel").click()
    expect(demo.get_by_role("region", name="Open orders").locator("tr")).to_have_count(0)


def test_position_is_exited_from_the_positions_screen(demo: Page, shots: Shots) -> None:
    row(demo, "LT")
    demo.keyboard.press("b")
    window = demo.locator(ORDER_WINDOW)
    window.get_by_label("Intraday MIS").check()
    window.get_by_label("Market", exact=True).check()
    window.locator("input[name=quantity]").fill("2")
    window.get_by_role("button", name="Buy", exact=True).click()
    expect(demo.locator(".toast.success", has_text="Order executed")).to_be_visible()
    demo.get_by_role("link", name="Positions").click()
    position = demo.locator("tr[data-symbol=LT]")
    expect(position.locator("td").nth(2)).to_have_text("2")
    shots("position-open")

    position.get_by_role("button", name="Exit").click()
    expect(window).to_contain_text("SELL LT")
    expect(window.locator("input[name=quantity]")).to_have_value("2")
    window.get_by_label("Market", exact=True).check()
    window.get_by_role("button", name="Sell", exact=True).click()

    expect(position.locator("td").nth(2)).to_have_text("0")
    expect(position.get_by_role("button", name="Exit")).to_have_count(0)
    shots("position-closed")


def test_watchlists_are_named_searched_and_kept_across_reloads(demo: Page, shots: Shots) -> None:
    demo.get_by_role("button", name="+", exact=True).click()
    expect(demo.locator(".watch-row")).to_have_count(0)
    search = demo.get_by_label("Search instruments")
    search.fill("kotak")
    expect(demo.locator(".results li").first).to_contain_text("KOTAKBANK")
    search.press("Enter")
    search.fill("tcs")
    demo.locator(".results li", has_text="TCS").click()
    expect(demo.locator(".watch-row")).to_have_count(2)
    shots("second-list")

    demo.reload()
    demo.wait_for_selector("[data-testid=connection][data-status=open]")
    expect(demo.locator(".watch-row")).to_have_count(2)
    demo.locator(".list-tabs button", has_text="1").click()
    expect(demo.locator(".watch-row").nth(2)).to_be_visible()  # the default list is back


def test_reports_screen_shows_the_ledger_reports_or_says_they_are_coming(
    demo: Page, shots: Shots
) -> None:
    demo.get_by_role("link", name="Reports").click()

    reports = demo.get_by_role("region", name="Reports")
    expect(reports.locator(".notice").or_(reports.locator("table, .empty"))).to_be_visible()
    shots("reports")


def test_account_lists_sessions_and_creates_an_api_key(demo: Page, shots: Shots) -> None:
    demo.get_by_role("link", name="Account").click()
    expect(demo.get_by_role("region", name="Sessions")).to_contain_text("this session")

    demo.fill("input[name=api-key-name]", "my bot")
    demo.get_by_role("button", name="Create key").click()

    expect(demo.get_by_test_id("new-api-key")).to_contain_text("secret")
    expect(demo.get_by_role("region", name="API keys").locator("tbody tr")).to_have_count(1)
    shots("account")


def test_stream_reconnects_and_resubscribes(demo: Page, shots: Shots) -> None:
    connection = demo.get_by_test_id("connection")
    subscribed_before = demo.evaluate("window.__sent.length")

    demo.evaluate("window.__sockets.at(-1).close()")

    expect(connection).to_have_attribute("data-status", "reconnecting")
    expect(demo.locator(".toast.error", has_text="Connection lost")).to_be_visible()
    shots("reconnecting")
    expect(connection).to_have_attribute("data-status", "open")
    expect(demo.locator(".toast.success", has_text="Reconnected")).to_be_visible()
    resent = demo.evaluate(f"window.__sent.slice({subscribed_before})")
    assert any('"a":"mode"' in message and '"quote"' in message for message in resent), resent
    assert demo.evaluate("window.__sockets.length") == 2
    shots("reconnected")


def test_dark_theme_and_phone_width(demo: Page, shots: Shots) -> None:
    demo.get_by_role("button", name="Toggle theme").click()
    expect(demo.locator("html")).to_have_attribute("data-theme", "dark")
    shots("dark")

    demo.set_viewport_size({"width": 390, "height": 844})
    expect(demo.locator(".watchlist")).to_be_visible()
    assert demo.evaluate("document.documentElement.scrollWidth") <= 390
    shots("phone")
    row(demo, "INFY")
    demo.keyboard.press("s")
    expect(demo.locator(ORDER_WINDOW)).to_be_visible()
    assert demo.evaluate("document.documentElement.scrollWidth") <= 390
    shots("phone-order-window")
    demo.keyboard.press("Escape")
    demo.reload()
    expect(demo.locator("html")).to_have_attribute("data-theme", "dark")
