from django.apps import apps


def seed(stdout) -> None:
    seed_sessions(stdout)
    from treatments.appointments.demo_clinic import seed_clinic

    seed_clinic(stdout)


# --- Sessions (issue 6): the clinic's hours, rooms, devices and the demo provider ----------

DEMO_OPENING = [(wd, "09:00", "18:00") for wd in range(5)] + [(5, "09:00", "13:00")]
DEMO_ROOMS = ["Room 1", "Room 2"]
DEMO_DEVICES = [
    ("CoolSculpt unit A", "CS-1042", ["cryolipolysis"]),
    ("SculpSure laser", "SS-2207", ["laser_lipolysis"]),
]


def seed_session_resources(apps_registry=None) -> None:
    """Opening hours Monday-Friday 09:00-18:00 and Saturday morning, two rooms, one device
    per machine treatment. Idempotent."""
    from datetime import time

    registry = apps_registry or apps
    OpeningHours = registry.get_model("appointments", "OpeningHours")
    Room = registry.get_model("appointments", "Room")
    Device = registry.get_model("appointments", "Device")
    Treatment = registry.get_model("treatments", "Treatment")
    if not OpeningHours.objects.exists():
        for weekday, starts, ends in DEMO_OPENING:
            OpeningHours.objects.create(
                weekday=weekday, starts=time.fromisoformat(starts), ends=time.fromisoformat(ends)
            )
    for order, name in enumerate(DEMO_ROOMS):
        Room.objects.get_or_create(name=name, defaults={"sort_order": order})
    for name, serial, codes in DEMO_DEVICES:
        device, created = Device.objects.get_or_create(
            name=name, defaults={"serial_number": serial}
        )
        if created:
            device.treatments.set(Treatment.objects.filter(code__in=codes))
            # A flushed database re-seeds the catalog without the booking needs.
            Treatment.objects.filter(code__in=codes).update(needs_device=True)


def seed_demo_provider(username: str = "provider") -> None:
    """The demo provider performs every treatment, Monday-Friday 09:00-17:00. Idempotent."""
    from datetime import time

    from django.contrib.auth import get_user_model

    from treatments.appointments.models import ProviderHours, ProviderProfile
    from treatments.catalog.models import Treatment

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return
    profile, created = ProviderProfile.objects.get_or_create(user=user)
    if created:
        profile.treatments.set(Treatment.objects.all())
        for weekday in range(5):
            ProviderHours.objects.create(
                profile=profile, weekday=weekday, starts=time(9), ends=time(17)
            )


def seed_sessions(stdout) -> None:
    seed_session_resources()
    seed_demo_provider()
    stdout.write("Sessions: opening hours, 2 rooms, 2 devices, the demo provider's hours.\n")
