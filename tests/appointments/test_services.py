"""treatments.appointments.services: booking a course, conflicts, moving, cancelling,
recording sessions, the plan's status, photos and the session emails."""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.utils import timezone
from PIL import Image

from treatments.appointments import services as svc
from treatments.appointments.models import Appointment, ProgressPhoto
from treatments.appointments.selectors import to_local
from treatments.engine.slots import Slot

from .factories import (
    accepted_plan,
    appointment_at,
    area,
    next_monday,
    setup_clinic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(provider):
    return setup_clinic(provider)


def at(day: datetime.date, hhmm: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm))


# --- Booking a course ----------------------------------------------------------------------


def test_book_course_places_every_session_on_its_agreed_date(clinic, provider, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday)  # agreed every 30 days; the minimum is 28
    booked = svc.appointment_book_course(plan=plan, by=front_desk)
    assert [to_local(a.start) for a in booked] == [
        at(monday, "09:00"),
        at(monday + datetime.timedelta(days=30), "09:00"),
        at(monday + datetime.timedelta(days=60), "09:00"),
    ]
    assert {a.provider for a in booked} == {provider}
    assert all(a.room is not None and a.device is None for a in booked)
    assert all(a.booked_by == front_desk for a in booked)


def test_cryolipolysis_books_a_device(clinic, front_desk):
    plan = accepted_plan(treatment="cryolipolysis", sessions=2, duration=50)
    booked = svc.appointment_book_course(plan=plan, by=front_desk)
    assert [a.device.name for a in booked] == ["Cool 1", "Cool 1"]
    gap = (to_local(booked[1].start).date() - to_local(booked[0].start).date()).days
    assert gap == 56  # as agreed in the plan (the usual interval), not the 42-day minimum


def test_a_plan_that_is_not_accepted_cannot_be_booked(clinic, front_desk):
    plan = accepted_plan(status="presented")
    with pytest.raises(ValidationError, match="Only an accepted plan"):
        svc.appointment_book_course(plan=plan, by=front_desk)
    assert not Appointment.objects.exists()


def test_an_accepted_plan_without_consent_cannot_be_booked(clinic, front_desk):
    plan = accepted_plan(consented=False)
    with pytest.raises(ValidationError, match="has not signed the consent"):
        svc.appointment_book_course(plan=plan, by=front_desk)


def test_booking_twice_books_only_what_is_missing(clinic, front_desk):
    plan = accepted_plan()
    assert len(svc.appointment_book_course(plan=plan, by=front_desk)) == 3
    assert svc.appointment_book_course(plan=plan, by=front_desk) == []
    assert Appointment.objects.count() == 3


def test_a_taken_slot_is_refused_with_the_next_free_slots(clinic, provider, front_desk):
    monday = next_monday()
    first = accepted_plan(start=monday, sessions=1)
    svc.appointment_book_course(plan=first, by=front_desk)
    other = accepted_plan(start=monday, sessions=1)
    # The only provider is busy 09:00-09:30.
    slot = Slot(at(monday, "09:00"), at(monday, "09:30"), provider.pk, clinic.rooms[1].pk)
    with pytest.raises(svc.BookingError) as caught:
        svc.appointment_book(plan_session=other.sessions.get(), slot=slot, by=front_desk)
    assert "Priya Provider is already booked then" in caught.value.message
    assert caught.value.alternatives[0].start == at(monday, "09:30")


def test_course_is_all_or_nothing(clinic, provider, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=2)
    blocker = accepted_plan(start=monday, sessions=1)
    svc.appointment_book_course(plan=blocker, by=front_desk)
    later = monday + datetime.timedelta(days=28)
    room = clinic.rooms[0].pk
    slots = {
        # Session 2 is free, but session 1 collides with the blocker at 09:00.
        1: Slot(at(monday, "09:00"), at(monday, "09:30"), provider.pk, room),
        2: Slot(at(later, "09:00"), at(later, "09:30"), provider.pk, room),
    }
    with pytest.raises(svc.BookingError, match="Session 1"):
        svc.appointment_book_course(plan=plan, by=front_desk, slots=slots)
    assert not Appointment.objects.filter(plan_session__plan=plan).exists()


