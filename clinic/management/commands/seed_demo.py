"""Demo data for a first look: one staff user per role, then each app's demo rows.

Idempotent: running it twice changes nothing (users keep any password changed since).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER, app_modules, sync_roles

DEMO_PASSWORD = "contour-demo"
DEMO_USERS = [
    # username, first, last, role
    ("admin", "Alex", "Morgan", CLINIC_ADMIN),
    ("provider", "Priya", "Shah", PROVIDER),
    ("frontdesk", "Frankie", "Lee", FRONT_DESK),
]


class Command(BaseCommand):
    help = "Load demo staff users and demo data (safe to run repeatedly)."

    @transaction.atomic
    def handle(self, *args, **options):
        sync_roles()
        User = get_user_model()
        for username, first, last, role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                    "is_staff": role == CLINIC_ADMIN,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(Group.objects.get(name=role))
        for module in app_modules("demo"):  # in journey order (INSTALLED_APPS)
            module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        for username, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role}")
