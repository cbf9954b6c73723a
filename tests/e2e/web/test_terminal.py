"""A trader's first session in the web terminal, in a real browser against `bourse run`."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.web.conftest import Shots, log_in, sign_up, totp_code, unique_email

ORDER_WINDOW = "form[aria-label='Order window']"


def open_ticket(page: Page, symbol: str, key: str) -> None:
    page.hover(f".watch-row[data-symbol={symbol}]")
    page.keyboard.press(key)
    page.wait_for_selector(ORDER_WINDOW)


def add_funds(page: Page, rupees: str) -> None:
    """Through the payment gateway sandbox: its hosted checkout opens in a new tab; paying
    there sends the signed webhook that deposits the money."""
    page.get_by_role("link", name="Funds").click()
    page.fill("input[name=amount]", rupees)
    page.get_by_role("button", name="Add funds").click()
    with page.context.expect_page() as opened:
        page.get_by_test_id("checkout-link").click()
    gateway = opened.value
    gateway.get_by_role("button", name="Pay").click()
    # Closing the tab while its form POST is still navigating can hang Playwright's close():
    # wait for the checkout's answer first, as a person would.
    expect(gateway.get_by_text("This payment is")).to_be_visible()
    gateway.close()


def test_sign_up_enable_totp_then_log_in_with_a_code_succeeds(page: Page, shots: Shots) -> None:
    email = unique_email("totp")
    sign_up(page, email)
    shots("signed-up")

    page.get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Enable TOTP").click()
    expect(page.get_by_test_id("totp-qr")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.fill("input[name=totp-code]", totp_code(secret))
    shots("enrolling")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("totp-enabled")).to_be_visible()
    shots("totp-enabled")

    page.get_by_role("button", name="Logout").click()
    log_in(page, email)
    expect(page.get_by_label("TOTP code")).to_be_visible()
    shots("totp-prompt")
    # The enrolment spent this step's code: the next step's is accepted (one step of drift).
    page.get_by_label("TOTP code").fill(totp_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()

    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "open")
    shots("logged-in-with-totp")


def test_add_funds_rest_and_cancel_a_limit_buy_then_fill_a_market_buy(
    page: Page, shots: Shots
) -> None:
    sign_up(page, unique_email("trader"))
    add_funds(page, "100000")
    expect(page.locator(".toast", has_text="Funds added")).to_be_visible()
    expect(page.get_by_test_id("funds-available")).to_have_text("₹1,00,000.00")
    expect(page.get_by_test_id("funds-withdrawable")).to_have_text("₹1,00,000.00")
    expect(page.get_by_test_id("funds-unsettled")).to_have_text("₹0.00")
    shots("funds-added")

    # A LIMIT buy well below the market rests (the simulator's makers quote around ~1,524).
    open_ticket(page, "INFY", "b")
    window = page.locator(ORDER_WINDOW)
    window.locator("input[name=quantity]").fill("2")
    window.locator("input[name=price]").fill("1450")
    # 2 x 1450 blocked with the charges on it: STT 2.90, stamp 0.44, exchange 0.09, GST 0.02.
    expect(page.get_by_test_id("margin")).to_contain_text("Margin required ₹2,903.45")
    expect(page.get_by_test_id("margin")).to_contain_text("Charges ₹3.45")
    shots("limit-buy-window")
    window.locator("input[name=price]").press("Enter")
    expect(window).to_be_hidden()
    expect(page.locator(".toast", has_text="BUY order placed")).to_be_visible()

    page.get_by_role("link", name="Orders").click()
    open_orders = page.get_by_role("region", name="Open orders")
    row = open_orders.locator("tr[data-status=OPEN]", has_text="INFY")
    expect(row).to_be_visible()
    shots("limit-buy-open")
    row.get_by_role("button", name="Cancel").click()
    expect(
        page.get_by_role("region", name="Executed orders").locator("tr[data-status=CANCELLED]")
    ).to_be_visible()
    expect(open_orders.locator("tr")).to_have_count(0)
    shots("limit-buy-cancelled")

    # A MARKET buy fills against the simulator's makers: toast, position, funds.
    open_ticket(page, "INFY", "b")
    window.get_by_label("Market", exact=True).check()
    window.locator("input[name=quantity]").fill("3")
    expect(page.get_by_test_id("margin")).to_contain_text("Charges ₹")
    window.get_by_role("button", name="Buy", exact=True).click()
    expect(page.locator(".toast.success", has_text="Order executed")).to_be_visible()
    shots("market-buy-filled")

    page.get_by_role("link", name="Positions").click()
    position = page.locator("tr[data-symbol=INFY]")
    expect(position).to_contain_text("CNC")
    expect(position.locator("td").nth(2)).to_have_text("3")
    shots("position")

    page.get_by_role("link", name="Funds").click()
    available = page.get_by_test_id("funds-available")
    expect(available).not_to_have_text("₹1,00,000.00")
    spent = int(re.sub(r"[^0-9]", "", available.inner_text()))
    assert 95_000_00 < spent < 100_000_00  # three INFY (about Rs 1,524 each) and charges
    shots("funds-after-fill")


def test_rejected_order_shows_the_reason_inline_and_in_the_order_book(
    page: Page, shots: Shots
) -> None:
    sign_up(page, unique_email("rejected"))

    # A delivery sell without holdings: the core refuses it and says why.
    open_ticket(page, "TCS", "s")
    window = page.locator(ORDER_WINDOW)
    window.locator("input[name=quantity]").fill("1")
    window.locator("input[name=quantity]").press("Enter")
    error = page.get_by_test_id("order-error")
    expect(error).to_contain_text("needs holdings")
    expect(page.locator(".toast.error", has_text="Order rejected")).to_be_visible()
    shots("rejected-inline")

    page.keyboard.press("Escape")
    expect(window).to_be_hidden()
    page.get_by_role("link", name="Orders").click()
    rejected = page.get_by_role("region", name="Rejected orders").locator(
        "tr[data-status=REJECTED]"
    )
    expect(rejected).to_contain_text("TCS")
    expect(rejected.get_by_test_id("reason")).to_contain_text("needs holdings")
    shots("rejected-in-order-book")


def test_invalid_price_is_caught_before_sending(page: Page, shots: Shots) -> None:
    sign_up(page, unique_email("tick"))

    open_ticket(page, "INFY", "b")
    window = page.locator(ORDER_WINDOW)
    window.locator("input[name=price]").fill("1500.03")
    window.locator("input[name=price]").press("Enter")

    expect(window.locator(".field-error")).to_contain_text("not a multiple of tick 0.05")
    shots("off-tick")
