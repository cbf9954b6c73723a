"""Bourse: a self-hostable stock exchange and brokerage platform."""
