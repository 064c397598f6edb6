"""No input gives a 500 (issue 16): every form and query parameter the app shows, fuzzed.

The pages are found, not listed: each persona crawls the app from the dashboard (and the
patient links from their tokens), collecting every page's links and forms, so a new page or
form is fuzzed without this file changing. Hypothesis then sends each form and each page's
query parameters values a browser would never send: control characters, NUL bytes, huge and
negative numbers, dates at the ends of the calendar, very long text, other options' values.
Any answer of 500 or above fails, with the request that caused it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Pages a crawl must not follow: they end the session or belong to Django's own admin
# (its forms are Django's, covered by Django's tests).
SKIP_PREFIXES = ("/admin/", "/accounts/logout/", "/static/", "/api/")
MAX_PAGES = 150
PER_ROUTE = 3
EXAMPLES_PER_FORM = 5


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values seen

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """One form per URL pattern and field set: the same form on another patient's page
        is the same code."""
        return (self.method, route(self.action), tuple(sorted(self.fields)))


def route(url: str) -> str:
    from django.urls import Resolver404, resolve

    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return urlsplit(url).path


class PageParser(HTMLParser):
    """The links and forms of one page (stdlib parser: no dependency for a test helper)."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page, a["href"]))
        elif tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = Form(self.page, action, (a.get("method") or "get").lower())
        elif self._form is not None and tag in ("input", "textarea", "select", "button"):
            self._field(tag, a)
        elif tag == "option" and self._form is not None and self._select:
            self._form.fields.setdefault(self._select, []).append(a.get("value", ""))

    def _field(self, tag, a):
        name = a.get("name")
        if not name or name == "csrfmiddlewaretoken" or a.get("type") == "file":
            return
        values = self._form.fields.setdefault(name, [])
        if a.get("value"):
            values.append(a["value"])
        if tag == "select":
            self._select = name

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _own(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: Client, starts: list[str]) -> tuple[list[str], list[Form]]:
    """Every page reachable from `starts` (one per URL pattern) and every distinct form."""
    seen: set[str] = set()
    routes: dict[str, list[str]] = {}
    forms: dict[tuple, Form] = {}
    queue = list(starts)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        # A few pages per URL pattern (another patient's page in another state shows other
        # forms); the starting points always.
        same = routes.setdefault(route(url), [])
        if url in seen or (len(same) >= PER_ROUTE and len(seen) >= len(starts)):
            continue
        seen.add(url)
        same.append(url)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} -> {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = PageParser(url)
        parser.feed(response.content.decode())
        for form in parser.forms:
            if _own(form.action):
                forms.setdefault(form.key, form)
        queue.extend(u for u in map(_own, parser.links) if u and u not in seen)
    return [urls[0] for urls in routes.values() if urls], list(forms.values())


# --- What a browser would never send --------------------------------------------------------

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\r\n",
            "Reyes\r\nSmith",
            '"><script>',
            "%00",
            "9" * 400,
            "-1",
            "0",
            "1e-999999",
            "1e999999",
            "NaN",
            "Infinity",
            "9999-12-31",
            "0001-01-01",
            "10000-01-01",
            "2026-02-30",
            "23:59",
            "25:61",
            "9999-12-31T23:59|30|1|1|1",
            "0001-01-01T00:00|30|1||",
            "x" * 6000,
            "١٢٣",
            "😀",
        ]
    ),
)


def field_values(seen: list[str]) -> st.SearchStrategy[list[str]]:
    one = st.one_of(st.sampled_from(seen), HOSTILE_TEXT) if seen else HOSTILE_TEXT
    return st.lists(one, min_size=0, max_size=2)


def form_data(form: Form) -> st.SearchStrategy[dict[str, list[str]]]:
    return st.fixed_dictionaries(
        {name: field_values(values) for name, values in form.fields.items()}
    )


def query_params(page: str) -> st.SearchStrategy[dict[str, list[str]]]:
    known = dict(parse_qsl(urlsplit(page).query))
    names = sorted({*known, "q", "date", "day", "view", "resource", "page", "cursor", "sort"})
    return st.dictionaries(st.sampled_from(names), field_values(list(known.values())), max_size=4)


FUZZ = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI never flickers
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def send(client: Client, method: str, url: str, data: dict):
    path = urlsplit(url).path
    response = client.post(path, data) if method == "post" else client.get(path, data)
    assert response.status_code < 500, f"{method.upper()} {path} {data!r} -> {response.status_code}"


@pytest.fixture
def demo_clinic(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def _client(username: str) -> Client:
    from django.contrib.auth import get_user_model

    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _patient_links() -> list[str]:
    from consultations.models import Intake
    from treatments.plans.models import ConsentLink

    intakes = [f"/intake/{t}/" for t in Intake.objects.values_list("token", flat=True)]
    consents = [f"/consent/{t}/" for t in ConsentLink.objects.values_list("token", flat=True)]
    return intakes + consents


@pytest.mark.parametrize("username", ["admin", "provider", "frontdesk", None])
def test_no_form_or_query_parameter_gives_a_500(demo_clinic, username):
    client = _client(username) if username else Client(raise_request_exception=False)
    starts = ["/", "/patients/", "/sessions/calendar/", "/sessions/to-book/", "/catalog/"]
    pages, forms = crawl(client, [*starts, *_patient_links()])
    assert len(pages) > (2 if username is None else 8), pages  # the crawl found the app
    assert username is None or len(forms) > 3, forms

    for form in forms:
        sweep_form(client, form)
        fuzz_form(client, form)
    for page in pages:
        sweep_query(client, page)
        fuzz_query(client, page)


# One field at a time, each known killer, the other fields as the page offered them (so the
# form gets past its other checks to the code that handles this field).
KILLERS = ["a\x00b", "9999-12-31", "0001-01-01", "Reyes\r\nSmith\x1b"]
QUERY_NAMES = ("q", "date", "day", "view", "resource", "page", "cursor", "sort")


def sweep_form(client: Client, form: Form) -> None:
    base = {name: values[:1] for name, values in form.fields.items()}
    for name in form.fields:
        for killer in KILLERS:
            send(client, form.method, form.action, {**base, name: [killer]})


def sweep_query(client: Client, page: str) -> None:
    known = dict(parse_qsl(urlsplit(page).query))
    for name in sorted({*known, *QUERY_NAMES}):
        for killer in KILLERS[:3]:
            send(client, "get", page, {**known, name: killer})


def fuzz_form(client: Client, form: Form) -> None:
    @FUZZ
    @given(data=form_data(form))
    def run(data):
        send(client, form.method, form.action, data)

    run()


def fuzz_query(client: Client, page: str) -> None:
    @FUZZ
    @given(params=query_params(page))
    def run(params):
        send(client, "get", page, params)

    run()
