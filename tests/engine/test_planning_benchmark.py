"""Engine time for a 3-area preview (the issue's budget: under 5 ms).

A pytest-benchmark, not a timed assertion: it runs a few rounds in the normal suite and
reports the figures; `pytest --benchmark-only tests/engine` shows them.
"""

from datetime import date
from decimal import Decimal as D

from treatments.catalog.defaults import default_catalog
from treatments.engine.planning import AreaInput, Closures, PatientFacts, Preferences, plan_options

CATALOG = default_catalog()
PATIENT = PatientFacts(
    age=41,
    sex="female",
    height_cm=D(165),
    weight_kg=D(65),
    weight_stable=True,
    conditions=frozenset({"anticoagulants", "raynauds"}),
)
AREAS = (
    AreaInput("upper_back", D(35), "large", "soft", "mild"),
    AreaInput("bra_line", D(28), "medium", "firm", "none"),
    AreaInput("flanks", D(40), "medium", "soft", "moderate"),
)
PREFERENCES = Preferences(max_downtime_days=3, budget=D("5000"), start_date=date(2027, 1, 4))
CLOSURES = Closures(weekdays=frozenset({6}), dates=frozenset({date(2027, 1, 1), date(2027, 5, 31)}))


def preview():
    return plan_options(
        patient=PATIENT,
        areas=AREAS,
        preferences=PREFERENCES,
        catalog=CATALOG,
        closures=CLOSURES,
        start=date(2026, 11, 24),
    )


def test_three_area_preview(benchmark):
    result = benchmark.pedantic(preview, rounds=20, iterations=5, warmup_rounds=2)
    assert len(result.options) == 3
