"""Regenerate tests/golden/extraction.json, the expected extraction of every detail fixture page.

Usage::

    .venv/bin/python scripts/update_golden.py                # print the diff against the golden file
    .venv/bin/python scripts/update_golden.py --write        # ... and write the new golden file
    .venv/bin/python scripts/update_golden.py --save-demo    # first save detail pages served by the demo world

Inputs: the detail pages under tests/pages/<family>/ (their URLs are in :data:`FIXTURE_URLS`) and
the demo pages under tests/pages/demo/<family>/ (URLs and Content-Types in their pages.json, written
by ``--save-demo``). Pages in :data:`EXCLUDED` are left out (an extraction bug is open on them);
pages in :data:`LIST_PAGES` are lists, not details. Read every changed entry against its page
before writing: the golden file states what is right, not what the extractor happens to say.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from harvester.decode import decode_body
from harvester.errors import NotAnArticle
from harvester.extract import parse_article
from harvester.extract.model import ArticleFields, DateValue, Page

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "pages"
DEMO = PAGES / "demo"
GOLDEN = ROOT / "tests" / "golden" / "extraction.json"
MANIFEST = "pages.json"
FIXTURE_CONTENT_TYPE = "text/html"
HEAD_CHARS = 40

# The URL each detail fixture page is read at (the same as in tests/test_extract_<family>.py).
FIXTURE_URLS: dict[str, str] = {
    "vsb/detail.htm": "https://cs.example.edu.cn/info/1012/3456.htm",
    "vsb/soft404.htm": "https://cs.example.edu.cn/info/1012/3457.htm",
    "vsb/login_wall.htm": "https://cs.example.edu.cn/info/1012/3458.htm",
    "webplus/detail.htm": "https://news.example.edu.cn/2023/0512/c1058a123456/page.htm",
    "generic/detail.html": "https://www.example-tzb.gov.cn/news/2023/0512-88.html",
    "trs/detail.html": "https://www.sdtzb.example.gov.cn/xwzx/gxtz/202305/t20230512_123456.html",
    "trs/detail_part.html": "https://tzb.example.gov.cn/tzgg/202303/t20230301_555001_1.html",
    "hanweb/detail.html": "https://edu.shandong.example.gov.cn/art/2023/5/12/art_11969_10312345.html",
    "table/detail.htm": "http://tzb.example.edu.cn/news/show.asp?id=1088",
    "epaper/content_11.htm": "https://epaper.example.edu.cn/html/2023-05/12/content_11.htm",
}

# Fixture files that are list pages (or list data), not detail pages.
LIST_PAGES = frozenset(
    {
        "vsb/list_pinned.htm",
        "vsb/list_pb_sys.htm",
        "vsb/list_fanye.htm",
        "webplus/portal.htm",
        "webplus/list.htm",
        "webplus/list91.htm",
        "generic/list.html",
        "trs/list.html",
        "trs/list_div.html",
        "hanweb/col.html",
        "hanweb/dataproxy.xml",
        "table/list.htm",
        "table/list_last.htm",
        "epaper/node_2.htm",
    }
)

# Detail pages left out of the golden file while an extraction bug on them is open: page -> what is wrong.
EXCLUDED: dict[str, str] = {}

# Demo world pages to save: family -> article keys (world scale 1, seed 0).
DEMO_ARTICLES: dict[str, tuple[str, ...]] = {
    "vsb": (
        "dept-gzdt-0",
        "dept-tzgg-0",
        "dept-attach",
        "dept-reposted",
        "dept-both",
        "dept-login",
        "dept-gone",
    ),
    "webplus": ("news-lgyw-0", "news-zhxw-0", "news-gbk-header", "news-no-charset", "news-files", "news-repost"),
    "trs": ("prov-0", "prov-1", "prov-2"),
}
# Stable origins the saved demo pages are read at (the served ports change on every run).
DEMO_ORIGINS = {
    "dept": "http://dept.example.edu.cn",
    "news": "http://news.example.edu.cn",
    "prov": "http://prov.example.gov.cn",
}


def iso_date(value: DateValue | None) -> str | None:
    """``2023-05-12``, ``2023-05-12T10:20`` or ``2023-05-12T10:20:30``; ``XXXX`` for a missing year."""
    if value is None:
        return None
    year = "XXXX" if value.year is None else f"{value.year:04d}"
    text = f"{year}-{value.month:02d}-{value.day:02d}"
    if value.hour is None:
        return text
    text += f"T{value.hour:02d}:{value.minute or 0:02d}"
    return text if value.second is None else text + f":{value.second:02d}"


def record(fields: ArticleFields) -> dict[str, Any]:
    """The golden record of one extracted article."""
    return {
        "family": fields.family,
        "title": fields.title,
        "date": iso_date(fields.date),
        "author": fields.author,
        "origin": fields.origin,
        "body_sha1": hashlib.sha1(fields.body.encode("utf-8")).hexdigest(),
        "body_length": len(fields.body),
        "body_head": fields.body[:HEAD_CHARS],
        "attachments": [{"name": item.name, "url": item.url} for item in fields.attachments],
        "next_part": fields.next_part,
    }


def extract(path: Path, url: str, content_type: str) -> dict[str, Any]:
    """The golden record of the page saved at ``path``: its article fields, or its NotAnArticle reason."""
    text, _ = decode_body(path.read_bytes(), content_type)
    try:
        fields = parse_article(Page(url, text))
    except NotAnArticle as exc:
        return {"not_an_article": exc.reason}
    return record(fields)


def page_inputs() -> dict[str, dict[str, str]]:
    """Every golden page (path relative to tests/pages) with the URL and Content-Type it is read with."""
    inputs = {
        name: {"url": url, "content_type": FIXTURE_CONTENT_TYPE}
        for name, url in FIXTURE_URLS.items()
        if (PAGES / name).exists()
    }
    for manifest in sorted(DEMO.glob(f"*/{MANIFEST}")):
        family = manifest.parent.name
        for file_name, spec in json.loads(manifest.read_text(encoding="utf-8")).items():
            inputs[f"demo/{family}/{file_name}"] = {"url": spec["url"], "content_type": spec["content_type"]}
    return {name: spec for name, spec in sorted(inputs.items()) if name not in EXCLUDED}


def unclassified_pages() -> list[str]:
    """Fixture files under tests/pages/<family>/ that are neither golden, excluded nor list pages."""
    known = set(FIXTURE_URLS) | set(EXCLUDED) | LIST_PAGES
    found = sorted(
        str(path.relative_to(PAGES)) for path in PAGES.glob("*/*") if path.is_file() and path.parent.name != DEMO.name
    )
    return [name for name in found if name not in known]


def build_golden() -> dict[str, dict[str, Any]]:
    """The golden file's content, extracted now: page -> {url, content_type, expect}."""
    return {
        name: {**spec, "expect": extract(PAGES / name, spec["url"], spec["content_type"])}
        for name, spec in page_inputs().items()
    }


