"""The treatment map's catalog as migration 0011 seeds it (frozen with it, like `_seed.py`).

Sources (shared/DOMAIN.md, "Treatment map"):
- Deoxycholic acid injection, FDA prescribing information (dosage 2.1): 0.2 mL injections
  1 cm apart on a marked grid, at most 50 injections (10 mL) per session; a 2 mL
  single-patient vial (10 mg/mL), what is left in an opened vial is discarded.
- Cryolipolysis: one applicator placement is one cycle; cycle length depends on the
  applicator, 35 to 75 minutes in public clinic material (the flat, non-vacuum applicator is
  the longest because the fat is not drawn away from the body's warmth); the price per cycle
  is the catalog's 750.00.
- Laser lipolysis (1060 nm), FDA 510(k) summary: up to four applicators at once for one
  25-minute treatment; the price per applicator is the catalog's 350.00.

The footprints (cm) are planning defaults, not label facts: the treated area a clinic
measures on its own cups and applicators replaces them in the admin. Names are generic so a
clinic renames them after its devices.
"""

from decimal import Decimal

INJECTION = "deoxycholic_injection"
CRYO = "cryolipolysis"
LASER = "laser_lipolysis"

TREATMENT_MAPS = {
    INJECTION: {
        "map_kind": "injection_grid",
        "grid_spacing_cm": Decimal("1"),
        "dose_ml_per_site": Decimal("0.2"),
        "ml_per_unit": Decimal("2"),
        "max_sites_per_session": 50,
        "max_ml_per_session": Decimal("10"),
    },
    CRYO: {"map_kind": "applicators"},
    LASER: {"map_kind": "applicators"},
}

SOURCE_CRYO = (
    "Cycle: public clinic material, 35-75 min (DOMAIN.md, Treatment map); footprint: a "
    "planning default, replace with your cup's measured treatment area."
)
SOURCE_LASER = (
    "Four at once for a 25-minute treatment: FDA 510(k) summary (DOMAIN.md); footprint: a "
    "planning default, replace with your applicator's."
)

# (code, treatment, name, width_cm, height_cm, cycle_minutes, price_per_cycle, source)
APPLICATORS = [
    (
        "cryo_large_cup",
        CRYO,
        "Large vacuum cup",
        Decimal("8"),
        Decimal("16"),
        35,
        Decimal("750.00"),
        SOURCE_CRYO,
    ),
    (
        "cryo_small_cup",
        CRYO,
        "Small vacuum cup",
        Decimal("5"),
        Decimal("10"),
        35,
        Decimal("750.00"),
        SOURCE_CRYO,
    ),
    (
        "cryo_flat",
        CRYO,
        "Flat applicator (no vacuum)",
        Decimal("10"),
        Decimal("18"),
        75,
        Decimal("750.00"),
        SOURCE_CRYO,
    ),
    (
        "cryo_chin_cup",
        CRYO,
        "Chin cup",
        Decimal("4"),
        Decimal("6"),
        45,
        Decimal("750.00"),
        SOURCE_CRYO,
    ),
    (
        "laser_flat",
        LASER,
        "Laser applicator",
        Decimal("4"),
        Decimal("6"),
        25,
        Decimal("350.00"),
        SOURCE_LASER,
    ),
]


def seed_applicators(apps) -> None:
    """The map settings of the seeded treatments (only where the clinic has not chosen one)
    and the default applicators (existing codes are left as the clinic edited them)."""
    Treatment = apps.get_model("treatments", "Treatment")
    ApplicatorType = apps.get_model("treatments", "ApplicatorType")
    for code, values in TREATMENT_MAPS.items():
        Treatment.objects.filter(code=code, map_kind="").update(**values)
    treatments = {t.code: t for t in Treatment.objects.all()}
    for order, (code, treatment, name, width, height, minutes, price, source) in enumerate(
        APPLICATORS, start=1
    ):
        if treatment not in treatments:
            continue
        ApplicatorType.objects.get_or_create(
            code=code,
            defaults={
                "treatment": treatments[treatment],
                "name": name,
                "width_cm": width,
                "height_cm": height,
                "cycle_minutes": minutes,
                "price_per_cycle": price,
                "sort_order": order,
                "source": source,
            },
        )
