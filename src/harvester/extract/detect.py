"""CMS family detection and dispatch to a preset, with the generic fallback.

Detection scores every preset's fingerprints on the raw page; the highest non-zero score
wins, ``generic`` otherwise. A detected preset that finds no list entries (or no article
body) hands the page to the generic preset; a preset named in the configuration is obeyed.
"""

from __future__ import annotations

import logging

from selectolax.lexbor import SelectolaxError

from harvester.config import Selectors
from harvester.errors import ExtractionError, NotAnArticle
from harvester.extract.model import ArticleFields, ListPage, Page
from harvester.extract.presets import PRESETS, Preset, get_preset
from harvester.extract.presets.generic import PRESET as GENERIC

logger = logging.getLogger(__name__)

_NO_SELECTORS = Selectors()


def detect_preset(page: Page) -> Preset:
    """The preset whose fingerprints score highest on ``page``; the generic one when none scores."""
    best: Preset = GENERIC
    best_score = 0
    for preset in PRESETS:
        score = preset.score(page)
        if score > best_score:
            best, best_score = preset, score
    return best


def detect_family(page: Page) -> str:
    """The CMS family name of ``page`` ("vsb", "webplus", ..., or "generic")."""
    return detect_preset(page).family


def choose_preset(page: Page, name: str | None) -> tuple[Preset, bool]:
    """(preset, may_fall_back): the named preset (no fallback) or the detected one (fallback to generic)."""
    if name is None:
        return detect_preset(page), True
    try:
        return get_preset(name), False
    except KeyError as exc:
        raise ExtractionError(f"unknown preset {name!r}: {exc.args[0]}", url=page.url) from exc


def dispatch_list(page: Page, preset: str | None, selectors: Selectors | None) -> ListPage:
    """Read a list page with the chosen preset, falling back to generic when a detected one finds nothing."""
    chosen, may_fall_back = choose_preset(page, preset)
    sel = selectors or _NO_SELECTORS
    try:
        result = chosen.parse_list(page, sel)
        if (result is None or not result.entries) and may_fall_back and chosen is not GENERIC:
            logger.debug("%s found no list entries on %s; trying generic", chosen.family, page.url)
            result = GENERIC.parse_list(page, sel)
    except SelectolaxError as exc:
        raise _bad_selector(exc, sel, page) from exc
    if result is None:
        return ListPage(entries=(), next=(), family=chosen.family)
    return result


def dispatch_article(page: Page, preset: str | None, selectors: Selectors | None) -> ArticleFields:
    """Read a detail page with the chosen preset; a detected preset that finds no body hands over to generic."""
    chosen, may_fall_back = choose_preset(page, preset)
    sel = selectors or _NO_SELECTORS
    try:
        try:
            return chosen.parse_article(page, sel)
        except NotAnArticle as exc:
            if exc.reason != "empty" or not may_fall_back or chosen is GENERIC:
                raise
            logger.debug("%s found no article body on %s; trying generic", chosen.family, page.url)
        return GENERIC.parse_article(page, sel)
    except SelectolaxError as exc:
        raise _bad_selector(exc, sel, page) from exc


def _bad_selector(exc: SelectolaxError, selectors: Selectors, page: Page) -> ExtractionError:
    """A selector from the configuration that selectolax cannot parse: say which ones were set."""
    given = ", ".join(f"{name}={value!r}" for name, value in vars(selectors).items() if value is not None)
    return ExtractionError(f"a CSS selector is invalid ({exc}); check the source's selectors: {given}", url=page.url)
