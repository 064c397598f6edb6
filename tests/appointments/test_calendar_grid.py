"""treatments.appointments.calendar_grid: the calendar's query, columns, lanes and offsets.
No database, no factories: plain values in, plain values out."""

from datetime import date, datetime, time

import pytest

from treatments.appointments.calendar_grid import (
    DAY,
    MIN_BLOCK_PX,
    PX_PER_MINUTE,
    WEEK,
    Block,
    CalendarQuery,
    ColumnSpec,
    Entry,
    axis_minutes,
    blocks,
    day_columns,
    lanes,
    layout,
    parse_resource,
    provider_columns,
)

MONDAY = date(2030, 1, 7)
WEDNESDAY = date(2030, 1, 9)
NINE_TO_FIVE = [(time(9), time(17))]


def at(hhmm: str, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm))


def entry(pk: int, start: str, end: str, *, day: date = MONDAY, provider: int = 1) -> Entry:
    return Entry(pk, at(start, day), at(end, day), provider)


# --- The query -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("room:3", ("room", 3)),
        ("provider:12", ("provider", 12)),
        ("device:1", ("device", 1)),
        ("", None),
        ("room", None),
        ("room:", None),
        ("room:x", None),
        ("room:-1", None),
        ("patient:1", None),
        (None, None),
    ],
)
def test_parse_resource(value, expected):
    assert parse_resource(value) == expected


@pytest.mark.parametrize(
    ("params", "view", "day", "resource"),
    [
        ({}, WEEK, WEDNESDAY, None),
        ({"view": "day"}, DAY, WEDNESDAY, None),
        ({"view": "month"}, WEEK, WEDNESDAY, None),
        ({"date": "2030-02-01"}, WEEK, date(2030, 2, 1), None),
        ({"date": "garbage"}, WEEK, WEDNESDAY, None),
        ({"date": ""}, WEEK, WEDNESDAY, None),
        ({"resource": "room:2"}, WEEK, WEDNESDAY, ("room", 2)),
        ({"resource": "x:1"}, WEEK, WEDNESDAY, None),
    ],
)
def test_query_falls_back_to_this_week_for_everyone(params, view, day, resource):
    query = CalendarQuery.parse(params, today=WEDNESDAY)
    assert (query.view, query.day, query.resource) == (view, day, resource)
    assert query.resource_param == params.get("resource", "")


@pytest.mark.parametrize(
    ("view", "day", "first", "count"),
    [
        (WEEK, WEDNESDAY, MONDAY, 7),
        (WEEK, MONDAY, MONDAY, 7),
        (WEEK, date(2030, 1, 13), MONDAY, 7),  # a Sunday belongs to the week before
        (DAY, WEDNESDAY, WEDNESDAY, 1),
    ],
)
def test_days_shown(view, day, first, count):
    query = CalendarQuery(view, day, None)
    assert query.first == first
    assert len(query.days) == count
    assert query.days[0] == first
    assert all((b - a).days == 1 for a, b in zip(query.days, query.days[1:], strict=False))


@pytest.mark.parametrize(
    ("view", "resource", "by_provider"),
    [(DAY, None, True), (DAY, ("room", 1), False), (WEEK, None, False)],
)
def test_a_day_for_everyone_has_a_column_per_provider(view, resource, by_provider):
    assert CalendarQuery(view, MONDAY, resource).by_provider is by_provider


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            CalendarQuery(WEEK, WEDNESDAY, None),
            {
                "prev": "?view=week&date=2029-12-31",
                "next": "?view=week&date=2030-01-14",
                "today": "?view=week&date=2030-01-08",
                "switch_day": "?view=day&date=2030-01-09",
                "switch_week": "?view=week&date=2030-01-09",
            },
        ),
        (
            CalendarQuery(DAY, WEDNESDAY, ("room", 2), "room:2"),
            {
                "prev": "?view=day&resource=room%3A2&date=2030-01-08",
                "next": "?view=day&resource=room%3A2&date=2030-01-10",
                "today": "?view=day&resource=room%3A2&date=2030-01-08",
                "switch_day": "?view=day&resource=room%3A2&date=2030-01-09",
                "switch_week": "?view=week&resource=room%3A2&date=2030-01-09",
            },
        ),
    ],
)
def test_navigation_links_keep_the_view_and_the_resource(query, expected):
    links = query.links(today=date(2030, 1, 8))
    assert {name: getattr(links, name) for name in expected} == expected


