"""Binary (msgpack) and JSON encodings of commands and events as tagged unions."""

import msgspec

from bourse.domain.commands import AnyCommand, Command
from bourse.domain.events import AnyEvent, Event

_msgpack_encoder = msgspec.msgpack.Encoder()
_command_decoder: msgspec.msgpack.Decoder[AnyCommand] = msgspec.msgpack.Decoder(AnyCommand)
_event_decoder: msgspec.msgpack.Decoder[AnyEvent] = msgspec.msgpack.Decoder(AnyEvent)
_json_event_decoder: msgspec.json.Decoder[AnyEvent] = msgspec.json.Decoder(AnyEvent)
_json_encoder = msgspec.json.Encoder()


def encode_command(command: Command) -> bytes:
    return _msgpack_encoder.encode(command)


def decode_command(data: bytes) -> AnyCommand:
    return _command_decoder.decode(data)


def encode_event(event: Event) -> bytes:
    return _msgpack_encoder.encode(event)


def decode_event(data: bytes) -> AnyEvent:
    return _event_decoder.decode(data)


def encode_events(events: list[Event]) -> bytes:
    """One msgpack array of events: the byte-exact form replays are compared in."""
    return _msgpack_encoder.encode(events)


def event_to_json(event: Event) -> bytes:
    return _json_encoder.encode(event)


def event_from_json(data: bytes) -> AnyEvent:
    return _json_event_decoder.decode(data)
