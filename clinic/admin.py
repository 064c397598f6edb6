import logging

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.models import ApiToken
from clinic.roles import ROLE_NAMES

User = get_user_model()
logger = logging.getLogger("contour.security")

# What a Clinic admin sees of a staff account: who it is, whether it may sign in, and its
# role. Superuser status and single permissions stay with superusers.
STAFF_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    ("Personal info", {"fields": ("first_name", "last_name", "email")}),
    ("Role", {"fields": ("is_active", "is_staff", "groups")}),
    ("Important dates", {"fields": ("last_login", "date_joined")}),
)
STAFF_ADD_FIELDSETS = (
    (
        None,
        {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")},
    ),
    ("Personal info", {"fields": ("first_name", "last_name", "email")}),
    ("Role", {"fields": ("is_staff", "groups")}),
)


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Staff accounts. A Clinic admin adds staff, edits them and puts them in the role groups;
    only a superuser makes or edits a superuser or grants permissions outside the roles."""

    list_display = ("username", "first_name", "last_name", "email", "roles", "is_active")
    list_filter = ("is_active", "groups")
    actions = ["reset_two_factor"]

    @admin.action(
        description="Reset two-factor sign-in (they enrol a new phone at their next sign-in)",
        permissions=["change"],
    )
    def reset_two_factor(self, request, queryset):
        # Nobody resets their own second factor: that would let a stolen password replace it.
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(
                request,
                "You cannot reset your own two-factor sign-in; ask another Clinic admin.",
                messages.ERROR,
            )
            queryset = queryset.exclude(pk=request.user.pk)
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        users = list(queryset)
        for model in (TOTPDevice, StaticDevice):
            model.objects.filter(user__in=users).delete()
        if users:
            names = ", ".join(sorted(u.get_username() for u in users))
            logger.warning("2FA: %s reset two-factor sign-in for %s", request.user, names)
            self.message_user(request, f"Two-factor sign-in reset for {names}.", messages.SUCCESS)

    @admin.display(description="Roles")
    def roles(self, obj) -> str:
        names = sorted(g.name for g in obj.groups.all() if g.name in ROLE_NAMES)  # prefetched
        return ", ".join(names) or ("superuser" if obj.is_superuser else "—")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return STAFF_FIELDSETS if obj else STAFF_ADD_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def has_change_permission(self, request, obj=None) -> bool:
        # A superuser's account (its password too) is theirs: others may only look at it.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_NAMES).order_by("name")
            kwargs["help_text"] = "The staff member's role: what they may see and do."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # The form offers only the roles; groups a superuser gave outside them are kept.
        kept = []
        if change and not request.user.is_superuser:
            kept = list(form.instance.groups.exclude(name__in=ROLE_NAMES))
        super().save_related(request, form, formsets, change)
        if kept:
            form.instance.groups.add(*kept)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "read_only",
        "prefix",
        "issued_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["read_only", "revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = [
        "user",
        "name",
        "read_only",
        "prefix",
        "issued_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["prefix", "issued_by", "created_at", "last_used_at"]
        # Who a token acts as, and what it may do, are fixed when it is issued.
        return fixed if obj is None else ["user", "read_only", *fixed]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form
        issuer = request.user

        class IssueTokenForm(form):  # type: ignore[misc, valid-type]
            def _post_clean(self):
                # The model's validation needs the issuer: whose roles it may grant.
                self.instance.issued_by = issuer
                super()._post_clean()

        return IssueTokenForm

    def save_model(self, request, obj, form, change):
        if not change:
            obj.issued_by = request.user
            raw_key = obj.set_new_key()
            super().save_model(request, obj, form, change)
            messages.success(
                request,
                f"The key for “{obj.name}” is {raw_key} — copy it now; it will not be shown again.",
            )
            return
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A token acts with its user's rights: never a superuser's, and only a role the
        # issuer may grant (the model's validation says why a user is refused).
        if db_field.name == "user":
            users = User.objects.filter(is_superuser=False, is_active=True)
            if not request.user.is_superuser:
                users = users.filter(groups__name__in=ROLE_NAMES).distinct()
            kwargs["queryset"] = users
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        # One save per token (not a bulk update), so the audit trail records who revoked it.
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
        self.message_user(request, f"{len(tokens)} token(s) revoked.")


# The authenticator devices hold the users' secret keys: nobody manages them one by one in the
# admin (their QR codes would let another person sign in as the user). A Clinic admin resets a
# user's second factor with the staff accounts' action instead.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """Failed sign-ins per username and address (django-axes). Unlocking deletes the record:
    the count starts again from zero."""

    actions = ["unlock"]

    @admin.action(description="Unlock the selected sign-ins", permissions=["delete"])
    def unlock(self, request, queryset):
        count, _ = queryset.delete()
        self.message_user(request, f"{count} sign-in lock(s) cleared.", messages.SUCCESS)
