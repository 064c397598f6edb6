"""The calendar page's layout: which days it shows, its navigation, and where each
appointment's block goes.

Pure Python (no Django, no ORM, no clock): the caller gives the query string, today's date,
the opening hours, the columns and each appointment's clinic wall-clock start and end; it
gets back columns of blocks with pixel offsets, side-by-side lanes for blocks that overlap,
and the hour rows of the time axis. Computed once per page; the template only draws it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

DAY, WEEK = "day", "week"
# The dates the calendar can show (as clinic.validators: the grid stays free of Django).
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
RESOURCE_KINDS = ("provider", "room", "device")

PX_PER_MINUTE = 1.1
MIN_BLOCK_PX = 18  # a very short session stays clickable
# The time axis when the clinic has no opening hours yet.
DEFAULT_OPENS = time(8)
DEFAULT_CLOSES = time(18)


# --- The query -------------------------------------------------------------------------------


def parse_resource(value: str) -> tuple[str, int] | None:
    """ "room:3" -> ("room", 3); anything else -> None (everyone)."""
    kind, _, pk = (value or "").partition(":")
    if kind in RESOURCE_KINDS and pk.isdigit():
        return kind, int(pk)
    return None


@dataclass(frozen=True)
class Links:
    """Query strings ("?view=week&date=...") for the page's navigation buttons."""

    prev: str
    next: str
    today: str
    switch_day: str
    switch_week: str


@dataclass(frozen=True)
class CalendarQuery:
    """What the page was asked for. Unknown values fall back (week, today, everyone) rather
    than fail: the page is reached from links and a bookmark may be old."""

    view: str  # DAY | WEEK
    day: date
    resource: tuple[str, int] | None
    resource_param: str = ""  # as given, kept in the navigation links
    # A date asked for outside EARLIEST..LATEST: today is shown, with a message and a 400.
    date_refused: bool = False

    @classmethod
    def parse(cls, params: Mapping[str, str], *, today: date) -> CalendarQuery:
        view = params.get("view", WEEK)
        if view not in (DAY, WEEK):
            view = WEEK
        try:
            day = date.fromisoformat(params.get("date", ""))
        except ValueError:
            day = today
        refused = not EARLIEST <= day <= LATEST
        raw = params.get("resource", "")
        return cls(view, today if refused else day, parse_resource(raw), raw, refused)

    @property
    def first(self) -> date:
        """The first day shown: the week's Monday, or the day."""
        return self.day - timedelta(days=self.day.weekday()) if self.view == WEEK else self.day

    @property
    def days(self) -> tuple[date, ...]:
        count = 7 if self.view == WEEK else 1
        return tuple(self.first + timedelta(days=i) for i in range(count))

    @property
    def by_provider(self) -> bool:
        """A day for everyone shows a column per provider; otherwise a column per day."""
        return self.view == DAY and self.resource is None

    def links(self, *, today: date) -> Links:
        step = timedelta(days=7 if self.view == WEEK else 1)
        base = {"view": self.view, "resource": self.resource_param}
        return Links(
            prev=_query(base, self.first - step),
            next=_query(base, self.first + step),
            today=_query(base, today),
            switch_day=_query({**base, "view": DAY}, self.day),
            switch_week=_query({**base, "view": WEEK}, self.day),
        )


def _query(base: Mapping[str, str], day: date) -> str:
    params = {k: v for k, v in {**base, "date": day.isoformat()}.items() if v}
    return "?" + urlencode(params)


# --- The grid --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """An appointment as the grid sees it, in clinic wall-clock time."""

    id: int
    start: datetime
    end: datetime
    provider_id: int


@dataclass(frozen=True)
class ColumnSpec:
    """A column to draw: the entries starting on `day` (of one provider, when given)."""

    day: date
    title: str = ""
    provider_id: int | None = None
    is_today: bool = False


@dataclass(frozen=True)
class Block:
    """Where an entry is drawn in its column: pixels from the top, and its lane among the
    entries it overlaps (left and width in percent of the column)."""

    id: int
    top: float
    height: float
    lane: int
    lanes: int

    @property
    def left(self) -> float:
        return 100 * self.lane / self.lanes

    @property
    def width(self) -> float:
        return 100 / self.lanes


