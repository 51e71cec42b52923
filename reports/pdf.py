"""HTML → PDF with WeasyPrint and the bundled Sarabun (shared by every report and memo).

Pages are rendered from Django templates that extend ``reports/pdf_base.html``; that template links
``static/css/fonts.css`` and ``static/css/pdf.css`` (no Bootstrap) and carries the PDF's title and
author as ``<title>`` and ``<meta name="author">``, which WeasyPrint writes into the PDF metadata.

Only files under the project's ``static/`` folder and ``data:`` URLs may be loaded while rendering:
a memo never fetches anything from the network or elsewhere on disk.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STATIC_DIR = Path(settings.BASE_DIR) / "static"


class StaticOnlyFetcher(URLFetcher):
    """Loads ``data:`` URLs and files under ``static/``; refuses everything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(STATIC_DIR.resolve()) and path.is_file():
                return super().fetch(url, headers)
        raise ValueError(f"not loaded while rendering a PDF: {url}")


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """One font configuration per process: Sarabun is loaded once, then reused (warm renders)."""
    return FontConfiguration()


# The stylesheets the PDF templates link (``<link rel="stylesheet" href="css/….css">``, relative to
# ``static/``). Parsing them is a fixed cost of every render (about 20 ms of a 2-page memo), so each is
# parsed once per process and version of the file, and handed to WeasyPrint already parsed, in the
# order the document links them (the cascade is the same: the PDF templates have no <style>).
_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="(css/[\w.-]+\.css)">')


@lru_cache(maxsize=32)
def _parsed_stylesheet(href: str, mtime_ns: int) -> CSS:
    return CSS(filename=str(STATIC_DIR / href), url_fetcher=StaticOnlyFetcher(), font_config=font_config())


def _stylesheet(href: str) -> CSS:
    path = (STATIC_DIR / href).resolve()
    if not path.is_relative_to(STATIC_DIR.resolve()):
        raise ValueError(f"not loaded while rendering a PDF: {href}")
    return _parsed_stylesheet(href, path.stat().st_mtime_ns)


def html_to_pdf(html: str) -> bytes:
    """Render a complete HTML document (see ``reports/pdf_base.html``) to PDF bytes."""
    stylesheets = [_stylesheet(href) for href in _STYLESHEET_LINK.findall(html)]
    html = _STYLESHEET_LINK.sub("", html)
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(stylesheets=stylesheets, font_config=font_config())


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template that extends ``reports/pdf_base.html`` to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
