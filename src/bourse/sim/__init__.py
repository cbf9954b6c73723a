"""Instrument master data and market simulation (demo seeding for now; agents with issue 6)."""
