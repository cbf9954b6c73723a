"""The plan a database chooses for a query: SQLite's EXPLAIN QUERY PLAN or PostgreSQL's EXPLAIN,
as text, for tests that check an index is used."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection


def query_plan(connection: Connection, query: sa.Select[Any], parameters: dict[str, Any]) -> str:
    compiled = query.compile(connection)
    values = compiled.construct_params(parameters)
    if connection.dialect.name == "sqlite":
        positional = tuple(values[name] for name in compiled.positiontup or ())
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, positional)
        return "\n".join(row[3] for row in rows)
    rows = connection.exec_driver_sql("EXPLAIN " + compiled.string, values)
    return "\n".join(row[0] for row in rows)
