"""Messages of the stream that are not ticks or order updates: status announcements.

Kept apart from the hub so the hub compiles with mypyc (msgspec Structs stay interpreted).
"""

from datetime import datetime

import msgspec

from bourse.api.envelope import encode
from bourse.api.wire_values import timestamp
from bourse.marketdata.market import Announcement


class StatusData(msgspec.Struct, frozen=True):
    instrument_token: int
    status: str
    message: str
    timestamp: datetime


class StatusMessage(msgspec.Struct, frozen=True):
    data: StatusData
    type: str = "status"


def status_message(announcement: Announcement) -> bytes:
    return encode(
        StatusMessage(
            StatusData(
                announcement.instrument_token,
                announcement.status,
                announcement.message,
                timestamp(announcement.ts_ns),
            )
        )
    )
