"""Small filters for plan pages and the quote."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

register = template.Library()


@register.filter
def area_name(code: str, names: Mapping[str, str]) -> str:
    """The patient-readable name of an area code, from the plan's own snapshot."""
    return names.get(code, str(code).replace("_", " ").capitalize()) if names else code


@register.filter
def units(count, unit: str) -> str:
    """3 vials, 1 vial, 2 cycles, 1 applicator (regular English plurals only)."""
    count = int(count)
    return f"{count} {unit if count == 1 else unit + 's'}"


@register.filter
def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in str(text or "").split("\n\n") if p.strip()]
