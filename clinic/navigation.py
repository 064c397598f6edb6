"""Role-aware navigation: each app lists its entries in `<app>/nav.py` as ``ITEMS``."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


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
        url = _url(item.url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        if url is not None:
            links.append(NavLink(item.label, url, item.description))
    return links


@functools.lru_cache(maxsize=256)
def _url(url_name: str, prefix: str, urlconf) -> str | None:
    """The entry's address, reversed once per prefix and URLconf (every page shows the
    navigation); None where the URL does not exist."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None
