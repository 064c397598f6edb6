"""treatments.engine.slots: slot finding, course proposals and rechecks. No database.

A small clinic: open Monday to Saturday 09:00-17:00 (Saturday until 13:00), closed Sundays,
two providers, two rooms, one cryolipolysis device.
"""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatments.engine.slots import (
    DEVICE,
    PROVIDER,
    ROOM,
    BookedSession,
    Busy,
    Clinic,
    CourseRules,
    Device,
    Hours,
    Need,
    Provider,
    Room,
    SessionRequest,
    Slot,
    first_slot_near,
    free_slots,
    interval_problem,
    propose_course,
    recheck_course,
    session_bounds,
    session_window,
    slot_is_free,
)

MONDAY = date(2027, 1, 4)
SUNDAY = date(2027, 1, 10)
CRYO, INJ, LASER = "cryolipolysis", "deoxycholic_injection", "laser_lipolysis"
CRYO_NEED = Need(CRYO, room=True, device=True)
INJ_NEED = Need(INJ, room=True, device=False)


def hours(weekdays, start, end) -> tuple[Hours, ...]:
    return tuple(Hours(wd, time.fromisoformat(start), time.fromisoformat(end)) for wd in weekdays)


OPENING = hours(range(5), "09:00", "17:00") + hours([5], "09:00", "13:00")
ANA = Provider(1, "Ana", frozenset({CRYO, INJ, LASER}), hours(range(5), "09:00", "17:00"))
BEN = Provider(2, "Ben", frozenset({INJ}), hours(range(6), "10:00", "13:00"))
ROOM_A, ROOM_B = Room(1, "Room A"), Room(2, "Room B")
COOL = Device(1, "CoolSculpt 1", frozenset({CRYO}))
CLINIC = Clinic(
    opening=OPENING, providers=(ANA, BEN), rooms=(ROOM_A, ROOM_B), devices=(COOL,), grid_minutes=15
)


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm))


# --- free_slots ----------------------------------------------------------------------------


def test_first_slot_of_an_empty_day_is_at_opening_with_the_first_qualified_provider():
    slots = free_slots(CLINIC, need=INJ_NEED, duration_minutes=30, first_day=MONDAY)
    assert slots[0] == Slot(at(MONDAY, "09:00"), at(MONDAY, "09:30"), 1, 1, None)
    # 09:00 .. 16:30 every 15 minutes
    assert len(slots) == 31
    assert slots[-1].start == at(MONDAY, "16:30")


@pytest.mark.parametrize(
    ("day", "duration", "expected_first", "expected_last"),
    [
        (MONDAY, 30, "09:00", "16:30"),
        (MONDAY, 85, "09:00", "15:30"),  # 85 min must end by 17:00 on the grid
        (MONDAY, 480, "09:00", "09:00"),  # the whole day
        (MONDAY + timedelta(days=5), 30, "10:00", "12:30"),  # Saturday: only Ben, 10-13
    ],
)
def test_slots_stay_inside_opening_and_working_hours(day, duration, expected_first, expected_last):
    need = INJ_NEED
    slots = free_slots(CLINIC, need=need, duration_minutes=duration, first_day=day)
    assert slots[0].start == at(day, expected_first)
    assert slots[-1].start == at(day, expected_last)


@pytest.mark.parametrize(
    ("clinic", "need", "day", "why"),
    [
        (CLINIC, INJ_NEED, SUNDAY, "closed on Sundays"),
        (
            Clinic(OPENING, (ANA,), (ROOM_A,), (COOL,), closed_dates=frozenset({MONDAY})),
            INJ_NEED,
            MONDAY,
            "a holiday",
        ),
        (CLINIC, Need(CRYO, device=True), MONDAY + timedelta(days=5), "only Ben works Saturday"),
        (Clinic(OPENING, (ANA,), (ROOM_A,), ()), CRYO_NEED, MONDAY, "no device serves it"),
        (Clinic(OPENING, (ANA,), (), (COOL,)), CRYO_NEED, MONDAY, "no room"),
        (Clinic(OPENING, (BEN,), (ROOM_A,), (COOL,)), CRYO_NEED, MONDAY, "nobody qualified"),
    ],
)
def test_no_slots(clinic, need, day, why):
    assert free_slots(clinic, need=need, duration_minutes=30, first_day=day) == (), why


