"""Pages assembled from panels: the patient page, and the assessment page's panels.

Each app registers its panels in its `AppConfig.ready()`, never as an import side effect, so
the patient page shows plans and sessions while consultations imports neither app, and every
process (the web server, a management command, a test) sees the same page.

A panel's `load(request, subject)` returns its template's context with one batched selector
(a fixed number of queries, however many plans or sessions the patient has); the subject is
the page's object: the patient, or the assessment on the assessment page. Its template is
rendered inside the page's context (`patient`, `perms`, `request`...) by
`{% render_panel panel %}` (the `panels` template library).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.urls import reverse

from consultations import selectors, services
from consultations.forms import IntakeLinkForm
from consultations.models import IntakeStatus

PATIENT_PAGE = "patient"
ASSESSMENT_PAGE = "assessment"
COLUMNS = ("top", "main", "side")  # above the columns, the wide one, the narrow one

Loader = Callable[[Any, Any], Mapping[str, Any]]
T = TypeVar("T")


@dataclass(frozen=True)
class Panel:
    """One section of a page. Left out for a user without `permission` (None: everyone who
    may open the page); among its column's panels, a lower `order` comes first."""

    name: str
    template: str
    order: int
    load: Loader
    column: str = "main"
    permission: str | None = None
    page: str = PATIENT_PAGE

    def __post_init__(self) -> None:
        if self.column not in COLUMNS:
            raise ValueError(f"Panel {self.name!r}: column must be one of {COLUMNS}.")


@dataclass(frozen=True)
class LoadedPanel:
    name: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


_PANELS: dict[tuple[str, str], Panel] = {}


def register_panel(panel: Panel) -> Panel:
    """Add a panel to its page; one with the same page and name is replaced, so running an
    app's `ready()` again changes nothing."""
    _PANELS[(panel.page, panel.name)] = panel
    return panel


def registered_panels(page: str = PATIENT_PAGE) -> list[Panel]:
    return sorted(
        (p for p in _PANELS.values() if p.page == page),
        key=lambda p: (COLUMNS.index(p.column), p.order, p.name),
    )


def panels_for(request, subject, *, page: str = PATIENT_PAGE) -> dict[str, list[LoadedPanel]]:
    """The page's panels the user may see, loaded, by column (`panels.main`...)."""
    columns: dict[str, list[LoadedPanel]] = {column: [] for column in COLUMNS}
    for panel in registered_panels(page):
        if panel.permission and not request.user.has_perm(panel.permission):
            continue
        loaded = LoadedPanel(panel.name, panel.template, panel.load(request, subject))
        columns[panel.column].append(loaded)
    return columns


def shared(request, key: str, load: Callable[[], T]) -> T:
    """A value several panels of one page read (the patient's intakes), loaded once per
    request."""
    cache = request.__dict__.setdefault("_panels_shared", {})
    if key not in cache:
        cache[key] = load()
    return cache[key]


# --- The consultations app's panels --------------------------------------------------------

OPEN_STATUSES = (IntakeStatus.SENT, IntakeStatus.IN_PROGRESS)


def intake_url(request, intake) -> str:
    return request.build_absolute_uri(reverse("consultations:intake-start", args=[intake.token]))


def _intakes(request, patient) -> list:
    return shared(request, "intakes", lambda: selectors.intakes_for_patient(patient=patient))


def load_screening(request, patient) -> dict:
    return {"screening": selectors.intake_latest_submitted(patient=patient)}


def load_intakes(request, patient) -> dict:
    intakes = _intakes(request, patient)
    for intake in intakes:
        intake.url = intake_url(request, intake)
        intake.current_status = intake.status
    return {
        "intakes": intakes,
        "open_intake": next((i for i in intakes if i.current_status in OPEN_STATUSES), None),
        "can_screen": request.user.has_perm(selectors.VIEW_SCREENING),
        "link_form": IntakeLinkForm(initial={"expires_in_days": services.intake_link_days()}),
    }


def load_assessments(request, patient) -> dict:
    if not request.user.has_perm(selectors.VIEW_ASSESSMENT):
        return {"assessments": []}  # the panel says who may see them
    return {"assessments": selectors.assessments_for_patient(patient=patient)}


def load_nothing(request, patient) -> dict:
    return {}


def load_timeline(request, patient) -> dict:
    intakes = _intakes(request, patient)
    clinical = selectors.user_sees_clinical(request.user)
    return {
        "timeline": selectors.patient_timeline(patient=patient, intakes=intakes, clinical=clinical)
    }


PANELS = (
    Panel(
        "screening",
        "consultations/panels/screening.html",
        10,
        load_screening,
        column="top",
        permission=selectors.VIEW_SCREENING,
    ),
    Panel("intakes", "consultations/panels/intakes.html", 10, load_intakes),
    Panel("assessments", "consultations/panels/assessments.html", 20, load_assessments),
    Panel("details", "consultations/panels/details.html", 10, load_nothing, column="side"),
    Panel("timeline", "consultations/panels/timeline.html", 20, load_timeline, column="side"),
)


def register() -> None:
    """The patient page's consultations panels and timeline events (ConsultationsConfig)."""
    for panel in PANELS:
        register_panel(panel)
    selectors.register_timeline_source(selectors.intake_timeline_events)
    selectors.register_timeline_source(selectors.assessment_timeline_events)