def test_sessions_closer_than_the_minimum_interval_are_refused(clinic, provider, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=2)
    room = clinic.rooms[0].pk
    slots = {
        1: Slot(at(monday, "09:00"), at(monday, "09:30"), provider.pk, room),
        2: Slot(
            at(monday + datetime.timedelta(days=7), "09:00"),
            at(monday + datetime.timedelta(days=7), "09:30"),
            provider.pk,
            room,
        ),
    }
    with pytest.raises(ValidationError, match="only 7 days after the previous one"):
        svc.appointment_book_course(plan=plan, by=front_desk, slots=slots)


def test_slot_outside_hours_or_wrong_length_is_refused(clinic, provider, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=1)
    session = plan.sessions.get()
    with pytest.raises(svc.BookingError, match="outside the clinic's opening hours"):
        svc.appointment_book(
            plan_session=session,
            slot=Slot(at(monday, "07:00"), at(monday, "07:30"), provider.pk, clinic.rooms[0].pk),
            by=front_desk,
        )
    with pytest.raises(ValidationError, match="takes 30 minutes"):
        svc.appointment_book(
            plan_session=session,
            slot=Slot(at(monday, "10:00"), at(monday, "11:00"), provider.pk, clinic.rooms[0].pk),
            by=front_desk,
        )


# --- The database guarantee ----------------------------------------------------------------