def test_a_treatment_that_needs_no_room_gets_none():
    slots = free_slots(
        Clinic(OPENING, (ANA,), ()),
        need=Need(INJ, room=False),
        duration_minutes=30,
        first_day=MONDAY,
    )
    assert slots[0].room_id is None


def test_busy_provider_falls_back_to_the_next_qualified_one():
    clinic = CLINIC.with_busy([Busy(PROVIDER, 1, at(MONDAY, "09:00"), at(MONDAY, "12:00"))])
    slots = free_slots(clinic, need=INJ_NEED, duration_minutes=30, first_day=MONDAY, limit=2)
    # Ben starts at 10:00 and is the only one left before noon.
    assert [(s.start.time(), s.provider_id) for s in slots] == [
        (time(10, 0), 2),
        (time(10, 15), 2),
    ]


def test_busy_room_moves_to_the_other_room_and_both_busy_blocks_the_time():
    one = CLINIC.with_busy([Busy(ROOM, 1, at(MONDAY, "09:00"), at(MONDAY, "10:00"))])
    assert free_slots(one, need=INJ_NEED, duration_minutes=30, first_day=MONDAY)[0].room_id == 2
    both = one.with_busy([Busy(ROOM, 2, at(MONDAY, "09:00"), at(MONDAY, "10:00"))])
    first = free_slots(both, need=INJ_NEED, duration_minutes=30, first_day=MONDAY)[0]
    assert first.start == at(MONDAY, "10:00")


def test_a_busy_device_blocks_cryolipolysis_for_the_whole_session_length():
    clinic = CLINIC.with_busy([Busy(DEVICE, 1, at(MONDAY, "10:00"), at(MONDAY, "11:10"))])
    slots = free_slots(clinic, need=CRYO_NEED, duration_minutes=50, first_day=MONDAY)
    starts = [s.start.time() for s in slots]
    assert time(9, 0) in starts  # 09:00-09:50 ends before 10:00
    assert time(9, 15) not in starts  # 09:15-10:05 would overlap
    assert time(11, 0) not in starts
    assert time(11, 15) in starts  # back-to-back after 11:10 on the 15-minute grid


def test_busy_touching_end_to_start_is_not_an_overlap():
    clinic = CLINIC.with_busy([Busy(PROVIDER, 1, at(MONDAY, "09:30"), at(MONDAY, "17:00"))])
    slots = free_slots(clinic, need=CRYO_NEED, duration_minutes=30, first_day=MONDAY)
    assert slots[0].start == at(MONDAY, "09:00")
    assert len(slots) == 1


def test_not_before_skips_the_past_and_limit_stops_early():
    slots = free_slots(
        CLINIC,
        need=INJ_NEED,
        duration_minutes=30,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=2),
        not_before=at(MONDAY, "16:20"),
        limit=3,
    )
    assert [s.start for s in slots] == [
        at(MONDAY, "16:30"),
        at(MONDAY + timedelta(days=1), "09:00"),
        at(MONDAY + timedelta(days=1), "09:15"),
    ]


def test_provider_filter_and_odd_opening_times_round_up_to_the_grid():
    clinic = Clinic(hours([0], "09:05", "10:00"), (ANA, BEN), (ROOM_A,))
    only_ana = free_slots(clinic, need=INJ_NEED, duration_minutes=30, first_day=MONDAY)
    assert [s.start.time() for s in only_ana] == [time(9, 15), time(9, 30)]
    assert (
        free_slots(clinic, need=INJ_NEED, duration_minutes=30, first_day=MONDAY, provider_id=2)
        == ()
    )


