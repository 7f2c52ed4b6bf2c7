"""CMS presets: one module per family, each an object following :class:`Preset`.

To add a family, write ``presets/<family>.py`` with a module-level instance (e.g. ``PRESET``)
that has ``family``, ``score``, ``parse_list`` and ``parse_article``, and append it to
:data:`PRESETS` below, before ``generic`` (the fallback, which always scores 0).
"""

from __future__ import annotations

from typing import Protocol

from harvester.config import Selectors
from harvester.extract.model import ArticleFields, ListPage, Page
from harvester.extract.presets import epaper, generic, hanweb, table, trs, vsb, webplus


class Preset(Protocol):
    """What detection and dispatch need from a CMS family."""

    @property
    def family(self) -> str:
        """The family name used in sources.yaml (``preset:``) and in ``ListPage.family``."""
        ...

    def score(self, page: Page) -> int:
        """Fingerprint strength of this family on ``page``; 0 = not this family."""
        ...

    def parse_list(self, page: Page, selectors: Selectors) -> ListPage | None:
        """The entries and next pages of a list page; None when this is no list of this family."""
        ...

    def parse_article(self, page: Page, selectors: Selectors) -> ArticleFields:
        """The fields of a detail page. Raises NotAnArticle (reason "empty" when its body is not there)."""
        ...


PRESETS: tuple[Preset, ...] = (
    vsb.PRESET,
    webplus.PRESET,
    trs.PRESET,
    hanweb.PRESET,
    table.PRESET,
    epaper.PRESET,
    generic.PRESET,
)


def get_preset(name: str) -> Preset:
    """The preset called ``name``; KeyError (naming the known ones) if there is none."""
    for preset in PRESETS:
        if preset.family == name:
            return preset
    known = ", ".join(preset.family for preset in PRESETS)
    raise KeyError(f"no preset {name!r} (known: {known})")


def preset_names() -> tuple[str, ...]:
    """The names of all presets, for configuration checks."""
    return tuple(preset.family for preset in PRESETS)
