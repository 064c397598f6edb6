from decimal import Decimal

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def nav_active(link_url: str, path: str) -> bool:
    """A section is active on its own page and on every page below it (not for "/")."""
    if link_url == "/":
        return path == "/"
    return path.startswith(link_url)


@register.filter
def money(value) -> str:
    """Decimal money with the clinic currency, e.g. "$1,500.00" for USD."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"))
    text = f"{amount:,.2f}"
    if settings.CLINIC_CURRENCY == "USD":
        return f"-${text[1:]}" if text.startswith("-") else f"${text}"
    return f"{text} {settings.CLINIC_CURRENCY}"
