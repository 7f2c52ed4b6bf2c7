"""The terminal display follows what the harvest reports."""

from __future__ import annotations

import io

from rich.console import Console

from harvester.progress import RunDisplay


def test_lines_show_each_source_with_its_tallies() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with RunDisplay(["dept-news", "campus"], console=console) as display:
        display.page_done("dept-news", new=1, updated=0, failed=0)
        display.page_done("dept-news", new=2, updated=0, failed=1)
        display.page_done("unknown-source", new=9, updated=9, failed=9)  # ignored, not an error
    text = out.getvalue()
    assert "dept-news" in text and "campus" in text
    assert "2 articles" in text and "2 new 0 updated 1 failed" in text
    assert "9 new" not in text
