"""Slot finding for treatment sessions: who, where, with which device, and when.

Pure Python: no ORM, no I/O, no clock. The caller (treatments.appointments.services) loads a
`Clinic` snapshot — opening hours, closed dates, providers with their working hours and
the treatments they may perform, rooms, devices with the treatments they serve, and what is
already busy — and asks:

- `free_slots(clinic, need=..., duration_minutes=..., first_day=..., last_day=...)`: every
  start time on the grid where a qualified provider, a room and (if needed) a device are all
  free for the whole session, inside opening and working hours;
- `propose_course(clinic, need=..., sessions=..., rules=..., start=...)`: a slot for every
  session of a course, on the date agreed in the plan or the nearest free day to it, each
  next session inside the treatment's interval window;
- `session_bounds(previous=..., following=..., rules=...)`: the dates the minimum interval
  leaves a session between its booked neighbours;
- `recheck_course(clinic, need=..., course=..., rules=...)`: after one session moved, which
  later sessions now break the interval rules and where each could go instead.

Times are naive wall-clock datetimes in the clinic's time zone (the caller converts), so
"opens at 09:00" means 09:00 on every day of the year.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

PROVIDER, ROOM, DEVICE = "provider", "room", "device"
RESOURCE_KINDS = (PROVIDER, ROOM, DEVICE)

DEFAULT_GRID_MINUTES = 15
# How far after the plan's start date the first session may be placed.
FIRST_SESSION_SEARCH_DAYS = 60
# Tolerance after the usual interval before a session counts as "too late".
DEFAULT_WINDOW_DAYS = 14


# --- Input ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hours:
    """An open stretch on one weekday (Monday 0 .. Sunday 6), e.g. 09:00-17:00."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Provider:
    id: int
    name: str
    treatments: frozenset[str]  # treatment codes this provider may perform
    hours: tuple[Hours, ...]


@dataclass(frozen=True)
class Room:
    id: int
    name: str


@dataclass(frozen=True)
class Device:
    id: int
    name: str
    treatments: frozenset[str]  # treatment codes this device serves


@dataclass(frozen=True)
class Busy:
    """A resource already taken from `start` (inclusive) to `end` (exclusive)."""

    kind: str  # PROVIDER | ROOM | DEVICE
    resource_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Need:
    """What one session of a treatment takes: always a provider; a room and a device or not."""

    treatment: str  # treatment code
    room: bool = True
    device: bool = False


@dataclass(frozen=True)
class Clinic:
    opening: tuple[Hours, ...]
    providers: tuple[Provider, ...]
    rooms: tuple[Room, ...]
    devices: tuple[Device, ...] = ()
    closed_dates: frozenset[date] = frozenset()
    busy: tuple[Busy, ...] = ()
    grid_minutes: int = DEFAULT_GRID_MINUTES

    def with_busy(self, extra: Iterable[Busy]) -> Clinic:
        return replace(self, busy=self.busy + tuple(extra))

    def without_busy(self, drop: Iterable[Busy]) -> Clinic:
        gone = set(drop)
        return replace(self, busy=tuple(b for b in self.busy if b not in gone))


@dataclass(frozen=True)
class CourseRules:
    """Spacing of a course: each next session within [previous + minimum interval,
    previous + usual interval + window] days."""

    min_interval_days: int
    usual_interval_days: int
    window_days: int = DEFAULT_WINDOW_DAYS

    @property
    def max_gap_days(self) -> int:
        return max(self.usual_interval_days, self.min_interval_days) + self.window_days


@dataclass(frozen=True)
class SessionRequest:
    number: int
    duration_minutes: int
    planned: date | None = None  # the date agreed in the signed plan; None: as early as allowed


# --- Output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    provider_id: int
    room_id: int | None
    device_id: int | None = None

    def busy(self) -> tuple[Busy, ...]:
        taken = [Busy(PROVIDER, self.provider_id, self.start, self.end)]
        if self.room_id is not None:
            taken.append(Busy(ROOM, self.room_id, self.start, self.end))
        if self.device_id is not None:
            taken.append(Busy(DEVICE, self.device_id, self.start, self.end))
        return tuple(taken)


@dataclass(frozen=True)
class ProposedSession:
    number: int
    earliest: date
    latest: date
    slot: Slot | None
    problem: str = ""  # why there is no slot, in words the front desk can act on


