"""Each role logs in through a real browser and sees its own navigation."""

import pytest
from playwright.sync_api import expect

from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("persona", "role", "sees_catalog_admin"),
    [
        ("clinic_admin", "Clinic admin", True),
        ("provider", "Provider", False),
        ("front_desk", "Front desk", False),
    ],
)
def test_each_role_sees_its_navigation(
    request, live_server, page, persona, role, sees_catalog_admin
):
    user = request.getfixturevalue(persona)
    off_machine = []
    page.on(
        "request",
        lambda r: off_machine.append(r.url) if not r.url.startswith(live_server.url) else None,
    )

    login(page, live_server.url, user)

    expect(page.get_by_test_id("user-menu")).to_contain_text(role)
    nav = page.get_by_test_id("nav-links")
    if sees_catalog_admin:
        expect(nav.get_by_role("link", name="Catalog admin")).to_be_visible()
    else:
        expect(nav.get_by_role("link", name="Catalog admin")).to_have_count(0)
    assert off_machine == []


def test_logout_from_the_user_menu(live_server, page, provider):
    login(page, live_server.url, provider)
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("alert")).to_contain_text("You are logged out.")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_login_page_on_a_phone(live_server, phone_page):
    phone_page.goto(f"{live_server.url}/accounts/login/")
    expect(phone_page.get_by_role("button", name="Log in")).to_be_visible()
    # Nothing overflows sideways on a narrow screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