def test_the_database_keeps_one_active_appointment_per_session(clinic, provider):
    monday = next_monday()
    session = accepted_plan(start=monday, sessions=1).sessions.get()
    appointment_at(session, at(monday, "10:00"), provider=provider, room=clinic.rooms[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        appointment_at(session, at(monday, "14:00"), provider=provider, room=clinic.rooms[1])
    # A cancelled one is history and does not count.
    Appointment.objects.filter(plan_session=session).update(status="cancelled")
    appointment_at(session, at(monday, "14:00"), provider=provider, room=clinic.rooms[1])


def test_a_single_session_too_close_to_the_previous_is_refused(clinic, provider, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=2)
    room = clinic.rooms[0].pk
    svc.appointment_book(
        plan_session=plan.sessions.get(number=1),
        slot=Slot(at(monday, "09:00"), at(monday, "09:30"), provider.pk, room),
        by=front_desk,
    )
    day = monday + datetime.timedelta(days=10)
    with pytest.raises(ValidationError, match="only 10 days after the previous one"):
        svc.appointment_book(
            plan_session=plan.sessions.get(number=2),
            slot=Slot(at(day, "09:00"), at(day, "09:30"), provider.pk, room),
            by=front_desk,
        )
    assert plan.sessions.get(number=2).appointments.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Exclusion constraints exist only on PostgreSQL; SQLite serialises writes instead.",
)
def test_postgresql_refuses_overlapping_appointments_written_directly(clinic, provider):
    monday = next_monday()
    a = accepted_plan(start=monday, sessions=1).sessions.get()
    b = accepted_plan(start=monday, sessions=1).sessions.get()
    appointment_at(a, at(monday, "10:00"), provider=provider, room=clinic.rooms[0])
    for kwargs in (
        {"provider": provider, "room": clinic.rooms[1]},  # same provider
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            appointment_at(b, at(monday, "10:15"), **kwargs)
    # Back to back is fine, and a cancelled appointment frees its time.
    appointment_at(b, at(monday, "10:30"), provider=provider, room=clinic.rooms[0])
    Appointment.objects.filter(plan_session=b).update(status="cancelled")
    appointment_at(
        b, at(monday, "10:15"), provider=provider, room=clinic.rooms[1], status="cancelled"
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent writers need PostgreSQL; SQLite serialises every write.",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_exactly_one_wins(provider, front_desk):
    clinic = setup_clinic(provider, rooms=4)
    monday = next_monday()
    sessions = [accepted_plan(start=monday, sessions=1).sessions.get() for _ in range(4)]
    barrier = threading.Barrier(len(sessions))
    results: list[object] = [None] * len(sessions)

    def book(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            # Same provider, different rooms: only the provider collides.
            slot = Slot(at(monday, "11:00"), at(monday, "11:30"), provider.pk, clinic.rooms[i].pk)
            results[i] = svc.appointment_book(plan_session=sessions[i], slot=slot, by=front_desk)
        except Exception as exc:  # recorded, so the assertion shows anything unexpected
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    winners = [r for r in results if isinstance(r, Appointment)]
    losers = [r for r in results if isinstance(r, svc.BookingError)]
    assert len(winners) == 1, results
    # Every loser gets the booking answer (PostgreSQL deadlock victims are retried into it).
    assert len(losers) == len(sessions) - 1, results
    for loser in losers:
        assert "Session 1:" in loser.message
        assert loser.kind.offers_alternatives
        assert loser.alternatives, "the loser is offered the next free slots"
        assert loser.alternatives[0].start >= at(monday, "11:30")
    assert Appointment.objects.filter(status="booked").count() == 1


class _PgError(Exception):
    def __init__(self, pgcode):
        super().__init__(pgcode)
        self.pgcode = pgcode


def _operational(pgcode: str) -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = _PgError(pgcode)
    return error


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_victim_is_retried_and_other_errors_are_not():
    calls = []

    def deadlocks_once():
        calls.append(1)
        if len(calls) == 1:
            raise _operational("40P01")
        return "booked"

    assert svc._retrying(deadlocks_once) == "booked"
    assert len(calls) == 2

    def always(code):
        def work():
            calls.append(code)
            raise _operational(code)

        return work

    calls.clear()
    with pytest.raises(OperationalError):
        svc._retrying(always("40P01"))
    assert len(calls) == svc.BOOKING_ATTEMPTS
    calls.clear()
    with pytest.raises(OperationalError):
        svc._retrying(always("53300"))  # too many connections: not ours to retry
    assert len(calls) == 1


def test_no_retry_inside_an_enclosing_transaction():
    calls = []

    def work():
        calls.append(1)
        raise _operational("40P01")

    with pytest.raises(OperationalError):
        svc._retrying(work)
    assert len(calls) == 1


# --- Moving and cancelling -----------------------------------------------------------------


def test_reschedule_moves_later_sessions_that_break_the_interval(clinic, provider, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday, interval=28)
    _, second, third = svc.appointment_book_course(plan=plan, by=front_desk)
    new_day = to_local(second.start).date() + datetime.timedelta(days=10)
    outcome = svc.appointment_reschedule(
        appointment=second,
        slot=Slot(at(new_day, "14:00"), at(new_day, "14:30"), provider.pk, clinic.rooms[0].pk),
        reason="Patient travelling",
        by=front_desk,
    )
    second.refresh_from_db()
    third.refresh_from_db()
    assert to_local(second.start) == at(new_day, "14:00")
    assert second.status_reason == "Patient travelling"
    assert to_local(third.start).date() == new_day + datetime.timedelta(days=28)
    assert len(outcome.moved) == 1
    assert outcome.moved[0].startswith("Session 3 moved from")
    assert "only 18 days" in outcome.moved[0]
    # Nothing is lost: each move is in the appointment's history, with who and why.
    assert list(second.events.values_list("kind", flat=True)) == ["booked", "moved"]
    moved = second.events.get(kind="moved")
    assert moved.by == front_desk and moved.detail.endswith(": Patient travelling")
    assert "with session 2" in third.events.get(kind="moved").detail


def test_reschedule_needs_a_reason_and_refuses_too_close_to_the_previous(
    clinic, provider, front_desk
):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=2, interval=28)
    _, second = svc.appointment_book_course(plan=plan, by=front_desk)
    day = monday + datetime.timedelta(days=14)
    slot = Slot(at(day, "10:00"), at(day, "10:30"), provider.pk, clinic.rooms[0].pk)
    with pytest.raises(ValidationError, match="Say why"):
        svc.appointment_reschedule(appointment=second, slot=slot, reason=" ", by=front_desk)
    with pytest.raises(ValidationError, match="only 14 days"):
        svc.appointment_reschedule(appointment=second, slot=slot, reason="Asked", by=front_desk)
    second.refresh_from_db()
    assert to_local(second.start).date() == monday + datetime.timedelta(days=28)


def test_reschedule_into_a_taken_slot_offers_alternatives(clinic, provider, front_desk):
    monday = next_monday()
    other = accepted_plan(start=monday + datetime.timedelta(days=1), sessions=1)
    (taken,) = svc.appointment_book_course(plan=other, by=front_desk)
    plan = accepted_plan(start=monday, sessions=1)
    (mine,) = svc.appointment_book_course(plan=plan, by=front_desk)
    local = to_local(taken.start)
    slot = Slot(local, local + datetime.timedelta(minutes=30), provider.pk, clinic.rooms[1].pk)
    with pytest.raises(svc.BookingError) as caught:
        svc.appointment_reschedule(appointment=mine, slot=slot, reason="Asked", by=front_desk)
    assert caught.value.alternatives


def test_cancel_frees_the_slot_and_tells_about_later_sessions(clinic, front_desk):
    plan = accepted_plan()
    first, *_ = svc.appointment_book_course(plan=plan, by=front_desk)
    with pytest.raises(ValidationError):
        svc.appointment_cancel(appointment=first, reason="", by=front_desk)
    outcome = svc.appointment_cancel(appointment=first, reason="Flu", by=front_desk)
    first.refresh_from_db()
    assert first.status == "cancelled"
    assert "sessions 2, 3 stay as booked" in outcome.attention[0]
    # Its session can be booked again, in the freed slot.
    (again,) = svc.appointment_book_course(plan=plan, by=front_desk)
    assert again.plan_session_id == first.plan_session_id


def test_a_session_moved_past_its_window_is_kept_and_flagged(clinic, provider, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday, interval=28)
    _, second, third = svc.appointment_book_course(plan=plan, by=front_desk)
    late = monday + datetime.timedelta(days=50)  # 50 days after session 1; the window is 44
    outcome = svc.appointment_reschedule(
        appointment=second,
        slot=Slot(at(late, "10:00"), at(late, "10:30"), provider.pk, clinic.rooms[0].pk),
        reason="Patient away",
        by=front_desk,
    )
    assert [(c.kind, c.number) for c in outcome.changes] == [
        (svc.ChangeKind.ASKED_TOO_LATE, 2),
        (svc.ChangeKind.LATER_MOVED, 3),
    ]
    assert outcome.attention == [outcome.changes[0].text]
    assert "50 days after the previous session" in outcome.attention[0]
    third.refresh_from_db()
    assert to_local(third.start).date() == late + datetime.timedelta(days=28)


def test_a_move_too_close_is_refused_with_its_code(clinic, provider, front_desk):
    monday = next_monday()
    _, second = svc.appointment_book_course(
        plan=accepted_plan(start=monday, sessions=2, interval=28), by=front_desk
    )
    day = monday + datetime.timedelta(days=14)
    slot = Slot(at(day, "10:00"), at(day, "10:30"), provider.pk, clinic.rooms[0].pk)
    with pytest.raises(ValidationError) as caught:
        svc.appointment_reschedule(appointment=second, slot=slot, reason="Asked", by=front_desk)
    assert caught.value.code == svc.TOO_CLOSE


def test_cancelling_says_later_sessions_are_kept(clinic, front_desk):
    first, *_ = svc.appointment_book_course(plan=accepted_plan(), by=front_desk)
    outcome = svc.appointment_cancel(appointment=first, reason="Flu", by=front_desk)
    assert [c.kind for c in outcome.changes] == [svc.ChangeKind.LATER_KEPT]
    assert outcome.moved == []


def test_booking_errors_have_a_kind(clinic, provider, front_desk):
    monday = next_monday()
    plan = accepted_plan(start=monday, sessions=1)
    (booked,) = svc.appointment_book_course(plan=plan, by=front_desk)
    later = Slot(at(monday, "14:00"), at(monday, "14:30"), provider.pk, clinic.rooms[0].pk)
    with pytest.raises(svc.BookingError) as again:
        svc.appointment_book(plan_session=booked.plan_session, slot=later, by=front_desk)
    assert again.value.kind is svc.BookingErrorKind.ALREADY_BOOKED
    assert not again.value.alternatives  # nothing to offer: the session has its appointment
    other = accepted_plan(start=monday, sessions=1).sessions.get()
    taken = Slot(at(monday, "09:00"), at(monday, "09:30"), provider.pk, clinic.rooms[1].pk)
    with pytest.raises(svc.BookingError) as busy:
        svc.appointment_book(plan_session=other, slot=taken, by=front_desk)
    assert busy.value.kind is svc.BookingErrorKind.SLOT_UNAVAILABLE
    assert busy.value.alternatives


def test_a_course_with_no_free_slot_says_so(clinic, provider, front_desk):
    provider.provider_profile.hours.all().delete()  # the only provider never works
    with pytest.raises(svc.BookingError) as caught:
        svc.appointment_book_course(plan=accepted_plan(), by=front_desk)
    assert caught.value.kind is svc.BookingErrorKind.NO_FREE_SLOT
    assert caught.value.message.startswith("Session 1: ")


def test_a_plan_not_bookable_is_refused_with_its_code(clinic, front_desk):
    for plan in (accepted_plan(status="draft"), accepted_plan(consented=False)):
        with pytest.raises(ValidationError) as caught:
            svc.appointment_book_course(plan=plan, by=front_desk)
        assert caught.value.code == svc.NOT_BOOKABLE


def test_losing_a_race_for_the_session_is_told_apart_from_a_taken_time(clinic, provider):
    monday = next_monday()
    session = accepted_plan(start=monday, sessions=1).sessions.get()
    appointment_at(session, at(monday, "10:00"), provider=provider, room=clinic.rooms[0])
    loser = Appointment(
        plan_session=session,
        start=timezone.make_aware(at(monday, "14:00")),
        end=timezone.make_aware(at(monday, "14:30")),
        provider=provider,
        room=clinic.rooms[1],
    )
    with pytest.raises(svc.BookingError) as caught:
        svc._save_guarded(loser)
    assert caught.value.kind is svc.BookingErrorKind.SESSION_TAKEN
    assert caught.value.message == "This session was just booked by someone else."


# --- Recording -----------------------------------------------------------------------------


def past_appointment(plan, number, provider, days_ago=1):
    start = timezone.localtime() - datetime.timedelta(days=days_ago)
    start = start.replace(hour=10, minute=0, second=0, microsecond=0)
    return appointment_at(plan.sessions.get(number=number), start, provider=provider)


def test_recording_sessions_moves_the_plan_to_in_progress_then_completed(clinic, provider):
    plan = accepted_plan(sessions=2, start=timezone.localdate() - datetime.timedelta(days=60))
    first = past_appointment(plan, 1, provider, days_ago=40)
    second = past_appointment(plan, 2, provider, days_ago=5)
    svc.session_record(
        appointment=first,
        status="done",
        by=provider,
        intake_reconfirmed=True,
        areas=[svc.AreaRecord(area=area("upper_back"), vials=2, lot_numbers="LOT-1", pinch_mm=30)],
        weight_kg=68,
    )
    plan.refresh_from_db()
    assert plan.status == "in_progress"
    assert first.treated_areas.get().lot_numbers == "LOT-1"
    svc.session_record(appointment=second, status="done", by=provider, intake_reconfirmed=True)
    plan.refresh_from_db()
    assert plan.status == "completed"
    assert list(plan.status_changes.values_list("to_status", flat=True)) == [
        "in_progress",
        "completed",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "done", "intake_reconfirmed": False}, "anything changed"),
        ({"status": "cancelled", "intake_reconfirmed": False}, "why the session was cancelled"),
        ({"status": "maybe", "intake_reconfirmed": True}, "done, no-show or cancelled"),
    ],
)
def test_record_validation(clinic, provider, kwargs, message):
    plan = accepted_plan(sessions=1)
    appointment = past_appointment(plan, 1, provider)
    with pytest.raises(ValidationError, match=message):
        svc.session_record(appointment=appointment, by=provider, **kwargs)


