"""Tests that walk the test database back through migrations must leave it at the newest schema, or every
later test meets tables without the newest columns."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
