"""Restore the catalog the data migrations seed, after a transactional flush (tests, demo)."""

from treatments.catalog.migrations._applicator_seed import seed_applicators
from treatments.catalog.migrations._seed import seed_body_areas, seed_catalog, seed_conditions


def seed_all(apps) -> None:
    """Conditions, body areas and the catalog as migrations 0002, 0004 and 0009 leave them.
    Idempotent; rows a clinic edited are kept."""
    seed_conditions(apps)
    # Migration 0009's flag: no plan while pregnant or breastfeeding.
    apps.get_model("treatments", "Condition").objects.filter(code="pregnancy").update(
        blocks_treatment=True
    )
    seed_body_areas(apps)
    seed_catalog(apps)
    seed_applicators(apps)  # migration 0011: the treatment map