def test_split_opening_hours_do_not_allow_a_session_across_the_lunch_break():
    clinic = Clinic(
        hours([0], "09:00", "12:00") + hours([0], "13:00", "17:00"),
        (Provider(1, "Ana", frozenset({INJ}), hours([0], "08:00", "18:00")),),
        (ROOM_A,),
    )
    starts = [
        s.start.time()
        for s in free_slots(clinic, need=INJ_NEED, duration_minutes=60, first_day=MONDAY)
    ]
    assert time(11, 0) in starts
    assert time(11, 15) not in starts
    assert time(13, 0) in starts


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        (Slot(at(MONDAY, "09:00"), at(MONDAY, "09:30"), 1, 1), ""),
        (Slot(at(SUNDAY, "09:00"), at(SUNDAY, "09:30"), 1, 1), "outside the clinic's opening"),
        (Slot(at(MONDAY, "08:30"), at(MONDAY, "09:30"), 1, 1), "outside the clinic's opening"),
        (Slot(at(MONDAY, "09:00"), at(MONDAY, "09:30"), 2, 1), "Ben is not working then"),
        (Slot(at(MONDAY, "09:00"), at(MONDAY, "09:30"), 9, 1), "not available"),
        (Slot(at(MONDAY, "11:00"), at(MONDAY, "11:30"), 1, 1), "Ana is already booked"),
        (Slot(at(MONDAY, "12:00"), at(MONDAY, "12:30"), 2, 2), "Room B is already booked"),
        (Slot(at(MONDAY, "09:30"), at(MONDAY, "09:00"), 1, 1), "must end after"),
    ],
)
def test_slot_is_free_explains_why_not(slot, message):
    clinic = CLINIC.with_busy(
        [
            Busy(PROVIDER, 1, at(MONDAY, "11:00"), at(MONDAY, "12:00")),
            Busy(ROOM, 2, at(MONDAY, "12:00"), at(MONDAY, "13:00")),
        ]
    )
    result = slot_is_free(clinic, need=INJ_NEED, slot=slot)
    assert (message in result) if message else result == ""


def test_slot_is_free_checks_qualification_and_device():
    assert "does not perform" in slot_is_free(
        CLINIC, need=CRYO_NEED, slot=Slot(at(MONDAY, "10:00"), at(MONDAY, "10:30"), 2, 1, 1)
    )
    assert "device" in slot_is_free(
        CLINIC, need=CRYO_NEED, slot=Slot(at(MONDAY, "10:00"), at(MONDAY, "10:30"), 1, 1, None)
    )
    busy = CLINIC.with_busy([Busy(DEVICE, 1, at(MONDAY, "10:00"), at(MONDAY, "11:00"))])
    assert "CoolSculpt 1 is already booked" in slot_is_free(
        busy, need=CRYO_NEED, slot=Slot(at(MONDAY, "10:00"), at(MONDAY, "10:30"), 1, 1, 1)
    )


# --- Courses -------------------------------------------------------------------------------

INJ_RULES = CourseRules(min_interval_days=28, usual_interval_days=30, window_days=14)
CRYO_RULES = CourseRules(min_interval_days=42, usual_interval_days=56, window_days=14)


@pytest.mark.parametrize(
    ("previous", "current", "problem"),
    [
        (MONDAY, MONDAY + timedelta(days=28), ""),
        (MONDAY, MONDAY + timedelta(days=44), ""),
        (MONDAY, MONDAY + timedelta(days=27), "only 27 days"),
        (MONDAY, MONDAY + timedelta(days=45), "45 days after"),
    ],
)
def test_interval_problem(previous, current, problem):
    result = interval_problem(previous, current, INJ_RULES)
    assert (problem in result) if problem else result == ""


def test_session_window():
    assert session_window(MONDAY, INJ_RULES) == (
        MONDAY + timedelta(days=28),
        MONDAY + timedelta(days=44),
    )


def test_course_takes_the_first_slot_then_the_minimum_interval():
    proposal = propose_course(
        CLINIC,
        need=INJ_NEED,
        sessions=[SessionRequest(n, 30) for n in (1, 2, 3)],
        rules=INJ_RULES,
        start=MONDAY,
    )
    assert proposal.complete
    assert [s.slot.start for s in proposal.sessions] == [
        at(MONDAY, "09:00"),
        at(MONDAY + timedelta(days=28), "09:00"),
        at(MONDAY + timedelta(days=56), "09:00"),
    ]


def test_course_skips_a_closed_day_at_the_minimum_interval():
    # Session 2's earliest day is a holiday: the next open day is taken.
    holiday = MONDAY + timedelta(days=42)
    clinic = Clinic(OPENING, (ANA,), (ROOM_A,), (COOL,), closed_dates=frozenset({holiday}))
    proposal = propose_course(
        clinic,
        need=CRYO_NEED,
        sessions=[SessionRequest(1, 50), SessionRequest(2, 50)],
        rules=CRYO_RULES,
        start=MONDAY,
    )
    assert proposal.sessions[1].slot.start.date() == holiday + timedelta(days=1)


