"""A clinic at scale for benchmarks: `manage.py seed_scale --patients 100000`.

Loads the demo first (staff logins, hours, catalog), then N patients with everything that
follows them (see `treatments.appointments.scale`). A database that already holds scale
patients is left as it is: start from an empty database for another size.
"""

from __future__ import annotations

import random
import time as clock
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from consultations.models import Patient
from consultations.selectors import questionnaire_current
from treatments.appointments import scale
from treatments.appointments.signals import appointments_replaced
from treatments.catalog.models import BodyArea, Treatment
from treatments.plans.models import ConsentText


class Command(BaseCommand):
    help = "Seed a realistic clinic with N patients (intakes, plans, appointments) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, required=True)
        parser.add_argument(
            "--per-patient", type=int, default=10, help="Sessions per patient, about (10)."
        )
        parser.add_argument(
            "--years", type=float, default=3.0, help="Years of history before today (3)."
        )
        parser.add_argument(
            "--rooms",
            type=int,
            default=5,
            help="Rooms at least (5); more when the sessions need them. Each room has a "
            "device and a provider per half day, so 5 rooms make 10 providers.",
        )
        parser.add_argument("--batch", type=int, default=2000, help="Patients per write.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        patients = options["patients"]
        if patients < 1:
            raise CommandError("--patients must be at least 1.")
        existing = Patient.objects.filter(email__endswith=f"@{scale.EMAIL_DOMAIN}").count()
        if existing:
            self.stdout.write(
                f"The database already holds {existing} scale patients; nothing was added "
                "(seed an empty database for another size)."
            )
            return
        began = clock.monotonic()
        call_command("seed_demo", stdout=self.stdout)
        with transaction.atomic():
            totals, rooms = self._seed(options)
            # The rows went in without model signals: what follows them is recomputed.
            appointments_replaced.send(sender=self.__class__)
        took = clock.monotonic() - began
        self.stdout.write(self.style.SUCCESS(f"Seeded {patients} patients in {took:.0f} s."))
        self.stdout.write(f"  {rooms} rooms, {rooms} devices, {2 * rooms} providers")
        for name, count in totals.items():
            self.stdout.write(f"  {name:<18} {count:>9}")

    def _seed(self, options) -> tuple[dict[str, int], int]:
        treatments = list(Treatment.objects.order_by("sort_order", "pk"))
        texts = {}
        for text in ConsentText.objects.order_by("treatment_id", "-version"):
            texts.setdefault(text.treatment_id, text)
        questionnaire = questionnaire_current()
        if questionnaire is None or not treatments or set(texts) != {t.pk for t in treatments}:
            raise CommandError("The catalog, consent texts and intake questionnaire must exist.")
        rooms = scale.resources_for(
            patients=options["patients"],
            per_patient=options["per_patient"],
            years=options["years"],
            rooms=options["rooms"],
        )
        clinic = scale.clinic_resources(rooms=rooms, shifts=2, treatments=treatments)
        today = timezone.localdate()
        seeder = scale.Seeder(
            rng=random.Random(options["seed"]),
            clinic=clinic,
            treatments=treatments,
            consent_texts=texts,
            questionnaire=questionnaire,
            area=BodyArea.objects.get(code="upper_back"),
            author=get_user_model().objects.get(username="admin").pk,
            first_day=today - timedelta(days=round(365 * options["years"])),
            today=today,
            per_patient=options["per_patient"],
        )
        return seeder.run(options["patients"], options["batch"]), rooms