@dataclass(frozen=True)
class CourseProposal:
    sessions: tuple[ProposedSession, ...]

    @property
    def complete(self) -> bool:
        return all(s.slot is not None for s in self.sessions)


@dataclass(frozen=True)
class BookedSession:
    """A session of a course as it stands: its slot, or None while it is not booked."""

    number: int
    duration_minutes: int
    slot: Slot | None


@dataclass(frozen=True)
class Move:
    """A later session that breaks the interval rules after a change, and where it could go."""

    number: int
    old: Slot | None
    new: Slot | None
    reason: str


@dataclass(frozen=True)
class Recheck:
    moves: tuple[Move, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.moves


# --- Slot finding --------------------------------------------------------------------------


class _BusyIndex:
    """Busy intervals per resource, sorted by start, with the running maximum of their ends:
    an overlap check is one binary search, however long the clinic's calendar."""

    def __init__(self, busy: Iterable[Busy]) -> None:
        grouped: dict[tuple[str, int], list[tuple[datetime, datetime]]] = {}
        for b in busy:
            grouped.setdefault((b.kind, b.resource_id), []).append((b.start, b.end))
        self._starts: dict[tuple[str, int], list[datetime]] = {}
        self._max_ends: dict[tuple[str, int], list[datetime]] = {}
        for key, intervals in grouped.items():
            intervals.sort()
            self._starts[key] = [s for s, _ in intervals]
            running: list[datetime] = []
            for _, e in intervals:
                running.append(max(running[-1], e) if running else e)
            self._max_ends[key] = running

    def is_free(self, kind: str, resource_id: int, start: datetime, end: datetime) -> bool:
        starts = self._starts.get((kind, resource_id))
        if not starts:
            return True
        # Intervals starting before `end` are the candidates; one of them overlaps exactly
        # when the latest end among them is after `start`.
        upto = bisect_left(starts, end)
        return upto == 0 or self._max_ends[(kind, resource_id)][upto - 1] <= start


def _windows(hours: Iterable[Hours], day: date) -> list[tuple[datetime, datetime]]:
    wd = day.weekday()
    return [
        (datetime.combine(day, h.start), datetime.combine(day, h.end))
        for h in hours
        if h.weekday == wd and h.end > h.start
    ]


def _inside(windows: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    return any(ws <= start and end <= we for ws, we in windows)


def _grid_starts(
    windows: Sequence[tuple[datetime, datetime]], duration: timedelta, grid_minutes: int
) -> list[datetime]:
    """Start times on the grid (minutes since midnight divisible by the grid) whose whole
    session fits inside one of the windows, in order, without repeats."""
    starts: set[datetime] = set()
    step = timedelta(minutes=grid_minutes)
    for ws, we in windows:
        minutes = ws.hour * 60 + ws.minute + (1 if ws.second or ws.microsecond else 0)
        first = -(-minutes // grid_minutes) * grid_minutes  # round up to the grid
        t = datetime.combine(ws.date(), time()) + timedelta(minutes=first)
        while t + duration <= we:
            starts.add(t)
            t += step
    return sorted(starts)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def free_slots(
    clinic: Clinic,
    *,
    need: Need,
    duration_minutes: int,
    first_day: date,
    last_day: date | None = None,
    not_before: datetime | None = None,
    limit: int | None = None,
    provider_id: int | None = None,
) -> tuple[Slot, ...]:
    """Free slots for one session, earliest first, one per start time.

    For each start time the first qualified provider (in the clinic's order) who is working
    and free is chosen, then the first free room and, if the treatment needs one, the first
    free device that serves it. `provider_id` restricts the search to one provider.
    """
    finder = _Finder(clinic, need, duration_minutes, not_before, provider_id)
    found: list[Slot] = []
    for day in _days(first_day, last_day or first_day):
        for slot in finder.day(day):
            found.append(slot)
            if limit is not None and len(found) >= limit:
                return tuple(found)
    return tuple(found)


class _Finder:
    """The free slots of one session length, day by day, with the busy index built once."""

    def __init__(
        self,
        clinic: Clinic,
        need: Need,
        duration_minutes: int,
        not_before: datetime | None = None,
        provider_id: int | None = None,
    ) -> None:
        self.clinic, self.need, self.not_before = clinic, need, not_before
        self.duration = timedelta(minutes=duration_minutes)
        self.index = _BusyIndex(clinic.busy)
        self.providers = [
            p
            for p in clinic.providers
            if need.treatment in p.treatments and (provider_id is None or p.id == provider_id)
        ]
        self.devices = [d for d in clinic.devices if need.treatment in d.treatments]
        self.possible = (
            duration_minutes > 0
            and clinic.grid_minutes > 0
            and bool(self.providers)
            and (bool(clinic.rooms) or not need.room)
            and (bool(self.devices) or not need.device)
        )

    def day(self, day: date) -> Iterator[Slot]:
        if not self.possible or day in self.clinic.closed_dates:
            return
        opening = _windows(self.clinic.opening, day)
        if not opening:
            return
        working = {p.id: _windows(p.hours, day) for p in self.providers}
        for start in _grid_starts(opening, self.duration, self.clinic.grid_minutes):
            if self.not_before is not None and start < self.not_before:
                continue
            slot = _first_fit(
                self.clinic,
                self.need,
                self.providers,
                self.devices,
                working,
                self.index,
                start,
                start + self.duration,
            )
            if slot is not None:
                yield slot


def _days_nearest(target: date, earliest: date, latest: date) -> Iterator[date]:
    """The days from `earliest` to `latest`, nearest to `target` first (brought inside the
    range); of two days as near, the earlier first."""
    if earliest > latest:
        return
    target = min(max(target, earliest), latest)
    yield target
    for k in range(1, (latest - earliest).days + 1):
        before, after = target - timedelta(days=k), target + timedelta(days=k)
        if before >= earliest:
            yield before
        if after <= latest:
            yield after


def first_slot_near(
    clinic: Clinic,
    *,
    need: Need,
    duration_minutes: int,
    target: date,
    earliest: date,
    latest: date,
    not_before: datetime | None = None,
) -> Slot | None:
    """The first free slot of the day nearest to `target` that has one, between `earliest`
    and `latest` (inclusive): the agreed date when it is free, else the closest free day."""
    finder = _Finder(clinic, need, duration_minutes, not_before)
    for day in _days_nearest(target, earliest, latest):
        slot = next(finder.day(day), None)
        if slot is not None:
            return slot
    return None


def _first_fit(
    clinic: Clinic,
    need: Need,
    providers: Sequence[Provider],
    devices: Sequence[Device],
    working: dict[int, list[tuple[datetime, datetime]]],
    index: _BusyIndex,
    start: datetime,
    end: datetime,
) -> Slot | None:
    provider = next(
        (
            p
            for p in providers
            if _inside(working[p.id], start, end) and index.is_free(PROVIDER, p.id, start, end)
        ),
        None,
    )
    if provider is None:
        return None
    room_id = None
    if need.room:
        room = next((r for r in clinic.rooms if index.is_free(ROOM, r.id, start, end)), None)
        if room is None:
            return None
        room_id = room.id
    device_id = None
    if need.device:
        device = next((d for d in devices if index.is_free(DEVICE, d.id, start, end)), None)
        if device is None:
            return None
        device_id = device.id
    return Slot(start, end, provider.id, room_id, device_id)


def slot_is_free(clinic: Clinic, *, need: Need, slot: Slot) -> str:
    """Why `slot` cannot be booked as it stands ("" when it can), in words for the front desk.

    The first problem wins, in the order the front desk would fix them: the time itself, the
    provider, then the room and the device.
    """
    problem = _time_problem(clinic, slot)
    if problem:
        return problem
    provider = next((p for p in clinic.providers if p.id == slot.provider_id), None)
    if provider is None:
        return "That provider is not available for bookings."
    problem = _provider_problem(provider, need, slot)
    if problem:
        return problem
    index = _BusyIndex(clinic.busy)
    if not index.is_free(PROVIDER, provider.id, slot.start, slot.end):
        return f"{provider.name} is already booked then."
    return _room_problem(clinic, need, slot, index) or _device_problem(clinic, need, slot, index)


def _time_problem(clinic: Clinic, slot: Slot) -> str:
    """A session must be a real stretch of one day, on a day and at hours the clinic is
    open; nothing else matters until it is."""
    day = slot.start.date()
    if slot.end <= slot.start:
        return "The session must end after it starts."
    if slot.end.date() != day and slot.end.time() != time():
        return "A session cannot run past midnight."
    if day in clinic.closed_dates:
        return f"The clinic is closed on {day:%A %B} {day.day}."
    if not _inside(_windows(clinic.opening, day), slot.start, slot.end):
        return "The session is outside the clinic's opening hours."
    return ""


def _provider_problem(provider: Provider, need: Need, slot: Slot) -> str:
    """Only a provider qualified for the treatment, working for the whole session, may be
    booked (whether they are already busy is checked against the calendar after)."""
    if need.treatment not in provider.treatments:
        return f"{provider.name} does not perform this treatment."
    if not _inside(_windows(provider.hours, slot.start.date()), slot.start, slot.end):
        return f"{provider.name} is not working then."
    return ""


def _room_problem(clinic: Clinic, need: Need, slot: Slot, index: _BusyIndex) -> str:
    """A treatment that needs a room needs one of the clinic's rooms, free for the session."""
    if not need.room:
        return ""
    room = next((r for r in clinic.rooms if r.id == slot.room_id), None)
    if room is None:
        return "Choose a room."
    if not index.is_free(ROOM, room.id, slot.start, slot.end):
        return f"{room.name} is already booked then."
    return ""


def _device_problem(clinic: Clinic, need: Need, slot: Slot, index: _BusyIndex) -> str:
    """A treatment that needs a device needs one that serves it, free for the session (the
    device is occupied for the whole cycle)."""
    if not need.device:
        return ""
    device = next((d for d in clinic.devices if d.id == slot.device_id), None)
    if device is None or need.treatment not in device.treatments:
        return "Choose a device that serves this treatment."
    if not index.is_free(DEVICE, device.id, slot.start, slot.end):
        return f"{device.name} is already booked then."
    return ""


# --- Courses -------------------------------------------------------------------------------


def session_window(previous: date, rules: CourseRules) -> tuple[date, date]:
    """The dates the session after one on `previous` may fall on, inclusive."""
    return (
        previous + timedelta(days=rules.min_interval_days),
        previous + timedelta(days=rules.max_gap_days),
    )


def session_bounds(
    *, previous: date | None, following: date | None, rules: CourseRules
) -> tuple[date | None, date | None]:
    """The first and last dates (inclusive; None: unbounded) a session may take between the
    booked sessions before and after it: the minimum interval from each."""
    gap = timedelta(days=rules.min_interval_days)
    return (
        previous + gap if previous is not None else None,
        following - gap if following is not None else None,
    )


def propose_course(
    clinic: Clinic,
    *,
    need: Need,
    sessions: Sequence[SessionRequest],
    rules: CourseRules,
    start: date,
    not_before: datetime | None = None,
    first_session_search_days: int = FIRST_SESSION_SEARCH_DAYS,
    fixed: Mapping[int, Slot] | None = None,
) -> CourseProposal:
    """A free slot for every session, in order, as near to its agreed date as the rules let.

    Session 1: from `start` (and `not_before`), looking up to `first_session_search_days`
    ahead. Each next session: inside [previous + minimum interval, previous + usual interval
    + window], stretched to the agreed date when the plan agreed a later one. In that range
    a session takes the first free slot of its agreed date (`SessionRequest.planned`), or of
    the nearest day that has one (the earlier of two as near); with no agreed date, the first
    free slot of the range. Sessions in `fixed` (already booked) keep their slot and anchor
    their neighbours: a session placed before a fixed one ends its window at least the
    minimum interval before it. Each chosen slot is taken before the next is searched, so a
    course never collides with itself. When a session finds no slot, every later unfixed
    one waits for it, with the reason.
    """
    fixed = dict(fixed or {})
    ordered = sorted(sessions, key=lambda s: s.number)
    proposed: list[ProposedSession] = []
    working = clinic
    previous: date | None = None
    blocked_by: int | None = None
    for i, request in enumerate(ordered):
        if request.number in fixed:
            day = fixed[request.number].start.date()
            proposed.append(ProposedSession(request.number, day, day, fixed[request.number]))
            previous = day
            continue
        following = next((fixed[r.number] for r in ordered[i + 1 :] if r.number in fixed), None)
        earliest, latest = _course_window(
            request,
            previous=previous,
            following=following.start.date() if following else None,
            rules=rules,
            first=(start, start + timedelta(days=first_session_search_days)),
        )
        if blocked_by is not None:
            proposed.append(
                ProposedSession(
                    request.number,
                    earliest,
                    latest,
                    None,
                    f"Waiting for session {blocked_by} to be placed first.",
                )
            )
            continue
        slot = first_slot_near(
            working,
            need=need,
            duration_minutes=request.duration_minutes,
            target=request.planned or earliest,
            earliest=earliest,
            latest=latest,
            not_before=not_before,
        )
        if slot is None:
            proposed.append(
                ProposedSession(
                    request.number,
                    earliest,
                    latest,
                    None,
                    f"No provider, room{' and device' if need.device else ''} free for "
                    f"{request.duration_minutes} minutes between {_day(earliest)} and "
                    f"{_day(latest)}."
                    if earliest <= latest
                    else "No date fits between the sessions around it; move them first.",
                )
            )
            blocked_by = request.number
            continue
        proposed.append(ProposedSession(request.number, earliest, latest, slot))
        working = working.with_busy(slot.busy())
        previous = slot.start.date()
    return CourseProposal(tuple(proposed))


def _course_window(
    request: SessionRequest,
    *,
    previous: date | None,
    following: date | None,
    rules: CourseRules,
    first: tuple[date, date],
) -> tuple[date, date]:
    """Where a session of a proposal may go: after the previous one by the interval rules
    (the first session: `first`), as late as its agreed date if the plan agreed a later one,
    and at least the minimum interval before a booked session after it."""
    earliest, latest = first if previous is None else session_window(previous, rules)
    if request.planned is not None and request.planned > latest:
        latest = request.planned + timedelta(days=rules.window_days)
    if following is not None:
        latest = min(latest, following - timedelta(days=rules.min_interval_days))
    return earliest, latest


def interval_problem(previous: date, current: date, rules: CourseRules) -> str:
    """ "" when `current` is a valid date for the session after one on `previous`."""
    gap = (current - previous).days
    if gap < rules.min_interval_days:
        return (
            f"only {gap} days after the previous session; the minimum is "
            f"{rules.min_interval_days} days"
        )
    if gap > rules.max_gap_days:
        return (
            f"{gap} days after the previous session; it should be within "
            f"{rules.max_gap_days} days ({rules.usual_interval_days} usual + "
            f"{rules.window_days} days' leeway)"
        )
    return ""


def recheck_course(
    clinic: Clinic,
    *,
    need: Need,
    course: Sequence[BookedSession],
    rules: CourseRules,
    not_before: datetime | None = None,
    pinned: frozenset[int] = frozenset(),
) -> Recheck:
    """Check a course after one of its sessions moved; propose a new slot for each later
    session whose date now breaks the interval rules (cascading: a moved session sets the
    window for the next). The clinic's busy list may include the course's own bookings;
    a session being moved frees its old slot first. Sessions without a slot are skipped.
    A `pinned` session (the one the front desk just placed) is never moved: if it breaks the
    rules it is reported with no new slot."""
    working = clinic
    moves: list[Move] = []
    previous: date | None = None
    for session in sorted(course, key=lambda s: s.number):
        if session.slot is None:
            continue
        day = session.slot.start.date()
        problem = interval_problem(previous, day, rules) if previous is not None else ""
        if previous is None or not problem:
            previous = day
            continue
        earliest, latest = session_window(previous, rules)
        reason = f"Session {session.number} on {_day(day)} is {problem}."
        if session.number in pinned:
            moves.append(Move(session.number, session.slot, None, reason))
            previous = day
            continue
        working = working.without_busy(session.slot.busy())
        found = free_slots(
            working,
            need=need,
            duration_minutes=session.duration_minutes,
            first_day=earliest,
            last_day=latest,
            not_before=not_before,
            limit=1,
        )
        if not found:
            moves.append(
                Move(
                    session.number,
                    session.slot,
                    None,
                    reason + f" No free slot between {_day(earliest)} and {_day(latest)}.",
                )
            )
            # Keep the old date as the reference: the front desk has to decide.
            previous = day
            continue
        new = found[0]
        moves.append(Move(session.number, session.slot, new, reason))
        working = working.with_busy(new.busy())
        previous = new.start.date()
    return Recheck(tuple(moves))


def _day(day: date) -> str:
    return f"{day:%a %b} {day.day}"
