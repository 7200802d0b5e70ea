"""Alembic environment for the program database, run by ``lead_data.schema`` (no alembic.ini).

The URL comes from the ``sqlalchemy.url`` option that ``lead_data.schema.alembic_config`` sets;
a caller may instead hand over an open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from lead_data.models import Base

config = context.config
# For ``alembic revision --autogenerate``: the models are the schema the migrations must produce.
target_metadata = Base.metadata


def configured_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # alembic run by hand, not through lead_data.schema
        raise RuntimeError(
            "no sqlalchemy.url: run the migrations through lead_data.schema (python -m lead_data init-db)"
        )
    return url


def run_migrations_offline() -> None:
    """Emit the SQL instead of running it (``alembic upgrade head --sql``)."""
    context.configure(
        url=configured_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot alter most of a table in place; later revisions use batch operations there.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations_on(connection)
        return
    engine = create_engine(configured_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            run_migrations_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
