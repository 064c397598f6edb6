import datetime

import factory
from django.utils import timezone

from consultations.models import Intake, Patient
from consultations.selectors import questionnaire_current


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