def test_course_reports_a_session_with_no_room_in_its_window_and_waits_with_the_rest():
    start = MONDAY
    blocked_from = start + timedelta(days=28)
    busy = [
        Busy(
            ROOM, room.id, at(blocked_from, "00:00"), at(blocked_from + timedelta(days=17), "00:00")
        )
        for room in (ROOM_A, ROOM_B)
    ]
    proposal = propose_course(
        CLINIC.with_busy(busy),
        need=INJ_NEED,
        sessions=[SessionRequest(n, 30) for n in (1, 2, 3)],
        rules=INJ_RULES,
        start=start,
    )
    assert proposal.sessions[0].slot is not None
    assert proposal.sessions[1].slot is None
    assert "No provider, room free for 30 minutes" in proposal.sessions[1].problem
    assert proposal.sessions[2].slot is None
    assert "Waiting for session 2" in proposal.sessions[2].problem
    assert not proposal.complete


def test_course_never_collides_with_itself_or_others_with_one_device():
    # Two patients' courses of cryolipolysis proposed in turn share the single device.
    sessions = [SessionRequest(1, 120)]
    first = propose_course(
        CLINIC, need=CRYO_NEED, sessions=sessions, rules=CRYO_RULES, start=MONDAY
    )
    clinic = CLINIC.with_busy(first.sessions[0].slot.busy())
    second = propose_course(
        clinic, need=CRYO_NEED, sessions=sessions, rules=CRYO_RULES, start=MONDAY
    )
    assert second.sessions[0].slot.start == first.sessions[0].slot.end


def test_recheck_moves_later_sessions_that_break_the_interval():
    proposal = propose_course(
        CLINIC,
        need=INJ_NEED,
        sessions=[SessionRequest(n, 30) for n in (1, 2, 3)],
        rules=INJ_RULES,
        start=MONDAY,
    )
    slots = [s.slot for s in proposal.sessions]
    clinic = CLINIC.with_busy(b for s in slots for b in s.busy())
    # Session 2 moves 10 days later: session 3 is now only 18 days after it.
    new2 = Slot(slots[1].start + timedelta(days=10), slots[1].end + timedelta(days=10), 1, 1, None)
    clinic = clinic.without_busy(slots[1].busy()).with_busy(new2.busy())
    course = [
        BookedSession(1, 30, slots[0]),
        BookedSession(2, 30, new2),
        BookedSession(3, 30, slots[2]),
    ]
    result = recheck_course(clinic, need=INJ_NEED, course=course, rules=INJ_RULES, pinned={2})
    assert not result.ok
    (move,) = result.moves
    assert move.number == 3
    assert "only 18 days" in move.reason
    assert move.new.start == at(new2.start.date() + timedelta(days=28), "09:00")


def test_recheck_reports_a_pinned_session_too_close_without_moving_it():
    s1 = Slot(at(MONDAY, "09:00"), at(MONDAY, "09:30"), 1, 1)
    s2 = Slot(
        at(MONDAY + timedelta(days=7), "09:00"), at(MONDAY + timedelta(days=7), "09:30"), 1, 1
    )
    result = recheck_course(
        CLINIC,
        need=INJ_NEED,
        course=[BookedSession(1, 30, s1), BookedSession(2, 30, s2)],
        rules=INJ_RULES,
        pinned=frozenset({2}),
    )
    assert result.moves[0].new is None
    assert "only 7 days" in result.moves[0].reason


def test_recheck_of_a_valid_course_is_ok_and_ignores_unbooked_sessions():
    s1 = Slot(at(MONDAY, "09:00"), at(MONDAY, "09:30"), 1, 1)
    s3 = Slot(
        at(MONDAY, "09:00") + timedelta(days=30), at(MONDAY, "09:30") + timedelta(days=30), 1, 1
    )
    course = [BookedSession(1, 30, s1), BookedSession(2, 30, None), BookedSession(3, 30, s3)]
    assert recheck_course(CLINIC, need=INJ_NEED, course=course, rules=INJ_RULES).ok


# --- Properties ----------------------------------------------------------------------------

TREATMENTS = (CRYO, INJ, LASER)


