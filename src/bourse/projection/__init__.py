"""Projections: consumers of the core's numbered event stream that keep rows in SQL."""
