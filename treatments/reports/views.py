"""The reports: thin views over `selectors`; each table downloads as CSV (`?export=<slug>`)."""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from clinic.permissions import staff_permission_required
from treatments.engine.pricing import format_money
from treatments.reports import charts
from treatments.reports import selectors as sel
from treatments.reports.forms import PeriodForm
from treatments.reports.roles import BUSINESS, OUTCOMES, UTILISATION

CHANGE_TREATMENT = "treatments.change_treatment"


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Pager:
    """Where a long table goes on: what this page shows, and the links before and after."""

    text: str
    previous: str
    next: str


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = ""
    note: str = ""
    pager: Pager | None = None

    @property
    def body(self) -> str:
        """The rows as table HTML, every cell escaped (a Link becomes an anchor): built here
        because a report's table has hundreds of cells, each a dozen template lookups."""
        return format_html_join(
            "\n",
            "<tr>{}</tr>",
            (
                (format_html_join("", "<td>{}</td>", ((_cell(c),) for c in row)),)
                for row in self.rows
            ),
        )


def _cell(value) -> str:
    if isinstance(value, Link):
        return format_html('<a href="{}">{}</a>', value.url, value.text)
    return conditional_escape(value)


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _csv(table: Table, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([str(cell) for cell in row])
    return response


def _page(request, *, name: str, title: str, intro: str, build, with_period: bool = True):
    """Render the report (or one of its tables as CSV). `build(period)` gives its tables; a
    bad date range shows the form's messages and no tables."""
    form = None
    period = None
    if with_period:
        today = timezone.localdate()
        data = request.GET
        if not (data.get("first") or data.get("last")):
            default = sel.Period.default(today)
            data = data.copy()
            data.update({"first": default.first.isoformat(), "last": default.last.isoformat()})
        form = PeriodForm(data, today=today)
        if form.is_valid():
            period = form.cleaned_data["period"]
    tables = build(period) if (period is not None or not with_period) else []
    for table in tables:
        table.chart = chart_markup(table.chart)
    wanted = request.GET.get("export")
    if wanted:
        for table in tables:
            if table.slug == wanted:
                return _csv(table, name)
    query = request.GET.copy()
    query.pop("export", None)
    status = 200 if form is None or form.is_valid() else 400
    return render(
        request,
        "reports/report.html",
        {
            "title": title,
            "intro": intro,
            "form": form,
            "period": period,
            "tables": tables,
            "query": query.urlencode(),
        },
        status=status,
    )


# --- Business (Clinic admins) ----------------------------------------------------------------


def _funnel_table(period: sel.Period) -> Table:
    steps = sel.funnel(period=period)
    table = Table(
        "funnel",
        "Funnel",
        ["Step", "Count", "Conversion from the step before"],
        [[s.label, s.count, pct(s.conversion)] for s in steps],
        note="Events in the period: a plan counts once per step it reached.",
    )
    top = max((s.count for s in steps), default=0)
    table.chart = charts.hbars(
        "Funnel",
        [(s.label, float(s.count), f"{s.count} · {pct(s.conversion)}") for s in steps],
        high=float(top) or 1.0,
    )
    return table


def _value_table(period: sel.Period) -> Table:
    rows = sel.plan_value(period=period)
    statuses = [str(s) for s in sel.VALUE_STATUSES]
    table = Table(
        "value",
        "Value of plans by month and treatment",
        ["Month", "Treatment"]
        + [f"{s.capitalize()} ({kind})" for s in statuses for kind in ("plans", "value")],
        note="Whole months, for every month the period touches. A plan counts in the month "
        "its status changed, at its total then.",
    )
    for r in rows:
        cells: list = [r.month.strftime("%b %Y"), r.treatment]
        for s in statuses:
            cells += [r.plans.get(s, 0), format_money(r.value.get(s, 0))]
        table.rows.append(cells)
    months = list(dict.fromkeys(r.month for r in rows))
    table.chart = charts.grouped_bars(
        "Value per month (all treatments)",
        [m.strftime("%b %y") for m in months],
        {
            s.capitalize(): [
                float(sum(r.value.get(s, 0) for r in rows if r.month == m)) for m in months
            ]
            for s in statuses
        },
        fmt=lambda v: f"${v:,.0f}",
    )
    return table


def _attendance_table(period: sel.Period) -> Table:
    rows = sel.attendance(period=period, now=timezone.now())
    table = Table(
        "attendance",
        "No-shows and cancellations",
        ["Month", "Sessions", "Done", "No-shows", "No-show rate", "Cancelled", "Cancellation rate"],
        [
            [
                r.month.strftime("%b %Y"),
                r.appointments,
                r.done,
                r.no_shows,
                pct(r.no_show_rate),
                r.cancelled,
                pct(r.cancellation_rate),
            ]
            for r in rows
        ],
        note="Sessions that started in the period, up to now. No-show rate: of the sessions "
        "that were due (done or missed); cancellation rate: of every session booked.",
    )
    table.chart = charts.grouped_bars(
        "No-show and cancellation rates per month",
        [r.month.strftime("%b %y") for r in rows],
        {
            "No-show": [(r.no_show_rate or 0) * 100 for r in rows],
            "Cancelled": [(r.cancellation_rate or 0) * 100 for r in rows],
        },
        fmt=lambda v: f"{v:.0f}%",
    )
    return table


@staff_permission_required(BUSINESS)
def business(request):
    return _page(
        request,
        name="business",
        title="Business reports",
        intro="How patients move from intake to a completed course, what the plans are worth, "
        "and how often sessions are missed or cancelled.",
        build=lambda period: [
            _funnel_table(period),
            _value_table(period),
            _attendance_table(period),
        ],
    )


# --- Utilisation (Clinic admins and the front desk) ------------------------------------------


RESOURCES_PER_PAGE = 8


def _utilisation_table(
    period: sel.Period, resources: list[sel.Resource], *, pager: Pager | None = None
) -> Table:
    """One row per week, one column per provider, room and device of `resources`: its share
    of the time available that was booked."""
    rows = sel.utilisation(period=period, resources=resources)
    cells = {(r.week, r.kind, r.name): r for r in rows}
    first, last = sel.weeks_of(period)
    weeks = [first + datetime.timedelta(days=7 * i) for i in range((last - first).days // 7 + 1)]
    columns = [(r.label, r.name) for r in resources]
    table = Table(
        "utilisation",
        "Utilisation per week",
        ["Week of"] + [f"{name} ({kind.lower()})" for kind, name in columns],
        note="Whole weeks, Monday to Sunday, for every week the period touches. Booked, done "
        "and missed sessions hold their provider, room and device; available: the provider's "
        "working hours, the clinic's opening hours for rooms and devices (closed days not "
        "deducted). Each cell: booked share (booked of available hours).",
        pager=pager,
    )
    for week in weeks:
        line: list = [week.strftime("%b %d, %Y")]
        for kind, name in columns:
            r = cells.get((week, kind, name))
            line.append(
                f"{pct(r.utilisation)} ({r.booked_minutes / 60:.1f} of {r.available_minutes / 60:.0f} h)"
                if r
                else "0%"
            )
        table.rows.append(line)
    totals: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        t = totals.setdefault((r.kind, r.name), [0, 0])
        t[0] += r.booked_minutes
        t[1] += r.available_minutes
    table.chart = charts.hbars(
        "Utilisation over the period (weeks with bookings)",
        [
            (f"{name} ({kind.lower()})", (b / a if a else 0.0), pct(b / a if a else None))
            for (kind, name), (b, a) in totals.items()
        ],
        high=1.0,
    )
    return table if rows else Table(table.slug, table.title, table.headers, note=table.note)


def _page_number(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


@staff_permission_required(UTILISATION)
def utilisation(request):
    def build(period):
        resources = sel.utilisation_resources(period=period)
        if request.GET.get("export"):
            return [_utilisation_table(period, resources)]
        pages = max((len(resources) + RESOURCES_PER_PAGE - 1) // RESOURCES_PER_PAGE, 1)
        number = min(_page_number(request.GET.get("page")), pages)
        shown = resources[(number - 1) * RESOURCES_PER_PAGE : number * RESOURCES_PER_PAGE]
        pager = None
        if pages > 1:
            query = request.GET.copy()

            def url(n: int) -> str:
                query["page"] = str(n)
                return "?" + query.urlencode()

            low = (number - 1) * RESOURCES_PER_PAGE + 1
            pager = Pager(
                f"Providers, rooms and devices {low}-{low + len(shown) - 1} of {len(resources)}",
                url(number - 1) if number > 1 else "",
                url(number + 1) if number < pages else "",
            )
        return [_utilisation_table(period, shown, pager=pager)]

    return _page(
        request,
        name="utilisation",
        title="Utilisation",
        intro="How much of each provider's, room's and device's time is booked, week by week.",
        build=build,
    )


# --- Outcomes per treatment (providers and Clinic admins; no money) --------------------------


@staff_permission_required(OUTCOMES)
def outcomes(request):
    may_edit = request.user.has_perm(CHANGE_TREATMENT)

    def build(_period):
        rows = sel.outcome_evidence()
        table = Table(
            "outcomes",
            "Measured against assumed reduction per session",
            [
                "Treatment",
                "Area",
                "Patients",
                "Sessions",
                "Measured per session",
                "95% CI",
                "Assumed",
                "What it says",
            ]
            + (["Suggestion"] if may_edit else []),
            note="Each patient's latest pinch after at least one session against their "
            "assessment, as a reduction per session; the catalog's assumption is never changed "
            "automatically.",
        )
        for r in rows:
            e = r.evidence
            cells: list = [
                r.treatment,
                r.area,
                e.n_patients,
                e.n_sessions,
                pct(e.mean),
                f"{pct(e.ci_low)} to {pct(e.ci_high)}" if e.ci_low is not None else "-",
                pct(e.assumed),
                e.sentence,
            ]
            if may_edit:
                cells.append(
                    Link(
                        f"Update the assumption to about {pct(e.mean)} in the catalog admin",
                        reverse("admin:treatments_treatment_change", args=[r.treatment_id]),
                    )
                    if e.suggest_update
                    else ""
                )
            table.rows.append(cells)
        table.chart = charts.grouped_hbars(
            "Reduction per session: measured and assumed",
            [f"{r.treatment.split(' (')[0]} · {r.area.split(' (')[0]}" for r in rows],
            {
                "Measured": [(r.evidence.mean or 0) * 100 for r in rows],
                "Assumed": [r.evidence.assumed * 100 for r in rows],
            },
            fmt=lambda v: f"{v:.1f}%",
        )
        return [table]

    return _page(
        request,
        name="outcomes",
        title="Treatment outcomes",
        intro="What each treatment achieved per session, against the planning assumption the "
        "catalog holds.",
        build=build,
        with_period=False,
    )


def chart_markup(svg: str) -> str:
    # charts.* escape every label.
    return mark_safe(svg)  # noqa: S308