def test_a_future_session_cannot_be_recorded_done_but_a_no_show_keeps_the_plan(
    clinic, provider, front_desk
):
    plan = accepted_plan(sessions=1)
    (future,) = svc.appointment_book_course(plan=plan, by=front_desk)
    with pytest.raises(ValidationError, match="before it starts"):
        svc.session_record(appointment=future, status="done", by=provider, intake_reconfirmed=True)
    past = past_appointment(accepted_plan(sessions=1), 1, provider)
    svc.session_record(appointment=past, status="no_show", by=provider, intake_reconfirmed=False)
    past.plan_session.plan.refresh_from_db()
    assert past.plan_session.plan.status == "accepted"


def test_after_a_no_show_the_session_is_booked_again(clinic, provider, front_desk):
    plan = accepted_plan(sessions=2, start=timezone.localdate())
    missed = past_appointment(plan, 1, provider)
    svc.session_record(appointment=missed, status="no_show", by=provider, intake_reconfirmed=False)
    again, _ = svc.appointment_book_course(plan=plan, by=front_desk)
    assert again.plan_session_id == missed.plan_session_id and again.start > timezone.now()
    # The missed appointment cannot be turned into "done" now that the session is rebooked.
    with pytest.raises(ValidationError, match="booked again"):
        svc.session_record(appointment=missed, status="done", by=provider, intake_reconfirmed=True)


