"""Role-aware navigation: each app lists its entries in `<app>/nav.py` as ``ITEMS``."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    description: str = ""


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    description: str


def all_items() -> list[NavItem]:
    from clinic.roles import app_modules

    items: list[NavItem] = []
    for module in app_modules("nav"):
        items.extend(getattr(module, "ITEMS", []))
    return items


def items_for(user) -> list[NavLink]:
    """The entries this user may open, in declaration order."""
    if not user.is_authenticated:
        return []
    links = []
    for item in all_items():
        if item.permission and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        links.append(NavLink(item.label, url, item.description))
    return links
