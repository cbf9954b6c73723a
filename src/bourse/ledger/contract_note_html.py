"""A contract note as a printable HTML page."""

import html
from typing import Any

from bourse.domain.money import format_rupees
from bourse.ledger.statements import CHARGE_COLUMNS, NS_PER_SECOND

_LABELS = {
    "brokerage": "Brokerage",
    "stt": "Securities transaction tax",
    "exchange_charge": "Exchange transaction charges",
    "sebi_fee": "SEBI turnover fees",
    "gst": "GST (18 %)",
    "stamp_duty": "Stamp duty",
}
_STYLE = (
    "body{font-family:serif;margin:2em}table{border-collapse:collapse;width:100%}"
    "td,th{border:1px solid #444;padding:4px 8px;text-align:right}"
    "td:first-child,th:first-child{text-align:left}@media print{button{display:none}}"
)


def render_contract_note(note: dict[str, Any], account: int, symbols: dict[int, str]) -> str:
    day = html.escape(note["day"].isoformat())
    rows = "".join(
        "<tr>"
        f"<td>{t['trade_id'] or 'square-off'}</td>"
        f"<td>{html.escape(symbols.get(t['token'], str(t['token'])))}</td>"
        f"<td>{html.escape(t['side'])}</td><td>{html.escape(t['product'])}</td>"
        f"<td>{t['quantity']}</td><td>{format_rupees(t['price'])}</td>"
        f"<td>{format_rupees(t['quantity'] * t['price'])}</td>"
        f"<td>{format_rupees(sum(t[c] for c in CHARGE_COLUMNS))}</td>"
        "</tr>"
        for t in note["trades"]
    )
    charges = "".join(
        f"<tr><td>{_LABELS[c]}</td><td>{format_rupees(note['charges'][c])}</td></tr>"
        for c in CHARGE_COLUMNS
    )
    times = [t["ts_ns"] // NS_PER_SECOND for t in note["trades"]]
    span = f"{min(times)}..{max(times)}" if times else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Contract note {day} account {account}</title><style>{_STYLE}</style></head>"
        f"<body><h1>Contract note</h1><p>Account {account} &middot; trade date {day} "
        f"&middot; <small>unix times {span}</small></p>"
        "<table><tr><th>Trade</th><th>Symbol</th><th>Side</th><th>Product</th><th>Qty</th>"
        f"<th>Price</th><th>Value</th><th>Charges</th></tr>{rows}</table>"
        f"<h2>Charges</h2><table>{charges}"
        f"<tr><th>Total charges</th><th>{format_rupees(note['total_charges'])}</th></tr></table>"
        f"<h2>Obligation</h2><table><tr><td>Bought</td><td>{format_rupees(note['bought'])}</td></tr>"
        f"<tr><td>Sold</td><td>{format_rupees(note['sold'])}</td></tr>"
        f"<tr><th>Net (negative: payable by you)</th><th>{format_rupees(note['net'])}</th></tr>"
        "</table><button onclick='print()'>Print</button></body></html>"
    )
