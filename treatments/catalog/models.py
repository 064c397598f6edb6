from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$", "Use lower_snake_case: lowercase letters, digits and underscores."
)


class ConditionQuerySet(models.QuerySet):
    def blocking_treatment(self) -> "ConditionQuerySet":
        """The conditions under which no plan may be offered, presented or signed."""
        return self.filter(blocks_treatment=True)


class Condition(models.Model):
    """A clinical fact about a patient that can exclude or limit a treatment."""

    code = models.CharField(max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    blocks_treatment = models.BooleanField(
        "blocks every treatment",
        default=False,
        help_text=(
            "Pregnancy or breastfeeding: while a patient has this condition, no plan can be "
            "offered, presented or signed."
        ),
    )

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BodyArea(models.Model):
    code = models.CharField(max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


# --- The catalog the plan engine reads (numbers from shared/DOMAIN.md, edited in the admin) ---

ZERO = Decimal("0")
non_negative = MinValueValidator(ZERO, "Must be zero or more.")
at_least_one = MinValueValidator(1, "Must be at least 1.")


def percent_field(verbose_name: str, default: str, help_text: str = "") -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[
            MinValueValidator(ZERO, "A percentage cannot be below 0."),
            MaxValueValidator(Decimal(100), "A percentage cannot be above 100."),
        ],
        help_text=help_text,
    )


MAP_NONE, MAP_INJECTION_GRID, MAP_APPLICATORS = "", "injection_grid", "applicators"
MAP_KINDS = [
    (MAP_NONE, "No map: units from the size table"),
    (MAP_INJECTION_GRID, "Injection grid inside the zone"),
    (MAP_APPLICATORS, "Applicator placements on the zone"),
]


class Treatment(models.Model):
    """A treatment the clinic offers, with every number the plan engine reads."""

    code = models.CharField(
        max_length=64,
        unique=True,
        validators=[code_validator],
        help_text="Stable identifier used by plans and the API; do not change it once used.",
    )
    name = models.CharField(max_length=200)
    active = models.BooleanField(
        default=True, help_text="Inactive treatments are not proposed in new plans."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    how_it_works = models.TextField(blank=True)

    # Pricing
    unit = models.CharField(
        "pricing unit", max_length=40, help_text='Singular, e.g. "vial", "cycle", "applicator".'
    )
    unit_plural = models.CharField("pricing unit (plural)", max_length=40)
    unit_description = models.CharField(
        max_length=200, blank=True, help_text='Shown to staff, e.g. "vial (2 mL, 10 mg/mL)".'
    )
    price_per_unit = models.DecimalField(max_digits=10, decimal_places=2, validators=[non_negative])
    units_small = models.PositiveSmallIntegerField(
        "units for a small area", validators=[at_least_one]
    )
    units_medium = models.PositiveSmallIntegerField(
        "units for a medium area", validators=[at_least_one]
    )
    units_large = models.PositiveSmallIntegerField(
        "units for a large area", validators=[at_least_one]
    )

    # One session
    max_units_per_round = models.PositiveSmallIntegerField(
        "most units at once",
        validators=[at_least_one],
        help_text="Units treated at the same time (vials per session, cycles, applicators).",
    )
    max_rounds_per_visit = models.PositiveSmallIntegerField(
        "treatments per visit",
        default=1,
        validators=[at_least_one],
        help_text="More than 1 allows a second treatment in the same visit when the units "
        "do not fit at once.",
    )
    session_base_minutes = models.PositiveSmallIntegerField("session minutes (fixed)", default=0)
    minutes_per_unit = models.PositiveSmallIntegerField("extra minutes per unit", default=0)
    minutes_per_round = models.PositiveSmallIntegerField(
        "extra minutes per treatment in the visit", default=0
    )

    # The course
    min_sessions = models.PositiveSmallIntegerField(validators=[at_least_one])
    max_sessions = models.PositiveSmallIntegerField(validators=[at_least_one])
    min_interval_days = models.PositiveSmallIntegerField(
        "minimum days between sessions", validators=[at_least_one]
    )
    usual_interval_days = models.PositiveSmallIntegerField(
        "usual days between sessions", validators=[at_least_one]
    )
    reduction_percent = models.DecimalField(
        "fat reduction per session (%)",
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "The reduction per session must be above 0%%."),
            MaxValueValidator(Decimal("99.99"), "The reduction per session must be below 100%%."),
        ],
        help_text="A planning assumption used to count sessions.",
    )
    min_pinch_mm = models.DecimalField(
        "minimum pinch (mm)", max_digits=5, decimal_places=1, validators=[non_negative]
    )
    bmi_limit = models.DecimalField(
        "BMI limit",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(10), "A BMI limit below 10 would exclude everyone.")],
        help_text="Leave empty for no limit.",
    )
    bmi_limit_submental = models.DecimalField(
        "BMI limit under the chin",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(10), "A BMI limit below 10 would exclude everyone.")],
        help_text="Leave empty to use the body limit under the chin too.",
    )

    # Timeline
    downtime_days = models.PositiveSmallIntegerField(default=0)
    downtime_note = models.CharField(
        max_length=200, blank=True, help_text='What the downtime is, e.g. "swelling and bruising".'
    )
    first_results_weeks = models.PositiveSmallIntegerField(
        "first visible results (weeks after the first session)"
    )
    final_results_weeks = models.PositiveSmallIntegerField(
        "final results (weeks after the last session)"
    )

    # Information for staff and patients
    side_effects = models.TextField(blank=True)
    serious_risks = models.TextField(blank=True)
    cleared_areas = models.ManyToManyField(
        BodyArea,
        blank=True,
        related_name="cleared_treatments",
        help_text="Areas it is approved or cleared for; any other area gets an off-label "
        "warning. Leave empty for no off-label warnings.",
    )
    regulatory_note = models.TextField(blank=True)
    aftercare = models.TextField(blank=True)

    # The treatment map (issue 13): how a zone drawn on the body diagram becomes units.
    map_kind = models.CharField(
        "treatment map",
        max_length=20,
        choices=MAP_KINDS,
        blank=True,
        default="",
        help_text="How a zone drawn on the body diagram gives this treatment's units.",
    )
    grid_spacing_cm = models.DecimalField(
        "injection spacing (cm)",
        max_digits=4,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.25"), "Sites must be at least 0.25 cm apart.")],
    )
    dose_ml_per_site = models.DecimalField(
        "dose per site (mL)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.2"),
        validators=[MinValueValidator(Decimal("0.01"), "A site takes some volume.")],
    )
    ml_per_unit = models.DecimalField(
        "mL per unit (vial)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("0.1"), "A vial holds some volume.")],
    )
    max_sites_per_session = models.PositiveSmallIntegerField(
        "most injections per session", default=50, validators=[at_least_one]
    )
    max_ml_per_session = models.DecimalField(
        "most mL per session",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0.1"), "A session takes some volume.")],
    )

    # What one session takes besides a qualified provider (issue 6: booking).
    needs_room = models.BooleanField(default=True, help_text="A session needs a treatment room.")
    needs_device = models.BooleanField(
        default=False,
        help_text="A session needs a device that serves this treatment (cryolipolysis, laser).",
    )

    class Meta:
        ordering = ["sort_order", "name"]
        permissions = [("preview_plan", "Can preview treatment plans")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if None not in (self.min_sessions, self.max_sessions) and (
            self.min_sessions > self.max_sessions
        ):
            add(
                "max_sessions",
                f"The most sessions ({self.max_sessions}) cannot be fewer than the least "
                f"({self.min_sessions}).",
            )
        if None not in (self.min_interval_days, self.usual_interval_days) and (
            self.usual_interval_days < self.min_interval_days
        ):
            add(
                "usual_interval_days",
                f"The usual interval ({self.usual_interval_days} days) cannot be shorter than "
                f"the minimum ({self.min_interval_days} days).",
            )
        per_visit = (self.max_units_per_round or 0) * (self.max_rounds_per_visit or 0)
        if per_visit:
            for size in ("small", "medium", "large"):
                units = getattr(self, f"units_{size}")
                if units and units > per_visit:
                    add(
                        f"units_{size}",
                        f"A {size} area needs {units} units but one visit allows at most "
                        f"{per_visit}; it could never be treated.",
                    )
        minutes = (
            (self.session_base_minutes or 0)
            + (self.minutes_per_unit or 0)
            + (self.minutes_per_round or 0)
        )
        if not minutes:
            add("session_base_minutes", "A session must take some time: set at least one length.")
        if errors:
            raise ValidationError(errors)


class ConditionRule(models.Model):
    """What a patient's condition does to a treatment: exclude it or keep it with a warning."""

    EXCLUDE = "exclude"
    WARN = "warn"
    ACTIONS = [(EXCLUDE, "Exclude"), (WARN, "Warn")]

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="rules")
    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="condition_rules"
    )
    action = models.CharField(max_length=10, choices=ACTIONS)
    sentence = models.TextField(
        help_text="Shown to staff and patients as the reason or the warning."
    )

    class Meta:
        ordering = ["treatment__sort_order", "condition__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "treatment"], name="one_rule_per_condition_and_treatment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.condition} -> {self.get_action_display().lower()} {self.treatment}"


