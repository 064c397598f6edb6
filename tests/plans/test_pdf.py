"""treatments.plans.pdf: HTML to PDF with only local static files."""

import io

from pypdf import PdfReader

from treatments.plans.pdf import BASE_URL, StaticOnlyFetcher, html_to_pdf, static_path


def test_static_urls_resolve_to_the_apps_files():
    path = static_path(f"{BASE_URL}static/clinic/contour.css")
    assert path is not None and path.name == "contour.css"


def test_anything_else_is_refused():
    for url in (
        "https://example.com/static/clinic/contour.css",
        f"{BASE_URL}patients/1/",
        f"{BASE_URL}static/../clinic/settings.py",
        f"{BASE_URL}static/no/such/file.css",
        "file:///etc/passwd",
    ):
        assert static_path(url) is None, url


def test_the_fetcher_refuses_the_network():
    fetcher = StaticOnlyFetcher()
    try:
        fetcher.fetch("https://example.com/logo.png")
    except ValueError as exc:
        assert "Only the app's static files" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("fetched a remote URL")


def test_html_becomes_a_pdf_with_its_text_and_the_static_css():
    html = (
        '<html><head><link rel="stylesheet" href="/static/clinic/contour.css">'
        '<img src="https://example.com/tracker.png" alt=""></head>'
        "<body><h1>Quote for Dana Reyes</h1><p>Total $3,240.00</p></body></html>"
    )
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Dana Reyes" in text and "$3,240.00" in text