# --- Columns ---------------------------------------------------------------------------------


def test_day_columns_mark_today():
    specs = day_columns([MONDAY, date(2030, 1, 8)], today=date(2030, 1, 8))
    assert [(s.day, s.provider_id, s.is_today) for s in specs] == [
        (MONDAY, None, False),
        (date(2030, 1, 8), None, True),
    ]


def test_provider_columns_are_titled_by_name():
    specs = provider_columns(MONDAY, [(4, "Priya"), (9, "Pat")])
    assert [(s.title, s.provider_id, s.day) for s in specs] == [
        ("Priya", 4, MONDAY),
        ("Pat", 9, MONDAY),
    ]


# --- The time axis ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "entries", "first_hour", "last_hour"),
    [
        (NINE_TO_FIVE, [], 9, 17),
        ([], [], 8, 18),  # no opening hours yet
        ([(time(8, 30), time(12)), (time(13), time(17, 15))], [], 8, 18),  # whole hours
        (NINE_TO_FIVE, [entry(1, "07:40", "08:00")], 7, 17),  # early sessions still show
        (NINE_TO_FIVE, [entry(1, "17:20", "18:10")], 9, 19),
        (NINE_TO_FIVE, [entry(1, "16:00", "17:00")], 9, 17),
    ],
)
def test_axis_covers_opening_hours_and_every_entry(opening, entries, first_hour, last_hour):
    axis = axis_minutes(opening, entries)
    assert (axis.start, axis.stop) == (first_hour * 60, last_hour * 60)


# --- Lanes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        # (start, end) per entry -> (id, lane, lanes), earliest first
        ([], []),
        ([("09:00", "09:30")], [(0, 0, 1)]),
        ([("09:00", "09:30"), ("09:30", "10:00")], [(0, 0, 1), (1, 0, 1)]),  # back to back
        ([("09:00", "10:00"), ("09:15", "09:45")], [(0, 0, 2), (1, 1, 2)]),
        ([("09:15", "09:45"), ("09:00", "10:00")], [(1, 0, 2), (0, 1, 2)]),  # sorted by start
        (
            # A long one beside two short ones after each other: the second short one
            # takes the first lane free again.
            [("09:00", "11:00"), ("09:00", "09:30"), ("10:00", "10:30")],
            [(1, 0, 2), (0, 1, 2), (2, 0, 2)],
        ),
        (
            [("09:00", "10:00"), ("09:10", "10:00"), ("09:20", "10:00")],
            [(0, 0, 3), (1, 1, 3), (2, 2, 3)],
        ),
        (
            # Two separate groups: the later one is full width again.
            [("09:00", "10:00"), ("09:30", "10:00"), ("11:00", "11:30")],
            [(0, 0, 2), (1, 1, 2), (2, 0, 1)],
        ),
        (
            # Chained overlaps share one group, so one width.
            [("09:00", "10:00"), ("09:45", "10:30"), ("10:15", "11:00")],
            [(0, 0, 2), (1, 1, 2), (2, 0, 2)],
        ),
    ],
)
def test_lanes(spans, expected):
    entries = [entry(i, s, e) for i, (s, e) in enumerate(spans)]
    assert [(e.id, lane, count) for e, lane, count in lanes(entries)] == expected


def test_equal_entries_keep_their_order():
    entries = [entry(7, "09:00", "09:30"), entry(3, "09:00", "09:30")]
    assert [e.id for e, _, _ in lanes(entries)] == [7, 3]


