"""Alembic environment: runs migrations on the connection handed over by ``bourse.store.migrate``.

There is no ``alembic.ini``: the package builds its Alembic configuration in code so that
``bourse db upgrade`` works from an installed wheel, and the engine comes from
``create_store_engine`` so migrations see the same SQLite settings as the application.
"""

from alembic import context

from bourse.store.tables import metadata


def _run_offline() -> None:
    # ``alembic upgrade --sql`` style: render SQL for a DBA instead of executing it.
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "bourse migrations need a connection: run them with bourse.store.migrate.upgrade()"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
