"""Condition.blocks_treatment and migration 0009, which sets it for pregnancy."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from treatments.catalog.migrations._seed import seed_conditions
from treatments.catalog.models import Condition

BEFORE = [("treatments", "0008_plans_and_sessions_move_out")]
AFTER = [("treatments", "0009_condition_blocks_treatment")]


@pytest.mark.django_db
def test_only_pregnancy_blocks_every_treatment():
    assert list(Condition.objects.blocking_treatment().values_list("code", flat=True)) == [
        "pregnancy"
    ]


# Schema changes on SQLite cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_the_migration_is_reversible():
    seed_conditions(apps)  # an earlier transactional test may have flushed them
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    old = executor.loader.project_state(BEFORE).apps.get_model("treatments", "Condition")
    assert "blocks_treatment" not in {f.name for f in old._meta.get_fields()}
    executor.migrate(AFTER)
    assert Condition.objects.get(code="pregnancy").blocks_treatment
    assert Condition.objects.filter(blocks_treatment=True).count() == 1
    # Back to the latest schema: later transactional tests share this database.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