# --- Blocks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "axis_start", "top", "height"),
    [
        ("09:00", "09:30", 9 * 60, 0, 30 * PX_PER_MINUTE),
        ("10:15", "11:15", 9 * 60, 75 * PX_PER_MINUTE, 60 * PX_PER_MINUTE),
        ("07:40", "08:00", 7 * 60, 40 * PX_PER_MINUTE, 20 * PX_PER_MINUTE),
        ("09:00", "09:05", 9 * 60, 0, MIN_BLOCK_PX),  # short sessions stay clickable
    ],
)
def test_block_offsets(start, end, axis_start, top, height):
    (block,) = blocks([entry(1, start, end)], axis_start=axis_start)
    assert block.top == pytest.approx(top)
    assert block.height == pytest.approx(height)


@pytest.mark.parametrize(
    ("lane", "count", "left", "width"),
    [(0, 1, 0, 100), (0, 2, 0, 50), (1, 2, 50, 50), (2, 3, 200 / 3, 100 / 3)],
)
def test_block_left_and_width_in_percent(lane, count, left, width):
    placed = Block(1, top=0, height=20, lane=lane, lanes=count)
    assert (placed.left, placed.width) == (pytest.approx(left), pytest.approx(width))


# --- The whole grid --------------------------------------------------------------------------


def test_week_layout_puts_each_entry_in_its_days_column():
    tuesday = date(2030, 1, 8)
    grid = layout(
        day_columns([MONDAY, tuesday], today=tuesday),
        opening=NINE_TO_FIVE,
        entries=[
            entry(1, "09:00", "09:30"),
            entry(2, "10:00", "10:30", day=tuesday),
            entry(3, "09:15", "09:45", provider=2),
        ],
    )
    assert [[b.id for b in c.blocks] for c in grid.columns] == [[1, 3], [2]]
    assert [c.is_today for c in grid.columns] == [False, True]
    assert [(b.lane, b.lanes) for b in grid.columns[0].blocks] == [(0, 2), (1, 2)]
    assert [h.label for h in grid.hours] == [f"{h:02d}:00" for h in range(9, 17)]
    assert grid.hours[1].top == pytest.approx(60 * PX_PER_MINUTE)
    assert grid.height == pytest.approx(8 * 60 * PX_PER_MINUTE)


def test_day_layout_by_provider():
    grid = layout(
        provider_columns(MONDAY, [(1, "Priya"), (2, "Pat"), (3, "Sam")]),
        opening=NINE_TO_FIVE,
        entries=[
            entry(1, "09:00", "09:30", provider=1),
            entry(2, "09:15", "09:45", provider=2),
            entry(3, "10:00", "10:30", provider=2),
        ],
    )
    assert [(c.title, [b.id for b in c.blocks]) for c in grid.columns] == [
        ("Priya", [1]),
        ("Pat", [2, 3]),
        ("Sam", []),
    ]
    # Different providers never share lanes.
    assert all(b.lanes == 1 for c in grid.columns for b in c.blocks)


def test_all_columns_share_one_axis():
    tuesday = date(2030, 1, 8)
    grid = layout(
        day_columns([MONDAY, tuesday], today=MONDAY),
        opening=NINE_TO_FIVE,
        entries=[entry(1, "07:30", "08:00"), entry(2, "09:00", "09:30", day=tuesday)],
    )
    assert grid.hours[0].label == "07:00"
    (tuesday_block,) = grid.columns[1].blocks
    assert tuesday_block.top == pytest.approx(120 * PX_PER_MINUTE)


def test_an_empty_clinic_still_draws_an_axis():
    grid = layout([ColumnSpec(MONDAY)], opening=[], entries=[])
    assert grid.columns[0].blocks == ()
    assert grid.hours[0].label == "08:00" and grid.hours[-1].label == "17:00"
    assert grid.height == pytest.approx(600 * PX_PER_MINUTE)
