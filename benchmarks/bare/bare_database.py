"""The bare apps' database: the items table and one engine, as SQLAlchemy's documentation
writes them, with the starter's driver and pool options (benchmarks/run.py refuses to run when
they differ from the starter's `database.engine_options()` and driver).

DATABASE_URL names the database (`sqlite:///data/x.db` or `postgresql://...`), as for the
starter. The table is created if missing (the starter's migration makes the same one for
PostgreSQL; a new SQLite file gets it here).
"""

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Double, Engine, Identity, String, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The starter's sync drivers: sqlite3 and psycopg 3.
DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}


class Base(DeclarativeBase):
    pass


class ItemRecord(Base):
    __tablename__ = "items"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[float] = mapped_column(Double())


def database_url() -> URL:
    url = make_url(os.environ["DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # as the starter does
    return url.set(drivername=f"{url.get_backend_name()}+{DRIVERS[url.get_backend_name()]}")


def engine_options() -> dict[str, Any]:
    """The starter's pool settings at their defaults."""
    sqlite = database_url().get_backend_name() == "sqlite"
    return {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 10,
        "pool_timeout": 10.0,
        "pool_recycle": 1800,
        "connect_args": {"timeout": 15} if sqlite else {"connect_timeout": 5},
    }


def make_engine() -> Engine:
    engine = create_engine(database_url(), **engine_options())
    if engine.url.get_backend_name() == "sqlite":
        # As SQLAlchemy's SQLite documentation advises (and the starter does): SQLAlchemy
        # emits BEGIN, and write-ahead logging lets readers go on while one connection writes.
        @event.listens_for(engine, "connect")
        def connect(dbapi_connection: Any, record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN")

    Base.metadata.create_all(engine)
    return engine
