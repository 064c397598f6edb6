from django.core.validators import RegexValidator
from django.db import models

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$", "Use lower_snake_case: lowercase letters, digits and underscores."
)


class Condition(models.Model):
    """A clinical fact about a patient that can exclude or limit a treatment."""

    code = models.CharField(max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BodyArea(models.Model):
    code = models.CharField(max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name
