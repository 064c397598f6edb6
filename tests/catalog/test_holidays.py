"""Public holidays seeded as closed days: the service, its command, the migration's seed and
the demo; the engine and the preview never plan a session on one."""

import io
from datetime import date
from decimal import Decimal as D
from importlib import import_module

import holidays
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from treatments.catalog import demo
from treatments.catalog.models import ClinicClosure
from treatments.catalog.selectors import closures_snapshot
from treatments.catalog.services import closures_seed_holidays, holiday_years, plan_preview
from treatments.engine import planning

pytestmark = pytest.mark.django_db

THANKSGIVING = date(2026, 11, 26)
CHRISTMAS = date(2026, 12, 25)


def seed_us(years=(2026,)) -> int:
    return closures_seed_holidays(country="US", subdivision="", years=years)


def us_holidays(*years: int) -> dict[date, str]:
    return dict(holidays.country_holidays("US", years=years))


def test_seeding_adds_the_countrys_public_holidays_marked_as_such():
    added = seed_us()
    closures = {c.date: c for c in ClinicClosure.objects.all()}
    assert added == len(closures) == len(us_holidays(2026))
    assert closures[CHRISTMAS].reason == "Christmas Day"
    assert closures[THANKSGIVING].reason == "Thanksgiving Day"
    assert {c.source for c in closures.values()} == {ClinicClosure.Source.HOLIDAY}
    # The calendar has no Christmas Eve: a clinic adds its own closures.
    assert date(2026, 12, 24) not in closures


def test_a_subdivision_adds_its_own_holidays():
    closures_seed_holidays(country="US", subdivision="NY", years=[2026])
    reasons = set(ClinicClosure.objects.values_list("reason", flat=True))
    assert "Lincoln's Birthday" in reasons and "Christmas Day" in reasons


def test_closures_snapshot_and_the_preview_avoid_the_seeded_holidays():
    facts = planning.PatientFacts(age=41, sex="female", height_cm=D(165), weight_kg=D(65))
    areas = [planning.AreaInput(area="upper_back", pinch_mm=D(30), size="medium")]

    def session_dates(start: date) -> list[date]:
        result = plan_preview(
            patient=facts,
            areas=areas,
            preferences=planning.Preferences(start_date=start),
            today=date(2026, 1, 5),
        )
        return [s.date for option in result.options for s in option.sessions]

    # Without a closure the engine plans the first session on the start date asked for.
    assert THANKSGIVING in session_dates(THANKSGIVING)
    assert CHRISTMAS in session_dates(CHRISTMAS)

    seed_us()

    closed = closures_snapshot(since=date(2026, 1, 1)).dates
    assert {THANKSGIVING, CHRISTMAS} <= closed
    for start in (THANKSGIVING, CHRISTMAS):
        planned = session_dates(start)
        assert planned and not closed & set(planned)


def test_seeding_again_changes_nothing_and_keeps_the_clinics_edits():
    seed_us()
    christmas = ClinicClosure.objects.get(date=CHRISTMAS)
    christmas.reason = "Closed for the holidays"
    christmas.save()
    ClinicClosure.objects.filter(date=THANKSGIVING).delete()
    before = set(ClinicClosure.objects.values_list("date", "reason", "source"))

    assert seed_us() == 0

    assert set(ClinicClosure.objects.values_list("date", "reason", "source")) == before
    assert not ClinicClosure.objects.filter(date=THANKSGIVING).exists()


def test_a_date_the_clinic_already_closed_is_left_as_it_is():
    ClinicClosure.objects.create(date=CHRISTMAS, reason="Winter break")
    seed_us()
    christmas = ClinicClosure.objects.get(date=CHRISTMAS)
    assert (christmas.reason, christmas.source) == ("Winter break", ClinicClosure.Source.MANUAL)


def test_only_years_not_seeded_yet_are_added():
    seed_us(years=[2026])
    assert seed_us(years=[2026, 2027]) == len(us_holidays(2027))
    assert ClinicClosure.objects.filter(date=date(2027, 12, 25)).exists()


def test_no_country_seeds_nothing_and_an_unknown_one_is_refused():
    assert closures_seed_holidays(country="", years=[2026]) == 0
    with pytest.raises(ValueError, match="CLINIC_COUNTRY='XX'"):
        closures_seed_holidays(country="XX", years=[2026])
    assert not ClinicClosure.objects.exists()


def test_holiday_years_are_this_year_and_the_next_two():
    assert list(holiday_years(today=date(2026, 12, 2))) == [2026, 2027, 2028]


def test_the_command_seeds_the_configured_country(settings, monkeypatch):
    settings.CLINIC_COUNTRY, settings.CLINIC_SUBDIVISION = "US", ""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: date(2027, 1, 4))
    out = io.StringIO()
    call_command("seed_holidays", "--years", "2", stdout=out)
    added = len(us_holidays(2027, 2028))
    assert f"Public holidays (US, 2027 to 2028): {added} closed day(s) added" in out.getvalue()
    call_command("seed_holidays", "--years", "2", stdout=out)
    assert "0 closed day(s) added" in out.getvalue()
    assert ClinicClosure.objects.count() == added


def test_the_command_explains_a_bad_country(settings):
    settings.CLINIC_COUNTRY = "XX"
    with pytest.raises(CommandError, match="No public holiday calendar"):
        call_command("seed_holidays", stdout=io.StringIO())


def test_the_migration_seeds_this_year_and_the_next_two_unless_turned_off(settings, monkeypatch):
    migration = import_module("treatments.catalog.migrations.0010_closure_source_and_holidays")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: date(2027, 1, 4))
    settings.CLINIC_COUNTRY, settings.CLINIC_SUBDIVISION = "US", ""
    settings.CLINIC_HOLIDAYS_ON_MIGRATE = False
    migration.seed_holidays(apps, None)
    assert not ClinicClosure.objects.exists()

    settings.CLINIC_HOLIDAYS_ON_MIGRATE = True
    migration.seed_holidays(apps, None)
    years = {d.year for d in ClinicClosure.objects.values_list("date", flat=True)}
    assert years == {2027, 2028, 2029}


def test_the_demo_has_the_holidays(settings):
    settings.CLINIC_COUNTRY = "US"
    out = io.StringIO()
    demo.seed(out)
    demo.seed(out)
    assert ClinicClosure.objects.filter(date__month=12, date__day=25).count() == 3
    assert "Public holidays (US" in out.getvalue()
