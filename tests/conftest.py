"""Shared fixtures: the four personas, logged-in clients, and a Playwright page.

Personas (as healthchecks' alice/bob/charlie): a clinic admin, a provider, a front-desk user
and an outsider with no role. Every password is "pw".
"""

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from clinic.roles import CLINIC_ADMIN, FRONT_DESK, PROVIDER, sync_roles
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# alongside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def roles(db) -> None:
    """The role groups with their permissions (a transactional flush removes migration data)."""
    sync_roles()


@pytest.fixture
def clinic_admin(roles):
    return UserFactory(
        username="alex", first_name="Alex", last_name="Admin", roles=[CLINIC_ADMIN], is_staff=True
    )


@pytest.fixture
def provider(roles):
    return UserFactory(username="priya", first_name="Priya", last_name="Provider", roles=[PROVIDER])


@pytest.fixture
def front_desk(roles):
    return UserFactory(
        username="frankie", first_name="Frankie", last_name="Desk", roles=[FRONT_DESK]
    )


@pytest.fixture
def outsider(roles):
    return UserFactory(username="oscar", first_name="Oscar", last_name="Outsider")


@pytest.fixture
def client_for() -> Callable[..., Client]:
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


# --- Browser -------------------------------------------------------------------------------


def _chromium_missing_reason() -> str | None:
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return None
    return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    reason = _chromium_missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser) -> Iterator:
    """A phone-sized, touch-enabled page (roughly an iPhone 13)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, live_server_url: str, user, password: str = "pw") -> None:
    page.goto(f"{live_server_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server_url}/")


@pytest.fixture
def login_as():
    return login
