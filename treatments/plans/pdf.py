"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files.

The quote is the same HTML as the printable page; WeasyPrint lays it out with the print CSS.
Every URL the document asks for is resolved through Django's staticfiles finders (or the
collected STATIC_ROOT); anything else — another host, a file path, a page of the app — is
refused, so rendering never touches the network or reads outside the static files.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from PIL import ImageFile

# WeasyPrint reports each layout step at INFO; quiet it before it loads its default CSS.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

# Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which
# would let a cut-off upload decode as a grey photo. Our documents embed only static files
# and photos already decoded strictly, so the process goes back to strict decoding.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# A host that cannot resolve: relative URLs in the document become absolute under it, and
# only those under STATIC_URL are answered, from disk.
BASE_URL = "https://contour.invalid/"

# Countries whose offices print on US Letter; everywhere else uses A4.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "PR"})


def page_size() -> str:
    """The quote's paper, for the print CSS and the PDF: Letter in the US, A4 elsewhere."""
    country = str(getattr(settings, "CLINIC_COUNTRY", "US") or "US").upper()
    return "Letter" if country in LETTER_COUNTRIES else "A4"


def static_path(url: str) -> Path | None:
    """The local file behind a static URL of the document, or None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != BASE_URL:
        return None
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not parts.path.startswith(prefix):
        return None
    relative = unquote(parts.path[len(prefix) :])
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        collected = Path(settings.STATIC_ROOT) / relative
        if collected.is_file():
            return collected
    return None


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if url.startswith("data:"):  # inline images (a drawn signature) carry their own bytes
            return super().fetch(url, headers)
        path = static_path(url)
        if path is None:
            raise ValueError(f"Only the app's static files may be fetched, not {url}")
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
        )


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()