@dataclass(frozen=True)
class Column:
    day: date
    title: str
    is_today: bool
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class HourRow:
    label: str  # "09:00"
    top: float
    at: time | None = None  # the hour itself, for the page to write in the clinic's clock format


@dataclass(frozen=True)
class Grid:
    columns: tuple[Column, ...]
    hours: tuple[HourRow, ...]
    height: float


def day_columns(days: Sequence[date], *, today: date) -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(d, d.isoformat(), None, d == today) for d in days)


def provider_columns(day: date, providers: Sequence[tuple[int, str]]) -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(day, name, pk) for pk, name in providers)


def _minute(t: datetime | time) -> int:
    return t.hour * 60 + t.minute


def _hour_floor(minute: int) -> int:
    return minute // 60 * 60


def _hour_ceiling(minute: int) -> int:
    return -(-minute // 60) * 60


def axis_minutes(opening: Sequence[tuple[time, time]], entries: Sequence[Entry]) -> range:
    """The hours the axis shows, as minutes since midnight: from the earliest opening to the
    latest closing, on whole hours, widened so entries outside opening hours still show."""
    first = _hour_floor(_minute(min((s for s, _ in opening), default=DEFAULT_OPENS)))
    last = _hour_ceiling(_minute(max((e for _, e in opening), default=DEFAULT_CLOSES)))
    for entry in entries:
        first = min(first, _hour_floor(_minute(entry.start)))
        last = max(last, _hour_ceiling(_minute(entry.end)))
    return range(first, last, 60)


def lanes(entries: Sequence[Entry]) -> list[tuple[Entry, int, int]]:
    """Each entry with its lane and the number of lanes of its group, earliest first. A group
    is a run of entries that overlap one another (directly or through others); an entry takes
    the first lane free at its start."""
    placed: list[tuple[Entry, int]] = []
    groups: list[list[int]] = []
    lane_ends: list[datetime] = []
    group_end: datetime | None = None
    for entry in sorted(entries, key=lambda e: (e.start, e.end)):
        if group_end is None or entry.start >= group_end:
            lane_ends = []
            groups.append([])
            group_end = entry.end
        group_end = max(group_end, entry.end)
        lane = next((i for i, end in enumerate(lane_ends) if end <= entry.start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(entry.end)
        else:
            lane_ends[lane] = entry.end
        groups[-1].append(len(placed))
        placed.append((entry, lane))
    width = {}
    for group in groups:
        count = max(placed[i][1] for i in group) + 1
        width.update(dict.fromkeys(group, count))
    return [(entry, lane, width[i]) for i, (entry, lane) in enumerate(placed)]


def blocks(entries: Sequence[Entry], *, axis_start: int) -> tuple[Block, ...]:
    """The entries of one column as blocks; `axis_start` is the axis's first minute."""
    out = []
    for entry, lane, count in lanes(entries):
        minutes = _minute(entry.start) - axis_start
        length = (entry.end - entry.start).total_seconds() / 60
        out.append(
            Block(
                entry.id,
                top=minutes * PX_PER_MINUTE,
                height=max(length * PX_PER_MINUTE, MIN_BLOCK_PX),
                lane=lane,
                lanes=count,
            )
        )
    return tuple(out)


def _belongs(entry: Entry, spec: ColumnSpec) -> bool:
    if entry.start.date() != spec.day:
        return False
    return spec.provider_id is None or entry.provider_id == spec.provider_id


def layout(
    columns: Sequence[ColumnSpec],
    *,
    opening: Sequence[tuple[time, time]],
    entries: Sequence[Entry],
) -> Grid:
    """The grid for these columns: every entry in the column it belongs to, placed against
    one time axis shared by all columns."""
    axis = axis_minutes(opening, entries)
    total = max(axis.stop - axis.start, 60)
    return Grid(
        columns=tuple(
            Column(
                spec.day,
                spec.title,
                spec.is_today,
                blocks([e for e in entries if _belongs(e, spec)], axis_start=axis.start),
            )
            for spec in columns
        ),
        hours=tuple(
            HourRow(f"{m // 60:02d}:00", (m - axis.start) * PX_PER_MINUTE, time(m // 60 % 24))
            for m in axis
        ),
        height=total * PX_PER_MINUTE,
    )
