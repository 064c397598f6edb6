"""The questionnaire editor for clinic admins.

A published version is read-only everywhere here; "Create a new draft version" copies it,
the admin edits the copy, then "Publish" freezes it and new intake links ask it. Responses
keep the version they answered.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from consultations import services
from consultations.models import Choice, Question, Questionnaire, ScreeningRule, Section

DRAFTS_ONLY = {
    "invalid_choice": "Choose a draft: a published questionnaire is frozen. Create a new draft "
    "version of it to change it."
}


def _drafts_only(kwargs: dict, queryset) -> dict:
    return {**kwargs, "queryset": queryset, "error_messages": DRAFTS_ONLY}


def _published(obj) -> bool:
    if obj is None:
        return False
    if isinstance(obj, Questionnaire):
        return obj.is_published
    if isinstance(obj, Section):
        return obj.questionnaire.is_published
    if isinstance(obj, Question):
        return obj.section.questionnaire.is_published
    if isinstance(obj, Choice | ScreeningRule):
        return obj.question.section.questionnaire.is_published
    return False


class FrozenWhenPublished:
    """Read-only once the questionnaire is published."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _published(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _published(obj)


class FrozenInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not _published(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _published(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not _published(obj)


class SectionInline(FrozenInline):
    model = Section
    fields = ["order", "title", "intro", "edit_link"]
    readonly_fields = ["edit_link"]

    @admin.display(description="Questions")
    def edit_link(self, obj):
        if not obj.pk:
            return "Save first"
        url = reverse("admin:consultations_section_change", args=[obj.pk])
        return format_html('<a href="{}">{} questions</a>', url, obj.questions.count())


@admin.register(Questionnaire)
class QuestionnaireAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["title", "slug", "version", "state", "published_at"]
    list_filter = ["slug"]
    inlines = [SectionInline]
    actions = ["publish", "new_version"]
    readonly_fields = ["how_to_change"]

    @admin.display(description="How to change it")
    def how_to_change(self, obj):
        if obj is None or not obj.is_published:
            return (
                "A draft: edit its sections and questions, then select it in the list and run "
                "“Publish”. New intake links then ask this version."
            )
        return (
            "Published, so frozen: responses refer to it as it is. Select it in the list and run "
            "“Create a new draft version”, edit the draft, then publish the draft."
        )

    @admin.display(description="State")
    def state(self, obj):
        return "Published (frozen)" if obj.is_published else "Draft"

    @admin.action(description="Publish (freezes the version; new links ask it)")
    def publish(self, request, queryset):
        for questionnaire in queryset:
            try:
                services.questionnaire_publish(questionnaire=questionnaire)
            except ValidationError as exc:
                self.message_user(
                    request,
                    f"{questionnaire} was not published: " + " ".join(exc.messages),
                    messages.ERROR,
                )
            else:
                self.message_user(request, f"{questionnaire} is published.", messages.SUCCESS)

    @admin.action(description="Create a new draft version to edit")
    def new_version(self, request, queryset):
        for questionnaire in queryset:
            copy = services.questionnaire_new_version(questionnaire=questionnaire)
            self.message_user(request, f"Created {copy}; edit it, then publish it.")


class QuestionInline(FrozenInline):
    model = Question
    fields = ["order", "key", "text", "type", "required", "edit_link"]
    readonly_fields = ["edit_link"]

    @admin.display(description="Choices, show-if, screening")
    def edit_link(self, obj):
        if not obj.pk:
            return "Save first"
        url = reverse("admin:consultations_question_change", args=[obj.pk])
        return format_html('<a href="{}">Edit details</a>', url)


@admin.register(Section)
class SectionAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["title", "questionnaire", "order"]
    list_filter = ["questionnaire"]
    inlines = [QuestionInline]

    def get_model_perms(self, request):
        # Reached from a questionnaire, not from the admin index.
        return {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "questionnaire":
            drafts = Questionnaire.objects.filter(published_at__isnull=True)
            kwargs = _drafts_only(kwargs, drafts)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ChoiceInline(FrozenInline):
    model = Choice
    fields = ["order", "value", "label"]


class ScreeningRuleInline(FrozenInline):
    model = ScreeningRule
    fields = ["value", "condition", "severity"]
    verbose_name = "screening rule (this answer raises a condition)"


@admin.register(Question)
class QuestionAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ["key", "text", "type", "required", "section"]
    list_filter = ["section__questionnaire", "type"]
    search_fields = ["key", "text"]
    inlines = [ChoiceInline, ScreeningRuleInline]
    fields = [
        "section",
        "order",
        "key",
        "text",
        "help_text",
        "type",
        "required",
        ("unit", "min_value", "max_value"),
        ("show_if_question", "show_if_value"),
    ]

    def get_model_perms(self, request):
        return {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Only a draft's sections and questions; an edited question stays in its version."""
        querysets = {
            "section": Section.objects.filter(questionnaire__published_at__isnull=True),
            "show_if_question": Question.objects.filter(
                section__questionnaire__published_at__isnull=True
            ),
        }
        if db_field.name in querysets:
            queryset = querysets[db_field.name]
            question = self._edited(request)
            if question is not None:
                path = (
                    "questionnaire_id"
                    if db_field.name == "section"
                    else "section__questionnaire_id"
                )
                queryset = queryset.filter(**{path: question.section.questionnaire_id})
                if db_field.name == "show_if_question":
                    queryset = queryset.exclude(pk=question.pk)
            kwargs = _drafts_only(kwargs, queryset)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _edited(self, request) -> Question | None:
        object_id = request.resolver_match.kwargs.get("object_id")
        if object_id is None:
            return None
        return Question.objects.filter(pk=object_id).select_related("section").first()
