"""Staff roles: Django groups and the permissions each one gets.

The groups are created by a data migration; their permissions are declared by each app in
`<app>/roles.py` as ``PERMISSIONS = {ROLE: ["app_label.codename", ...]}`` and applied by
``sync_roles()`` after every migrate, so a new model's permissions reach the roles without a
hand-written migration.
"""

import functools
from importlib import import_module

from django.apps import apps as django_apps

CLINIC_ADMIN = "Clinic admin"
PROVIDER = "Provider"
FRONT_DESK = "Front desk"
ROLE_NAMES = (CLINIC_ADMIN, PROVIDER, FRONT_DESK)

# The clinic app's own: Clinic admins issue and revoke API tokens, and manage staff accounts
# and their roles (clinic.admin.StaffUserAdmin keeps superusers and single permissions out of
# their reach; accounts are deactivated, not deleted).
PERMISSIONS = {
    CLINIC_ADMIN: [
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "clinic.view_apitoken",
        "clinic.add_apitoken",
        "clinic.change_apitoken",
        "clinic.delete_apitoken",
        # Sign-in throttling (django-axes): see who was locked out and unlock them.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        # The audit trail (clinic.audit): read only, for everyone.
        "auditlog.view_logentry",
    ],
}

PROJECT_PACKAGES = ("consultations", "treatments", "clinic")


@functools.cache
def app_modules(name: str) -> tuple:
    """Each of Contour's apps' `<app>.<name>` module, where it has one, in INSTALLED_APPS
    order (`roles`, `nav`, `api`): an app declares what it adds; nothing imports it for that.
    Looked up once per process: the navigation asks on every page, and a module that does
    not exist is searched for on disk each time it is imported."""
    modules = []
    for config in django_apps.get_app_configs():
        if config.name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        try:
            modules.append(import_module(f"{config.name}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{name}":
                raise
    return tuple(modules)


def role_permissions() -> dict[str, set[str]]:
    """Every role's permissions, gathered from the apps' `roles.py` modules."""
    merged: dict[str, set[str]] = {role: set() for role in ROLE_NAMES}
    for module in app_modules("roles"):
        for role, perms in getattr(module, "PERMISSIONS", {}).items():
            if role not in merged:
                raise ValueError(f"{module.__name__} names an unknown role {role!r}")
            merged[role].update(perms)
    return merged


def sync_roles(apps=django_apps) -> None:
    """Create the role groups and give each exactly its declared permissions."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in sorted(perms):
            app_label, codename = perm.split(".", 1)
            try:
                wanted.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
            except Permission.DoesNotExist as exc:
                raise LookupError(
                    f"Role {role!r} names a permission that does not exist: {perm}"
                ) from exc
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender, using="default", **kwargs) -> None:
    # While the database is behind the code (a partial or backward `migrate`) the declared
    # permissions may not exist yet; the roles are synced by the migrate that completes it.
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    sync_roles()


def user_roles(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return sorted(name for name in user.groups.values_list("name", flat=True) if name in ROLE_NAMES)
