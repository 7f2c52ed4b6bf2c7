"""Extraction: decoded HTML text → list entries and article fields. Never network, never database.

Public API::

    parse_list(page, *, preset=None, selectors=None) -> ListPage
    parse_article(page, *, preset=None, selectors=None) -> ArticleFields   # raises NotAnArticle
    detect_family(page) -> str

Only :class:`~harvester.errors.ExtractionError` (and its :class:`~harvester.errors.NotAnArticle`)
ever leaves these functions.
"""

from __future__ import annotations

from harvester.config import Selectors
from harvester.extract.detect import detect_family, dispatch_article, dispatch_list
from harvester.extract.model import ArticleFields, ListPage, Page
from harvester.extract.presets import preset_names

__all__ = ["detect_family", "parse_article", "parse_list", "preset_names"]


def parse_list(page: Page, *, preset: str | None = None, selectors: Selectors | None = None) -> ListPage:
    """The entries and next pages of a list page.

    ``preset`` names a family to use as is; None detects it (highest fingerprint score) and
    falls back to the generic reader when the detected preset finds no entries. ``selectors``
    override the matching part of any preset (entry, link, date, next). A page with no list
    gives a ``ListPage`` without entries.
    """
    return dispatch_list(page, preset, selectors)


def parse_article(page: Page, *, preset: str | None = None, selectors: Selectors | None = None) -> ArticleFields:
    """The title, date, body text and attachments of a detail page.

    Raises :class:`~harvester.errors.NotAnArticle` with ``reason`` "login-wall" (系统提示),
    "soft-404" (a page that says it does not exist) or "empty" (no article body at all).
    ``selectors`` override title, date and body.
    """
    return dispatch_article(page, preset, selectors)