class SuitabilityRule(models.Model):
    """Ranking: when an area shows a factor, the treatment gains or loses points."""

    FACTORS = [
        ("loose_skin", "Skin laxity moderate or severe"),
        ("small_area", "Small area"),
        ("medium_area", "Medium area"),
        ("large_area", "Large area"),
        ("dense_fat", "Firm or fibrous fat"),
        ("soft_fat", "Soft fat"),
    ]

    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="suitability_rules"
    )
    factor = models.CharField(max_length=20, choices=FACTORS)
    points = models.SmallIntegerField(
        validators=[
            MinValueValidator(-5, "Use points between -5 and 5."),
            MaxValueValidator(5, "Use points between -5 and 5."),
        ]
    )
    reason = models.CharField(max_length=300, help_text="Explains the points to the patient.")

    class Meta:
        ordering = ["treatment__sort_order", "factor"]
        constraints = [
            models.UniqueConstraint(
                fields=["treatment", "factor"], name="one_suitability_rule_per_factor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.treatment}: {self.get_factor_display()} {self.points:+d}"


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


def parse_int_list(text: str) -> list[int]:
    return [int(part) for part in str(text).replace(" ", "").split(",") if part]


class CatalogSettings(models.Model):
    """Clinic-wide course, payment and opening settings (one row)."""

    course_discount_percent = percent_field(
        "course discount (%)", "10", "Off the whole course when it is long enough."
    )
    course_discount_min_sessions = models.PositiveSmallIntegerField(
        "sessions for the course discount", default=3, validators=[at_least_one]
    )
    deposit_percent = percent_field("deposit (% of the total)", "20")
    payment_plan_months = models.CharField(
        max_length=100,
        default="3,6,12",
        blank=True,
        help_text="Monthly instalment plans offered, comma-separated (e.g. 3,6,12); "
        "0% interest, the remainder on the first instalment.",
    )
    default_goal_pinch_mm = models.DecimalField(
        "default goal pinch (mm)",
        max_digits=5,
        decimal_places=1,
        default=Decimal(20),
        validators=[MinValueValidator(Decimal(1), "The goal pinch must be at least 1 mm.")],
    )
    weight_loss_warning_bmi = models.DecimalField(
        "BMI above which to warn 'not a weight-loss treatment'",
        max_digits=4,
        decimal_places=1,
        default=Decimal(30),
        validators=[MinValueValidator(Decimal(10), "Use a BMI of 10 or more.")],
    )
    closed_weekdays = models.CharField(
        max_length=20,
        default="6",
        blank=True,
        help_text="Weekdays the clinic is closed, comma-separated: 0 Monday ... 6 Sunday.",
    )

    class Meta:
        verbose_name = "catalog settings"
        verbose_name_plural = "catalog settings"

    def __str__(self) -> str:
        return "Catalog settings"

    def plan_months(self) -> list[int]:
        return parse_int_list(self.payment_plan_months)

    def weekdays_closed(self) -> list[int]:
        return parse_int_list(self.closed_weekdays)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            months = self.plan_months()
        except ValueError:
            errors["payment_plan_months"] = "Give whole numbers of months, e.g. 3,6,12."
        else:
            if any(m < 1 or m > 60 for m in months):
                errors["payment_plan_months"] = "Each plan must be between 1 and 60 months."
            elif len(set(months)) != len(months):
                errors["payment_plan_months"] = "Each plan may appear only once."
        try:
            days = self.weekdays_closed()
        except ValueError:
            errors["closed_weekdays"] = "Give weekday numbers, 0 (Monday) to 6 (Sunday)."
        else:
            if any(d < 0 or d > 6 for d in days):
                errors["closed_weekdays"] = "Weekdays are 0 (Monday) to 6 (Sunday)."
            elif len(set(days)) == 7:
                errors["closed_weekdays"] = "The clinic must be open on at least one weekday."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls) -> "CatalogSettings":
        """The settings row, or the DOMAIN.md defaults when none is saved yet."""
        return cls.objects.order_by("pk").first() or cls()


class ClinicClosure(models.Model):
    """A single day the clinic is closed (holidays); sessions are never planned on it."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Added by the clinic"
        HOLIDAY = "holiday", "Public holiday calendar"

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200, blank=True)
    # Where the row came from, so a clinic can tell the seeded public holidays from its own
    # closures; both are edited or deleted alike.
    source = models.CharField(
        max_length=10,
        choices=Source.choices,
        default=Source.MANUAL,
        editable=False,
        help_text="Public holidays are added by `manage.py seed_holidays`; edit or delete them freely.",
    )

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}".strip()


class ClinicHolidaySeed(models.Model):
    """One public-holiday year already seeded as closures for a country (and subdivision).

    A seeded year is never seeded again, so a holiday the clinic deleted stays deleted and an
    edited one keeps its edit."""

    country = models.CharField(max_length=10)
    subdivision = models.CharField(max_length=10, blank=True)
    year = models.PositiveSmallIntegerField()
    seeded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "subdivision", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "subdivision", "year"], name="holiday_seed_once_per_year"
            )
        ]

    def __str__(self) -> str:
        region = f"{self.country}-{self.subdivision}" if self.subdivision else self.country
        return f"{region} public holidays {self.year}"


class ApplicatorType(models.Model):
    """An applicator a clinic owns (a cryolipolysis cup, a laser applicator): its footprint on
    the body, how long one cycle runs and what a placement costs. One placement on the
    treatment map is one cycle (one unit) of its treatment."""

    treatment = models.ForeignKey(Treatment, on_delete=models.CASCADE, related_name="applicators")
    code = models.CharField(max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    width_cm = models.DecimalField(
        "width (cm)",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"), "A footprint is at least 0.5 cm wide.")],
    )
    height_cm = models.DecimalField(
        "height (cm)",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"), "A footprint is at least 0.5 cm high.")],
    )
    cycle_minutes = models.PositiveSmallIntegerField(validators=[at_least_one])
    price_per_cycle = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[non_negative]
    )
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the footprint and cycle length come from."
    )

    class Meta:
        ordering = ["treatment__sort_order", "sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.width_cm} x {self.height_cm} cm, {self.cycle_minutes} min)"