# --- Photos --------------------------------------------------------------------------------


def png_bytes(size=(40, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 150, 120)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photo_is_validated_and_stored_under_a_random_name(clinic, provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    appointment = past_appointment(accepted_plan(sessions=1), 1, provider)
    upload = SimpleUploadedFile("dana-reyes-back.jpg", png_bytes(), content_type="image/jpeg")
    photo = svc.photo_add(
        appointment=appointment, upload=upload, kind="before", area=area("upper_back"), by=provider
    )
    assert (photo.content_type, photo.extension, photo.width, photo.height) == (
        "image/png",
        "png",
        40,
        60,
    )
    assert "dana" not in photo.image.name
    assert (tmp_path / photo.image.name).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<script>alert(1)</script>", "not a photo we can read"),
        (b"GIF89a" + b"\x00" * 20, "not a photo we can read"),
        (png_bytes()[:50], "not a photo we can read"),
    ],
)
def test_photo_refuses_files_that_are_not_images(
    clinic, provider, content, message, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    appointment = past_appointment(accepted_plan(sessions=1), 1, provider)
    upload = SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg")
    with pytest.raises(ValidationError, match=message):
        svc.photo_add(appointment=appointment, upload=upload, kind="before", area=None, by=provider)
    assert not ProgressPhoto.objects.exists()


def test_photo_is_turned_upright_and_stripped_of_its_metadata(clinic, provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    appointment = past_appointment(accepted_plan(sessions=1), 1, provider)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to show upright
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (200, 150, 120)).save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("p.jpg", buffer.getvalue(), content_type="image/jpeg")
    photo = svc.photo_add(
        appointment=appointment, upload=upload, kind="after", area=None, by=provider
    )
    assert (photo.width, photo.height) == (40, 80)
    with Image.open(tmp_path / photo.image.name) as stored:
        assert dict(stored.getexif()) == {}


def test_photo_refuses_a_file_over_the_limit(clinic, provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PROGRESS_PHOTO_MAX_BYTES = 1000
    appointment = past_appointment(accepted_plan(sessions=1), 1, provider)
    upload = SimpleUploadedFile("big.png", png_bytes((400, 400)), content_type="image/png")
    with pytest.raises(ValidationError, match="the limit is"):
        svc.photo_add(appointment=appointment, upload=upload, kind="after", area=None, by=provider)


def _noisy_jpeg(size=(120, 90)) -> bytes:
    """A JPEG with real detail in it (a flat colour compresses to almost nothing)."""
    import random

    rng = random.Random(7)
    image = Image.new("RGB", size)
    image.putdata([(rng.randrange(256), rng.randrange(256), 90) for _ in range(size[0] * size[1])])
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_loaded(
    clinic, provider, settings, tmp_path
):
    """WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process;
    an upload cut off half way must still be refused, not stored half grey."""
    from PIL import ImageFile

    import treatments.plans.pdf  # noqa: F401 - the import that used to relax decoding

    settings.MEDIA_ROOT = tmp_path
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as any other library could set it
    appointment = past_appointment(accepted_plan(sessions=1), 1, provider)
    data = _noisy_jpeg()
    upload = SimpleUploadedFile("cut.jpg", data[: len(data) // 2], content_type="image/jpeg")
    with pytest.raises(ValidationError, match="not a photo we can read"):
        svc.photo_add(appointment=appointment, upload=upload, kind="before", area=None, by=provider)
    assert not ProgressPhoto.objects.exists()


def test_a_phone_multi_picture_jpeg_is_accepted_as_a_jpeg(clinic, provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    appointment = past_appointment(accepted_plan(sessions=1), 1, provider)
    first, second = Image.new("RGB", (64, 48), (200, 150, 120)), Image.new("RGB", (64, 48))
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(buffer.getvalue())) as check:
        assert check.format == "MPO"  # what a phone's camera writes
    upload = SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")
    photo = svc.photo_add(
        appointment=appointment, upload=upload, kind="before", area=None, by=provider
    )
    assert (photo.content_type, photo.extension, photo.width, photo.height) == (
        "image/jpeg",
        "jpg",
        64,
        48,
    )
    with Image.open(tmp_path / photo.image.name) as stored:
        assert stored.format == "JPEG"
        assert stored.getpixel((10, 10))[0] > 150  # the first picture, not the second


# --- Emails --------------------------------------------------------------------------------


def test_reminders_and_aftercare_are_sent_once(clinic, provider, settings):
    settings.SESSION_REMINDER_HOURS = 24
    now = timezone.now()
    soon_plan = accepted_plan(sessions=1)
    soon = appointment_at(
        soon_plan.sessions.get(), now + datetime.timedelta(hours=3), provider=provider
    )
    later = appointment_at(
        accepted_plan(sessions=1).sessions.get(),
        now + datetime.timedelta(days=3),
        provider=provider,
    )
    done = appointment_at(
        accepted_plan(sessions=1, treatment="cryolipolysis").sessions.get(),
        now - datetime.timedelta(hours=2),
        provider=provider,
        status="done",
    )
    first = svc.send_session_emails(now=now)
    assert (first.reminders, first.aftercare) == (1, 1)
    assert svc.send_session_emails(now=now + datetime.timedelta(minutes=5)) == svc.EmailRun(0, 0, 0)
    assert len(mail.outbox) == 2
    reminder, aftercare = mail.outbox
    assert reminder.to == [soon_plan.patient.email]
    assert "session 1 of 1" in reminder.body
    assert "massage the area" in aftercare.body.lower()
    later.refresh_from_db()
    soon.refresh_from_db()
    done.refresh_from_db()
    assert later.reminder_sent_at is None
    assert soon.reminder_sent_at is not None and done.aftercare_sent_at is not None


def test_a_failed_email_is_retried_next_run(clinic, provider, monkeypatch):
    now = timezone.now()
    appointment_at(
        accepted_plan(sessions=1).sessions.get(),
        now + datetime.timedelta(hours=1),
        provider=provider,
    )

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(svc, "_send", broken)
    assert svc.send_session_emails(now=now).failed == 1
    monkeypatch.undo()
    assert svc.send_session_emails(now=now).reminders == 1