def load_golden(path: Path = GOLDEN) -> dict[str, dict[str, Any]]:
    """The committed golden file (empty when there is none yet)."""
    if not path.exists():
        return {}
    data: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def diff_record(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """Readable lines for every field that differs: ``title: expected '...' got '...'``."""
    lines = []
    for key in sorted(set(expected) | set(actual)):
        want, got = expected.get(key), actual.get(key)
        if want != got:
            lines.append(f"  {key}:\n    expected {json.dumps(want, ensure_ascii=False)}")
            lines.append(f"    got      {json.dumps(got, ensure_ascii=False)}")
    return lines


def diff_golden(old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]) -> Iterator[str]:
    """Lines describing added, removed and changed pages between two golden contents."""
    for name in sorted(set(old) | set(new)):
        if name not in new:
            yield f"- {name} (removed)"
        elif name not in old:
            yield f"+ {name} (new): {json.dumps(new[name], ensure_ascii=False)}"
        elif old[name] != new[name]:
            yield f"~ {name}"
            yield from diff_record(old[name], new[name])


def dump(golden: Mapping[str, Any]) -> str:
    """The golden file's text (stable: sorted keys, two-space indent, UTF-8, final newline)."""
    return json.dumps(golden, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def save_demo_pages(scale: int = 1, seed: int = 0) -> list[Path]:
    """Serve the demo world and save the detail pages of :data:`DEMO_ARTICLES` as served (bytes unchanged)."""
    from harvester.demo import build_world, serve_world

    world = build_world(scale=scale, seed=seed)
    saved: list[Path] = []
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with serve_world(world) as served:
        for family, keys in DEMO_ARTICLES.items():
            folder = DEMO / family
            folder.mkdir(parents=True, exist_ok=True)
            manifest: dict[str, dict[str, str]] = {}
            for key in keys:
                article = world.articles[key]
                path = world.path(article)
                with opener.open(served.origins[article.site] + path, timeout=10) as response:
                    body, content_type = response.read(), response.headers.get("Content-Type", "")
                file_name = f"{key}.html"
                (folder / file_name).write_bytes(body)
                manifest[file_name] = {"url": DEMO_ORIGINS[article.site] + path, "content_type": content_type}
                saved.append(folder / file_name)
            (folder / MANIFEST).write_text(dump(manifest), encoding="utf-8")
    return saved


def main(argv: list[str] | None = None) -> int:
    """Print the diff between the golden file and a fresh extraction; write it with --write."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="write tests/golden/extraction.json")
    parser.add_argument("--save-demo", action="store_true", help="first save demo detail pages (serves on 127.0.0.1)")
    args = parser.parse_args(argv)
    if args.save_demo:
        for path in save_demo_pages():
            print(f"saved {path.relative_to(ROOT)}")
    for name in unclassified_pages():
        print(f"? {name}: not in FIXTURE_URLS, LIST_PAGES or EXCLUDED", file=sys.stderr)
    old, new = load_golden(), build_golden()
    lines = list(diff_golden(old, new))
    print("\n".join(lines) if lines else "golden file is up to date")
    if args.write and lines:
        GOLDEN.write_text(dump(new), encoding="utf-8")
        print(f"wrote {GOLDEN.relative_to(ROOT)} ({len(new)} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
