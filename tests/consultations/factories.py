import datetime

import factory
from django.utils import timezone

from consultations.migrations._seed import seed_default_questionnaire
from consultations.models import Intake, Patient, Questionnaire
from consultations.selectors import questionnaire_current
from treatments.catalog.migrations._seed import seed_body_areas, seed_conditions


def seed_questionnaire() -> Questionnaire:
    """The default questionnaire, (re-)seeded: a transactional flush removes migration data."""
    from django.apps import apps

    seed_conditions(apps)
    seed_body_areas(apps)
    seed_default_questionnaire(apps)
    return questionnaire_current()


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    sex = "female"
    email = factory.Sequence(lambda n: f"patient{n}@example.com")
    phone = factory.Sequence(lambda n: f"+1415555{n % 10000:04d}")


class IntakeFactory(factory.django.DjangoModelFactory):
    """An open link to the current questionnaire (seed it first: `questionnaire` fixture)."""

    class Meta:
        model = Intake

    patient = factory.SubFactory(PatientFactory)
    questionnaire = factory.LazyFunction(questionnaire_current)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