@st.composite
def clinics(draw):
    def day_hours(weekdays):
        out = []
        for wd in weekdays:
            start = draw(st.integers(7 * 4, 12 * 4)) * 15
            end = start + draw(st.integers(2, 10 * 4)) * 15
            end = min(end, 23 * 60 + 45)
            out.append(Hours(wd, time(start // 60, start % 60), time(end // 60, end % 60)))
        return tuple(out)

    open_days = draw(st.sets(st.integers(0, 6), min_size=1))
    providers = tuple(
        Provider(
            i,
            f"P{i}",
            frozenset(draw(st.sets(st.sampled_from(TREATMENTS), min_size=1))),
            day_hours(draw(st.sets(st.integers(0, 6), min_size=1))),
        )
        for i in range(1, draw(st.integers(1, 3)) + 1)
    )
    rooms = tuple(Room(i, f"R{i}") for i in range(1, draw(st.integers(1, 2)) + 1))
    devices = tuple(
        Device(i, f"D{i}", frozenset(draw(st.sets(st.sampled_from(TREATMENTS), min_size=1))))
        for i in range(1, draw(st.integers(0, 2)) + 1)
    )
    busy = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from((PROVIDER, ROOM, DEVICE)))
        pool = {PROVIDER: providers, ROOM: rooms, DEVICE: devices}[kind]
        if not pool:
            continue
        start = at(MONDAY, "07:00") + timedelta(
            days=draw(st.integers(0, 120)), minutes=15 * draw(st.integers(0, 50))
        )
        busy.append(
            Busy(
                kind,
                draw(st.sampled_from(pool)).id,
                start,
                start + timedelta(minutes=15 * draw(st.integers(1, 16))),
            )
        )
    closed = frozenset(
        MONDAY + timedelta(days=d) for d in draw(st.sets(st.integers(0, 120), max_size=10))
    )
    return Clinic(day_hours(open_days), providers, rooms, devices, closed, tuple(busy))


def assert_bookable(clinic: Clinic, need: Need, slot: Slot) -> None:
    """Inside opening and working hours, qualified, nothing overlapping."""
    assert slot_is_free(clinic, need=need, slot=slot) == "", slot
    assert slot.start.minute % clinic.grid_minutes == 0


NEEDS = st.builds(Need, st.sampled_from(TREATMENTS), st.booleans(), st.booleans())


@settings(max_examples=150, deadline=None)
@given(clinic=clinics(), need=NEEDS, duration=st.integers(1, 24).map(lambda n: n * 10))
def test_every_free_slot_is_bookable(clinic, need, duration):
    for slot in free_slots(
        clinic,
        need=need,
        duration_minutes=duration,
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=13),
    ):
        assert slot.end - slot.start == timedelta(minutes=duration)
        assert_bookable(clinic, need, slot)


@settings(max_examples=150, deadline=None)
@given(
    clinic=clinics(),
    need=NEEDS,
    durations=st.lists(st.integers(2, 12).map(lambda n: n * 10), min_size=1, max_size=4),
    min_gap=st.integers(1, 30),
    extra=st.integers(0, 20),
    window=st.integers(0, 14),
)
def test_course_proposals_respect_resources_hours_and_intervals(
    clinic, need, durations, min_gap, extra, window
):
    rules = CourseRules(min_gap, min_gap + extra, window)
    proposal = propose_course(
        clinic,
        need=need,
        sessions=[SessionRequest(i + 1, d) for i, d in enumerate(durations)],
        rules=rules,
        start=MONDAY,
    )
    booked = clinic
    previous = None
    seen_gap = False
    for proposed in proposal.sessions:
        if proposed.slot is None:
            seen_gap = True
            continue
        assert not seen_gap, "a session after an unplaced one was placed"
        # Free against everything already busy, including this course's earlier sessions.
        assert_bookable(booked, need, proposed.slot)
        booked = booked.with_busy(proposed.slot.busy())
        day = proposed.slot.start.date()
        assert proposed.earliest <= day <= proposed.latest
        if previous is not None:
            assert interval_problem(previous, day, rules) == ""
        else:
            assert day >= MONDAY
        previous = day


def test_fixed_sessions_keep_their_slot_and_bound_the_ones_around_them():
    # Session 1 was cancelled; sessions 2 and 3 are still booked.
    day2 = MONDAY + timedelta(days=35)
    day3 = day2 + timedelta(days=30)
    s2 = Slot(at(day2, "10:00"), at(day2, "10:30"), 1, 1)
    s3 = Slot(at(day3, "10:00"), at(day3, "10:30"), 1, 1)
    proposal = propose_course(
        CLINIC.with_busy(s2.busy() + s3.busy()),
        need=INJ_NEED,
        sessions=[SessionRequest(n, 30) for n in (1, 2, 3)],
        rules=INJ_RULES,
        start=MONDAY,
        fixed={2: s2, 3: s3},
    )
    first = proposal.sessions[0]
    assert first.slot.start == at(MONDAY, "09:00")
    assert first.latest == day2 - timedelta(days=28)
    assert [p.slot for p in proposal.sessions[1:]] == [s2, s3]


def test_no_room_between_fixed_sessions_is_explained():
    day2 = MONDAY + timedelta(days=10)
    s2 = Slot(at(day2, "10:00"), at(day2, "10:30"), 1, 1)
    proposal = propose_course(
        CLINIC,
        need=INJ_NEED,
        sessions=[SessionRequest(1, 30), SessionRequest(2, 30)],
        rules=INJ_RULES,
        start=MONDAY,
        fixed={2: s2},
    )
    assert proposal.sessions[0].slot is None
    assert "No date fits between the sessions around it" in proposal.sessions[0].problem


@settings(max_examples=100, deadline=None)
@given(
    clinic=clinics(),
    need=NEEDS,
    count=st.integers(2, 4),
    shift=st.integers(-20, 40),
    which=st.integers(0, 3),
)
def test_recheck_moves_are_bookable_and_respect_the_interval(clinic, need, count, shift, which):
    rules = CourseRules(14, 21, 7)
    proposal = propose_course(
        clinic,
        need=need,
        sessions=[SessionRequest(n, 30) for n in range(1, count + 1)],
        rules=rules,
        start=MONDAY,
    )
    if not proposal.complete:
        return
    slots = {p.number: p.slot for p in proposal.sessions}
    moved_number = which % count + 1
    old = slots[moved_number]
    delta = timedelta(days=shift)
    slots[moved_number] = Slot(
        old.start + delta, old.end + delta, old.provider_id, old.room_id, old.device_id
    )
    booked = clinic.with_busy(b for s in slots.values() for b in s.busy())
    result = recheck_course(
        booked,
        need=need,
        course=[BookedSession(n, 30, s) for n, s in slots.items()],
        rules=rules,
        pinned=frozenset({moved_number}),
    )
    final = dict(slots)
    for move in result.moves:
        assert move.number != moved_number or move.new is None  # the pinned one never moves
        if move.new is not None:
            final[move.number] = move.new
    for move in result.moves:
        if move.new is None:
            continue
        others = clinic.with_busy(b for n, s in final.items() if n != move.number for b in s.busy())
        assert_bookable(others, need, move.new)
        previous = final[move.number - 1].start.date()
        assert interval_problem(previous, move.new.start.date(), rules) == ""


# --- Every free start of a day, agreed dates, bounds between booked sessions ----------------


def test_a_day_open_until_18_lists_every_start_up_to_17_30():
    late = hours(range(5), "09:00", "18:00")
    clinic = Clinic(late, (Provider(1, "Ana", frozenset({INJ}), late),), (ROOM_A,))
    slots = free_slots(clinic, need=INJ_NEED, duration_minutes=30, first_day=MONDAY)
    starts = [s.start.time() for s in slots]
    assert len(starts) == 35  # 09:00, 09:15 ... 17:30
    assert (starts[0], starts[-1]) == (time(9), time(17, 30))


TUESDAY_AFTER = MONDAY + timedelta(days=29)  # a Tuesday, 29 days after session 1


def test_course_puts_each_session_on_its_agreed_date_not_the_earliest_allowed():
    proposal = propose_course(
        CLINIC,
        need=INJ_NEED,
        sessions=[SessionRequest(1, 30, MONDAY), SessionRequest(2, 30, TUESDAY_AFTER)],
        rules=INJ_RULES,
        start=MONDAY,
    )
    assert [s.slot.start for s in proposal.sessions] == [
        at(MONDAY, "09:00"),
        at(TUESDAY_AFTER, "09:00"),
    ]


@pytest.mark.parametrize(
    ("closed", "busy_all_day", "expected"),
    [
        # Closed on the agreed Tuesday: Monday and Wednesday are as near; the earlier wins.
        ({TUESDAY_AFTER}, False, TUESDAY_AFTER - timedelta(days=1)),
        # Full on the agreed Tuesday (Ana and both rooms taken all day): the nearest free day.
        (set(), True, TUESDAY_AFTER - timedelta(days=1)),
        # Closed on Monday and Tuesday: Wednesday.
        ({TUESDAY_AFTER, TUESDAY_AFTER - timedelta(days=1)}, False, TUESDAY_AFTER + timedelta(1)),
    ],
)
def test_an_impossible_agreed_date_takes_the_nearest_free_day(closed, busy_all_day, expected):
    clinic = Clinic(OPENING, (ANA,), (ROOM_A,), closed_dates=frozenset(closed))
    if busy_all_day:
        clinic = clinic.with_busy(
            [Busy(PROVIDER, ANA.id, at(TUESDAY_AFTER, "00:00"), at(TUESDAY_AFTER, "23:59"))]
        )
    proposal = propose_course(
        clinic,
        need=INJ_NEED,
        sessions=[SessionRequest(1, 30, MONDAY), SessionRequest(2, 30, TUESDAY_AFTER)],
        rules=INJ_RULES,
        start=MONDAY,
    )
    assert proposal.sessions[1].slot.start.date() == expected


def test_an_agreed_date_inside_the_minimum_interval_moves_to_the_first_allowed_day():
    # Session 1 could only go on Wednesday: session 2, agreed 28 days after Monday, goes
    # 28 days after Wednesday.
    clinic = Clinic(
        OPENING, (ANA,), (ROOM_A,), closed_dates=frozenset({MONDAY, MONDAY + timedelta(1)})
    )
    proposal = propose_course(
        clinic,
        need=INJ_NEED,
        sessions=[SessionRequest(1, 30, MONDAY), SessionRequest(2, 30, MONDAY + timedelta(28))],
        rules=INJ_RULES,
        start=MONDAY,
    )
    first, second = (s.slot.start.date() for s in proposal.sessions)
    assert first == MONDAY + timedelta(days=2)
    assert second == first + timedelta(days=INJ_RULES.min_interval_days)


def test_an_agreed_date_later_than_the_usual_window_is_kept():
    agreed = MONDAY + timedelta(days=INJ_RULES.max_gap_days + 7)
    proposal = propose_course(
        CLINIC,
        need=INJ_NEED,
        sessions=[SessionRequest(1, 30, MONDAY), SessionRequest(2, 30, agreed)],
        rules=INJ_RULES,
        start=MONDAY,
    )
    assert proposal.sessions[1].slot.start.date() == agreed


@pytest.mark.parametrize(
    ("previous", "following", "expected"),
    [
        (None, None, (None, None)),
        (MONDAY, None, (MONDAY + timedelta(28), None)),
        (None, MONDAY + timedelta(56), (None, MONDAY + timedelta(28))),
        (MONDAY, MONDAY + timedelta(56), (MONDAY + timedelta(28), MONDAY + timedelta(28))),
    ],
)
def test_session_bounds_keep_the_minimum_interval_from_both_neighbours(
    previous, following, expected
):
    assert session_bounds(previous=previous, following=following, rules=INJ_RULES) == expected


def test_first_slot_near_looks_both_ways_from_the_target():
    clinic = Clinic(OPENING, (ANA,), (ROOM_A,), closed_dates=frozenset({MONDAY + timedelta(2)}))
    near = first_slot_near(
        clinic,
        need=INJ_NEED,
        duration_minutes=30,
        target=MONDAY + timedelta(days=2),
        earliest=MONDAY + timedelta(days=2),
        latest=MONDAY + timedelta(days=9),
    )
    assert near.start == at(MONDAY + timedelta(days=3), "09:00")
    assert (
        first_slot_near(
            clinic,
            need=INJ_NEED,
            duration_minutes=30,
            target=MONDAY,
            earliest=SUNDAY,
            latest=SUNDAY,
        )
        is None
    )
