"""Pure domain: values, identifiers, instruments, orders, commands, events, errors.

Imports only the standard library and msgspec. Everything here is immutable or an enum.
"""
