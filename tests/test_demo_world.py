"""The demo world: determinism, scale, serving, pagination schemes, robots, faults, hostile answers,
conditional GETs and a world that changes while served (publish, edit)."""

from __future__ import annotations

import gzip
import http.client
import re
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from itertools import combinations
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

import harvester.demo as demo
from harvester.demo import Faults, Served, TruthArticle, build_world, serve_world
from harvester.demo.text import UF_TERMS
from harvester.demo.truth import truth_row

FAKE_ORIGINS = {"dept": "http://d", "news": "http://n", "prov": "http://p"}
WINDOW = (date(2022, 9, 1), date(2023, 8, 31))


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with serve_world(build_world(scale=1, seed=0), hostile=True) as running:
        yield running


def get(
    url: str, limit: int | None = None, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """GET without following redirects; read at most ``limit`` bytes of the body."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        response = connection.getresponse()
        body = response.read(limit) if limit is not None else response.read()
        return response.status, response.headers, body
    finally:
        connection.close()


def rows_of(served: Served, source: str) -> list[TruthArticle]:
    return [row for row in served.truth() if row.source == source]


def test_public_api_is_complete() -> None:
    for name in demo.__all__:
        assert hasattr(demo, name), name
    assert {"build_world", "serve_world", "Faults", "Served", "TruthArticle", "World"} <= set(demo.__all__)


def test_same_seed_same_truth_other_seed_other_truth() -> None:
    from harvester.demo.truth import truth_rows

    first = truth_rows(build_world(1, seed=3), FAKE_ORIGINS)
    again = truth_rows(build_world(1, seed=3), FAKE_ORIGINS)
    other = truth_rows(build_world(1, seed=4), FAKE_ORIGINS)
    assert first == again
    assert [row.title for row in first] != [row.title for row in other]


def test_scale_multiplies_regular_articles() -> None:
    def regular(world: demo.World) -> Counter[str]:
        return Counter(
            a.column
            for a in world.articles.values()
            if re.fullmatch(r"(dept-gzdt|dept-tzgg|news-lgyw|news-zhxw|prov)-\d+", a.key)
        )

    one, three = regular(build_world(1)), regular(build_world(3))
    assert one and all(three[column] == 3 * count for column, count in one.items())
    for column in build_world(1).columns.values():
        assert 30 <= len(column.entries) <= 60, column.key


def test_relevance_agrees_with_topic_and_filter() -> None:
    world = build_world(1, seed=5)
    news = [a for a in world.articles.values() if a.site == "news"]
    for article in news:
        content = article.title + "".join(world.body(article))
        has_term = any(term in content for term in UF_TERMS)
        assert has_term == (article.topic in ("uf", "mixed")), article.key
    assert any(a.topic == "mixed" and not any(t in a.title for t in UF_TERMS) for a in news)


def test_bodies_of_different_articles_are_not_near_duplicates() -> None:
    world = build_world(1, seed=0)

    def shingles(key: str) -> set[str]:
        body = "".join(world.body(world.articles[key]))
        return {body[i : i + 3] for i in range(len(body) - 2)}

    keys = [k for k, a in world.articles.items() if a.site == "news" and a.variant != "repost"]
    sets = {key: shingles(key) for key in keys}
    worst = max(len(sets[a] & sets[b]) / len(sets[a] | sets[b]) for a, b in combinations(keys, 2))
    assert worst < 0.5


def test_truth_covers_all_kinds_and_quirks(served: Served) -> None:
    truth = served.truth()
    kinds = Counter(row.kind for row in truth)
    assert set(kinds) == {"page", "attachment", "offsite", "restricted"}
    assert all(row.body_snippet for row in truth if row.kind == "page")
    assert all(not row.body_snippet for row in truth if row.kind != "page")
    dept = [row for row in truth if row.channel == "department"]
    shared = Counter(row.url for row in dept)
    assert sorted(shared.values())[-2:] == [2, 2]  # listed in both columns (one via content.jsp)
    recurring = [row for row in dept if row.title == "党外代表人士读书会（第3期）"]
    assert len({row.url for row in recurring}) == 2 and len({row.published for row in recurring}) == 2
    assert any("T" in row.published for row in dept) and any("T" not in row.published for row in dept)
    assert any(row.url.startswith("https://mp.weixin.qq.com/") for row in dept)
    assert any(row.url.startswith(served.origins["news"]) for row in dept)


def test_expected_counts_equal_distinct_urls_per_channel(served: Served) -> None:
    start, end = WINDOW
    urls: dict[str, set[str]] = {"department": set(), "campus": set(), "provincial": set()}
    for row in served.truth():
        if row.relevant and start <= date.fromisoformat(row.published[:10]) <= end:
            urls[row.channel].add(row.url)
    expected = served.expected_counts(start, end)
    assert expected == {channel: len(found) for channel, found in urls.items()}
    assert all(count > 0 for count in expected.values())
    total = served.expected_counts(date(2000, 1, 1), date(2100, 1, 1))
    assert all(total[c] > expected[c] for c in total)


def test_every_page_answers_with_title_and_snippet(served: Served) -> None:
    for row in served.truth():
        if row.kind != "page":
            continue
        status, _, body = get(row.url)
        assert status == 200, row.url
        text = body.decode("gbk" if row.channel == "provincial" else "utf-8")
        assert row.title in text and row.body_snippet in text, row.url


def test_restricted_and_offsite_entries(served: Served) -> None:
    rows = rows_of(served, "dept-gzdt")
    restricted = [row for row in rows if row.kind == "restricted"]
    assert len(restricted) == 3
    texts = [get(row.url)[2].decode("utf-8") for row in restricted]
    assert sum("<title>系统提示</title>" in text for text in texts) == 2
    assert sum("页面不存在" in text for text in texts) == 1
    assert all(get(row.url)[0] == 200 for row in restricted)
    attachment = next(row for row in rows if row.kind == "attachment")
    assert get(attachment.url)[1]["Content-Type"] == "application/pdf"


def _walk(first: str, next_link: re.Pattern[str], item: re.Pattern[str]) -> list[tuple[str, list[str]]]:
    """Follow the pager from ``first``; return (page URL, absolute item URLs) per page."""
    pages, url = [], first
    while url and len(pages) < 100:
        status, _, body = get(url)
        assert status == 200, url
        text = body.decode("utf-8")
        pages.append((url, [urljoin(url, href.replace("&amp;", "&")) for href in item.findall(text)]))
        found = next_link.search(text)
        url = urljoin(url, found.group(1)) if found and not found.group(1).startswith("javascript") else ""
    return pages


def _canonical_vsb(url: str) -> str:
    found = re.search(r"content\.jsp\?.*wbtreeid=(\d+)&wbnewsid=(\d+)", url)
    return urljoin(url, f"/info/{found.group(1)}/{found.group(2)}.htm") if found else url


def _assert_each_once(rows: list[TruthArticle], pages: list[tuple[str, list[str]]]) -> None:
    seen = Counter(link for _, links in pages for link in links)
    for row in rows:
        assert seen[row.url] == 1, row.url
    assert len(rows) == sum(seen.values())


@pytest.mark.parametrize(
    ("source", "path", "next_link"),
    [
        ("dept-gzdt", "/gzdt.htm", r'<span class="p_next p_fun"><a href="([^"]+)">下页'),
        ("dept-tzgg", "/tzgg.htm", r'<a href="([^"]+)" class="Next">下页'),
    ],
)
def test_vsb_lists_are_numbered_downwards(served: Served, source: str, path: str, next_link: str) -> None:
    origin = served.origins["dept"]
    item = re.compile(r'id="line_u\d+_\d+">(?:<td>)?(?:<img[^>]*><span class="zd">\[置顶\]</span>)?<a href="([^"]+)"')
    pages = _walk(origin + path, re.compile(next_link), item)
    total = len(pages)
    assert total >= 3
    key = path[1:-4]
    assert [url for url, _ in pages] == [origin + path] + [f"{origin}/{key}/{total - n}.htm" for n in range(1, total)]
    assert all(not link.startswith(f"{origin}/{key}/") for _, links in pages for link in links)
    canonical = [(url, [_canonical_vsb(link) for link in links]) for url, links in pages]
    _assert_each_once(rows_of(served, source), canonical)
    assert get(f"{origin}/{key}/{total}.htm")[0] == 404


@pytest.mark.parametrize(("source", "path"), [("news-lgyw", "/1058/list.htm"), ("news-zhxw", "/zhxw/list.htm")])
def test_webplus_lists_are_numbered_upwards(served: Served, source: str, path: str) -> None:
    origin = served.origins["news"]
    next_link = re.compile(r'<a class="next" href="([^"]+)"')
    item = re.compile(r"""news_title"><a href=['"]([^'"]+)['"]""")
    pages = _walk(origin + path, next_link, item)
    base = origin + path[: -len("list.htm")]
    assert [url for url, _ in pages] == [base + "list.htm"] + [f"{base}list{n}.htm" for n in range(2, len(pages) + 1)]
    last = get(pages[-1][0])[2].decode("utf-8")
    assert f'<em class="all_pages">{len(pages)}</em>' in last and 'class="next" href="javascript:void(0);"' in last
    _assert_each_once(rows_of(served, source), pages)


def test_trs_list_pages_follow_create_page_html(served: Served) -> None:
    origin = served.origins["prov"]
    status, headers, body = get(origin + "/xwzx/gxtz/index.html")
    assert status == 200 and "charset" not in headers["Content-Type"]
    count = int(re.search(r"var countPage = (\d+)", body.decode("gbk")).group(1))  # type: ignore[union-attr]
    pages = []
    for index in range(count):
        url = origin + ("/xwzx/gxtz/index.html" if index == 0 else f"/xwzx/gxtz/index_{index}.html")
        text = get(url)[2].decode("gbk")
        pages.append((url, [urljoin(url, href) for href in re.findall(r'<li><a href="([^"]+)"', text)]))
    _assert_each_once(rows_of(served, "prov-gxtz"), pages)


def test_charset_quirks_of_news_details(served: Served) -> None:
    world = served.world
    for key, header in (("news-gbk-header", "text/html; charset=gbk"), ("news-no-charset", "text/html")):
        article = world.articles[key]
        _, headers, body = get(world.url(article, served.origins))
        assert headers["Content-Type"] == header
        assert article.title in body.decode("utf-8") and '<meta charset="utf-8" />' in body.decode("utf-8")


def test_robots_txt_lists_the_disallowed_paths(served: Served) -> None:
    for site, prefixes in served.disallowed_by_site().items():
        status, _, body = get(served.origins[site] + "/robots.txt")
        assert status == 200
        assert re.findall(r"^Disallow: (\S+)$", body.decode(), re.M) == prefixes
    robots_row = next(row for row in served.truth() if "/info/1999/" in row.url)
    assert robots_row.kind == "restricted" and "/info/1999/" in served.disallowed_paths()


def test_write_config_is_yaml_with_every_source(served: Served, tmp_path: Path) -> None:
    path = served.write_config(tmp_path / "sources.yaml", delay=0.25, per_host=2)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    ids = [source["id"] for source in data["sources"]]
    assert ids == ["dept-gzdt", "dept-tzgg", "news-lgyw", "news-zhxw", "prov-gxtz", "hostile"]
    assert [c["id"] for c in data["channels"]] == ["department", "campus", "provincial"]
    assert data["fetch"] == {"delay": 0.25, "per_host": 2} and data["timezone"] == "Asia/Shanghai"
    campus = next(s for s in data["sources"] if s["id"] == "news-lgyw")
    assert campus["match"]["any"] == list(UF_TERMS)
    assert all(url.startswith("http://127.0.0.1:") for s in data["sources"] for url in s["urls"])


def test_log_records_requests(served: Served) -> None:
    before = len(served.log)
    get(served.origins["dept"] + "/no-such-page.htm")
    entry = served.log[before]
    assert entry.site == "dept" and entry.path == "/no-such-page.htm" and entry.status == 404 and entry.bytes > 0


def _statuses(faults: Faults, paths: list[str]) -> list[int]:
    with serve_world(build_world(1), faults=faults) as running:
        first = [get(running.origins["dept"] + path)[0] for path in paths]
        second = [get(running.origins["dept"] + path)[0] for path in paths]
    assert second == [200] * len(paths)
    return first


def test_faults_are_deterministic_and_only_on_first_attempts() -> None:
    world = build_world(1)
    paths = [world.path(a) for a in world.articles.values() if a.site == "dept" and a.kind == "page"][:30]
    faults = Faults(error_rate=0.4, seed=7)
    first = _statuses(faults, paths)
    assert first == _statuses(faults, paths)
    assert 0 < first.count(503) < len(paths)
    assert first != _statuses(Faults(error_rate=0.4, seed=8), paths)


def test_reset_faults_cut_the_body() -> None:
    world = build_world(1)
    with serve_world(world, faults=Faults(reset_rate=1.0)) as running:
        url = running.origins["dept"] + "/gzdt.htm"
        with pytest.raises((http.client.IncompleteRead, ConnectionError)):
            get(url)
        assert get(url)[0] == 200


def test_hostile_answers_are_what_they_claim(served: Served) -> None:
    origin = served.origins["hostile"]
    status, headers, head = get(origin + "/big.htm", limit=4096)
    assert status == 200 and headers["Content-Length"] is None and len(head) == 4096
    status, headers, raw = get(origin + "/bomb.htm", limit=20_000)
    assert headers["Content-Encoding"] == "gzip"
    decoded = zlib.decompressobj(31).decompress(raw, 500_000_000)
    assert len(decoded) > 100 * len(raw)
    assert get(origin + "/loop/a.htm")[1]["Location"] == "/loop/b.htm"
    assert get(origin + "/loop/b.htm")[1]["Location"] == "/loop/a.htm"
    status, headers, body = get(origin + "/binary.htm")
    assert headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        get(origin + "/wrong-charset.htm")[2].decode("utf-8")
    with pytest.raises(http.client.IncompleteRead):
        get(origin + "/truncated.htm")


def test_hostile_pagers_cycle_and_never_end(served: Served) -> None:
    origin = served.origins["hostile"]
    assert '<a class="next" href="/cycle/list1.htm">' in get(origin + "/cycle/list3.htm")[2].decode()
    assert '<a class="next" href="/endless/list58.htm">' in get(origin + "/endless/list57.htm")[2].decode()
    config = served.config_dict("x.db", 0.0, 1)
    hostile = next(s for s in config["sources"] if s["id"] == "hostile")
    assert len(hostile["urls"]) == 3 and hostile["match"]


def test_gzip_module_agrees_the_bomb_is_valid_gzip_start(served: Served) -> None:
    raw = get(served.origins["hostile"] + "/bomb.htm", limit=10_000)[2]
    with gzip.GzipFile(fileobj=__import__("io").BytesIO(raw)) as stream:
        assert stream.read(1024) == b" " * 1024


# --- conditional GET and a world that changes while served -------------------------------------------------

SOURCES = ("dept-gzdt", "dept-tzgg", "news-lgyw", "news-zhxw", "prov-gxtz")
SPECS = {spec.id: (spec.site, spec.column) for spec in build_world(1).sources}
VSB_ITEM = re.compile(r'id="line_u\d+_\d+">(?:<td>)?(?:<img[^>]*><span class="zd">\[置顶\]</span>)?<a href="([^"]+)"')
VSB_NEXT = {
    "dept-gzdt": re.compile(r'<span class="p_next p_fun"><a href="([^"]+)">下页'),
    "dept-tzgg": re.compile(r'<a href="([^"]+)" class="Next">下页'),
}


@pytest.fixture
def fresh() -> Iterator[Served]:
    """A served world of its own, for tests that change it."""
    with serve_world(build_world(scale=1, seed=0)) as running:
        yield running


def first_list_url(served: Served, source: str) -> str:
    spec = next(spec for spec in served.world.sources if spec.id == source)
    return served.origins[spec.site] + served.world.columns[spec.site, spec.column].path


def list_pages(served: Served, source: str) -> list[tuple[str, list[str]]]:
    """Walk the pager of ``source``; (page URL, canonical item URLs) per page, first page first."""
    first = first_list_url(served, source)
    if source in VSB_NEXT:
        pages = _walk(first, VSB_NEXT[source], VSB_ITEM)
        return [(url, [_canonical_vsb(link) for link in links]) for url, links in pages]
    if source.startswith("news-"):
        return _walk(
            first,
            re.compile(r'<a class="next" href="([^"]+)"'),
            re.compile(r"""news_title"><a href=['"]([^'"]+)['"]"""),
        )
    count = int(re.search(r"var countPage = (\d+)", get(first)[2].decode("gbk")).group(1))  # type: ignore[union-attr]
    pages = []
    for index in range(count):
        url = first if index == 0 else first.replace("index.html", f"index_{index}.html")
        status, _, body = get(url)
        assert status == 200, url
        pages.append((url, [urljoin(url, href) for href in re.findall(r'<li><a href="([^"]+)"', body.decode("gbk"))]))
    return pages


def test_html_answers_carry_validators_and_robots_does_not(served: Served) -> None:
    row = next(row for row in served.truth() if row.kind == "page" and row.source == "prov-gxtz")
    for url in (first_list_url(served, "dept-gzdt"), first_list_url(served, "news-zhxw"), row.url):
        status, headers, _ = get(url)
        assert status == 200 and re.fullmatch(r'"[0-9a-f]{24}"', headers["ETag"]), url
        assert parsedate_to_datetime(headers["Last-Modified"]).tzinfo is not None
        assert get(url)[1]["ETag"] == headers["ETag"]  # stable while nothing changes
    detail = get(row.url)[1]["Last-Modified"]
    assert parsedate_to_datetime(detail) == datetime.fromisoformat(row.published).replace(second=0)
    robots = get(served.origins["dept"] + "/robots.txt")[1]
    assert robots["ETag"] is None and robots["Last-Modified"] is None
    assert get(served.origins["hostile"] + "/big.htm", limit=1024)[1]["ETag"] is None


def test_conditional_get_answers_304_until_the_page_changes(fresh: Served) -> None:
    url = first_list_url(fresh, "dept-gzdt")
    other = first_list_url(fresh, "dept-tzgg")
    detail = next(row.url for row in rows_of(fresh, "dept-gzdt") if row.kind == "page")
    status, headers, _ = get(url)
    tag, modified = headers["ETag"], headers["Last-Modified"]
    before = {link: get(link)[1]["ETag"] for link in (other, detail)}

    status, answer, body = get(url, headers={"If-None-Match": tag})
    assert (status, body, answer["ETag"]) == (304, b"", tag) and answer["Content-Length"] is None
    assert fresh.log[-1].status == 304 and fresh.log[-1].bytes == 0
    assert get(url, headers={"If-None-Match": f'"x", W/{tag}'})[0] == 304
    assert get(url, headers={"If-Modified-Since": modified})[0] == 304
    older = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert get(url, headers={"If-Modified-Since": older})[0] == 200
    assert get(url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified})[0] == 200  # ETag decides
    assert get(url, headers={"If-Modified-Since": "not a date"})[0] == 200

    fresh.publish("dept-gzdt", 1)
    status, after, body = get(url, headers={"If-None-Match": tag, "If-Modified-Since": modified})
    assert status == 200 and body and after["ETag"] != tag
    assert parsedate_to_datetime(after["Last-Modified"]) > parsedate_to_datetime(modified)
    assert get(url, headers={"If-Modified-Since": modified})[0] == 200
    for link, old in before.items():  # pages whose content did not change keep their validator
        assert get(link, headers={"If-None-Match": old})[0] == 304, link


@pytest.mark.parametrize("source", SOURCES)
def test_publish_puts_new_articles_on_top_and_every_url_on_one_page(fresh: Served, source: str) -> None:
    rows_before = rows_of(fresh, source)
    pages_before = len(list_pages(fresh, source))
    new = fresh.publish(source, 3)
    assert len(new) == 3 and len({row.url for row in new}) == 3
    assert all(row.source == source and row.kind == "page" and row.body_snippet for row in new)
    assert [row.published for row in new] == sorted((row.published for row in new), reverse=True)
    newest_before = max(date.fromisoformat(row.published[:10]) for row in rows_before)
    assert all(date.fromisoformat(row.published[:10]) >= newest_before for row in new)
    rows_after = rows_of(fresh, source)
    assert len(rows_after) == len(rows_before) + 3 and set(rows_after) - set(rows_before) == set(new)
    pages = list_pages(fresh, source)
    assert len(pages) >= pages_before
    pinned = sum(entry.pinned for entry in fresh.world.columns[SPECS[source]].entries)
    first_links = pages[0][1]
    assert first_links[:pinned] == [row.url for row in rows_before[:pinned]]  # pinned rows stay on top
    assert first_links[pinned : pinned + 3] == [row.url for row in new]
    assert first_links[pinned + 3 :] == [row.url for row in rows_before[pinned:]][: len(first_links) - pinned - 3]
    _assert_each_once(rows_after, pages)
    for row in new:
        status, _, body = get(row.url)
        text = body.decode("gbk" if row.channel == "provincial" else "utf-8")
        assert status == 200 and row.title in text and row.body_snippet in text, row.url


def test_edit_changes_only_that_detail_page(fresh: Served) -> None:
    rows = [row for row in rows_of(fresh, "news-lgyw") if row.kind == "page"]
    tags = {row.url: get(row.url)[1]["ETag"] for row in rows}
    list_tag = get(first_list_url(fresh, "news-lgyw"))[1]["ETag"]
    edited = fresh.edit("news-lgyw", 1)
    newest = sorted(rows, key=lambda row: row.published, reverse=True)
    assert edited.url in (newest[1].url, newest[0].url)  # same day ties are broken by number
    changed = [url for url, tag in tags.items() if get(url)[1]["ETag"] != tag]
    assert changed == [edited.url]
    before = next(row for row in rows if row.url == edited.url)
    assert edited == before and edited in fresh.truth()  # only the body changed
    text = get(edited.url)[2].decode("utf-8")
    assert "更新，" in text and edited.body_snippet in text and edited.title in text
    assert get(first_list_url(fresh, "news-lgyw"), headers={"If-None-Match": list_tag})[0] == 304
    again = fresh.edit("news-lgyw", 1)
    assert again.url == edited.url and get(edited.url)[2].decode("utf-8").count("更新，") == 2


def test_edit_rejects_an_index_past_the_column(fresh: Served) -> None:
    with pytest.raises(IndexError):
        fresh.edit("prov-gxtz", 10_000)
    with pytest.raises(KeyError):
        fresh.publish("no-such-source", 1)


def test_expected_counts_grow_by_the_relevant_new_articles(fresh: Served) -> None:
    everything = (date(2000, 1, 1), date(2100, 1, 1))
    recent = (fresh.world.clock.date(), date(2100, 1, 1))  # from the day of the newest article on
    before, in_window, in_recent = (fresh.expected_counts(*span) for span in (everything, WINDOW, recent))
    new = fresh.publish("news-lgyw", 20) + fresh.publish("prov-gxtz", 12) + fresh.publish("dept-tzgg", 2)
    assert any(row.relevant for row in new) and not all(row.relevant for row in new)
    grown = Counter(row.channel for row in new if row.relevant)
    after = fresh.expected_counts(*everything)
    assert {channel: after[channel] - before[channel] for channel in after} == {
        channel: grown[channel] for channel in after
    }
    assert fresh.expected_counts(*WINDOW) == in_window  # new articles fall after the window
    assert min(date.fromisoformat(row.published[:10]) for row in new) >= recent[0]
    later = fresh.expected_counts(*recent)
    assert {channel: later[channel] - in_recent[channel] for channel in later} == {
        channel: grown[channel] for channel in later
    }


def test_publish_is_deterministic_and_fast() -> None:
    def publish(world: demo.World) -> list[TruthArticle]:
        spec = world.sources[0]
        articles = world.publish(spec.site, spec.column, 100)
        return [truth_row(world, spec, article, FAKE_ORIGINS) for article in articles]

    world = build_world(scale=10, seed=0)
    newest = max(article.when for article in world.articles.values())
    highest = max(article.num for article in world.articles.values() if article.site == "dept")
    started = time.perf_counter()
    rows = publish(world)
    assert time.perf_counter() - started < 0.5
    assert rows == publish(build_world(scale=10, seed=0))
    assert rows != publish(build_world(scale=10, seed=1))
    added = [world.articles[entry.key] for entry in world.columns["dept", "gzdt"].entries[2:102]]
    assert all(a.when > newest and a.num > highest for a in added)
    assert [a.num for a in added] == sorted((a.num for a in added), reverse=True)


def test_pages_answer_while_articles_are_published(fresh: Served) -> None:
    url = first_list_url(fresh, "news-lgyw")
    before = len(rows_of(fresh, "news-lgyw"))
    worker = threading.Thread(target=lambda: [fresh.publish("news-lgyw", 1) for _ in range(30)])
    worker.start()
    statuses = [get(url)[0] for _ in range(30)]
    worker.join()
    assert statuses == [200] * 30
    assert len(rows_of(fresh, "news-lgyw")) == before + 30
    _assert_each_once(rows_of(fresh, "news-lgyw"), list_pages(fresh, "news-lgyw"))


# --- the opt-in families: Hanweb (edu), old table layout (archive), Founder e-paper (epaper) ---------------

EXTRA_ORIGINS = {**FAKE_ORIGINS, "edu": "http://e", "archive": "http://a", "epaper": "http://p2"}


@pytest.fixture(scope="module")
def families() -> Iterator[Served]:
    with serve_world(build_world(scale=1, seed=0, extra=demo.EXTRA_SITES)) as running:
        yield running


def post(url: str, form: str) -> tuple[int, bytes]:
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1"
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", f"{parts.path}?{parts.query}", body=form.encode(), headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_extra_sites_are_opt_in_and_leave_the_core_truth_alone() -> None:
    from harvester.demo.truth import truth_rows

    core, full = build_world(1, seed=0), build_world(1, seed=0, extra=demo.EXTRA_SITES)
    assert core.sites == ("dept", "news", "prov")
    assert full.sites == ("dept", "news", "prov", "edu", "archive", "epaper")
    core_ids = {spec.id for spec in core.sources}
    assert [spec.id for spec in full.sources] == [spec.id for spec in core.sources] + [
        "edu-gzdt",
        "archive-hwdt",
        "paper",
    ]
    assert truth_rows(core, EXTRA_ORIGINS) == [r for r in truth_rows(full, EXTRA_ORIGINS) if r.source in core_ids]
    assert [s.id for s in build_world(1, extra=["epaper"]).sources][-1] == "paper"
    with pytest.raises(ValueError, match="unknown extra demo sites"):
        build_world(1, extra=["nosuch"])


def test_extra_sites_scale_and_stay_deterministic() -> None:
    from harvester.demo.truth import truth_rows

    def sizes(scale: int) -> dict[str, int]:
        world = build_world(scale, seed=0, extra=demo.EXTRA_SITES)
        return {site: len(world.columns[key].entries) for key in world.columns if (site := key[0]) in demo.EXTRA_SITES}

    one, ten = sizes(1), sizes(10)
    assert all(30 <= count <= 60 for count in one.values()), one
    assert all(ten[site] >= 8 * one[site] for site in one), (one, ten)
    first = truth_rows(build_world(1, seed=3, extra=demo.EXTRA_SITES), EXTRA_ORIGINS)
    assert first == truth_rows(build_world(1, seed=3, extra=demo.EXTRA_SITES), EXTRA_ORIGINS)


def _datastore_links(xml: str) -> list[str]:
    return re.findall(r'<record><!\[CDATA\[\s*<li>(?:<span class="zd">\[置顶\]</span>)?<a href="([^"]+)"', xml)


def test_hanweb_list_is_a_datastore_then_dataproxy_posts(families: Served) -> None:
    origin = families.origins["edu"]
    rows = rows_of(families, "edu-gzdt")
    status, _, body = get(origin + "/col/col11969/index.html")
    page = body.decode("utf-8")
    assert status == 200 and '<script type="text/xml"><datastore>' in page
    held = _datastore_links(page)
    per_page = int(re.search(r"perPage: (\d+)", page).group(1))  # type: ignore[union-attr]
    assert len(held) == 3 * per_page == 15 and f"<totalrecord>{len(rows)}</totalrecord>" in page
    assert "[置顶]" in page.split("<record>")[1] and "ajaxParam: { col: 1, appid: 1, webid: 3" in page
    outside = re.sub(r'<script type="text/xml">.*?</script>', "", page, flags=re.S)
    assert "/art/" not in outside and "<record>" not in outside  # no list in the DOM itself
    links, start = list(held), len(held) + 1
    before = len(families.log)
    while start <= len(rows):
        query = f"startrecord={start}&endrecord={start + 14}&perpage={per_page}"
        status, answer = post(origin + "/module/web/jpage/dataproxy.jsp?" + query, "col=1&columnid=11969&unitid=63447")
        assert status == 200 and f"<totalrecord>{len(rows)}</totalrecord>" in answer.decode("utf-8")
        links += _datastore_links(answer.decode("utf-8"))
        start += 15
    assert [urljoin(origin, link) for link in links] == [row.url for row in rows]
    assert {(e.method, e.status) for e in families.log[before:]} == {("POST", 200)}
    assert get(origin + "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=15")[0] == 405
    assert post(origin + "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=15", "columnid=1")[0] == 400


def test_hanweb_details_carry_meta_tags_and_unpadded_urls(families: Served) -> None:
    pages = [row for row in rows_of(families, "edu-gzdt") if row.kind == "page"]
    assert any(re.search(r"/art/\d{4}/\d/\d/art_11969_\d+\.html$", row.url) for row in pages)
    assert all(re.search(r"/art/\d{4}/[1-9]\d?/[1-9]\d?/art_11969_\d+\.html$", row.url) for row in pages)
    marked = 0
    for row in pages[:12]:
        text = get(row.url)[2].decode("utf-8")
        assert f'<meta name="ArticleTitle" content="{row.title}">' in text
        assert f'<meta name="PubDate" content="{row.published[:10]} {row.published[11:16]}">' in text
        marked += '<meta name="ContentStart">' in text
        assert ('<div id="zoom">' in text) != ('<meta name="ContentStart">' in text)
    assert 0 < marked < 12
    assert any(row.kind == "offsite" and row.relevant for row in rows_of(families, "edu-gzdt"))


def test_table_site_is_gbk_with_dates_only_on_the_list(families: Served) -> None:
    origin = families.origins["archive"]
    rows = rows_of(families, "archive-hwdt")
    status, headers, body = get(origin + "/news/list.asp?classid=12")
    assert status == 200 and headers["Content-Type"] == "text/html" and b"charset=gb2312" in body
    page = body.decode("gbk")
    total = families.world.columns["archive", "hwdt"].pages
    assert f"共{len(rows)}条记录 第1/{total}页 首页 上一页 " in page and "[置顶]" not in page and 'alt="置顶"' in page
    pages = _walk_gbk(origin + "/news/list.asp?classid=12")
    assert len(pages) == total and "下一页</a>" not in get(pages[-1][0])[2].decode("gbk")
    _assert_each_once(rows, pages)
    dates = re.findall(r'<td width="90" align="right">\[(\d{4})/(\d{1,2})/(\d{1,2})\]</td>', page)
    assert dates and any(len(month) == 1 or len(day) == 1 for _, month, day in dates)
    mislabelled = 0
    for row in rows:
        _, headers, raw = get(row.url)
        mislabelled += headers["Content-Type"] == "text/html; charset=utf-8"
        text = raw.decode("gbk")
        assert row.title in text and row.body_snippet in text
        assert not FULL_DATE.search(text), row.url  # no date on the detail
    assert mislabelled == 1


def _walk_gbk(first: str) -> list[tuple[str, list[str]]]:
    pages, url = [], first
    while url:
        text = get(url)[2].decode("gbk")
        pages.append((url, [urljoin(url, href) for href in re.findall(r'<a class="listlink" href="([^"]+)"', text)]))
        found = re.search(r'<a href="([^"]+)">下一页</a>', text)
        url = urljoin(url, found.group(1).replace("&amp;", "&")) if found else ""
    return pages


FULL_DATE = re.compile(r"\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}")


def visible(page: str) -> str:
    """The page's text and meta values, without tags (so without the dated URLs of its links)."""
    return re.sub(r"<[^>]+>", " ", page) + " ".join(re.findall(r'<meta[^>]+content="([^"]*)"', page))


def test_epaper_redirects_to_the_newest_issue_and_links_back(families: Served) -> None:
    origin = families.origins["epaper"]
    assert 'http-equiv="refresh" content="0; url=paperindex.htm"' in get(origin + "/")[2].decode()
    target = re.search(r'location\.href="([^"]+)"', get(origin + "/paperindex.htm")[2].decode())
    assert target is not None and target.group(1) == "html/2023-11/24/node_2.htm"
    rows = rows_of(families, "paper")
    pages, issue, adverts = [], urljoin(origin + "/", target.group(1)), 0
    while issue:
        text = get(issue)[2].decode("utf-8")
        nodes = sorted(set(re.findall(r'href="(node_\d+\.htm)"', text)))
        assert nodes[0] == "node_2.htm" and len(nodes) >= 4
        for node in nodes:
            url = urljoin(issue, node)
            page = get(url)[2].decode("utf-8")
            links = list(dict.fromkeys(re.findall(r'<li><a href="(content_\d+\.htm)">', page)))
            adverts += "本版为广告版" in page and not links
            assert not FULL_DATE.search(visible(page)), url  # the issue date is only in the URL
            pages.append((url, [urljoin(url, link) for link in links]))
        older = re.search(r'<a href="([^"]+)">上一期</a>', text)
        issue = urljoin(issue, older.group(1)) if older else ""
    assert adverts >= 1
    _assert_each_once(rows, pages)
    assert all(row.published == re.sub(r".*/html/(\d{4}-\d{2})/(\d{2})/.*", r"\1-\2", row.url) for row in rows)
    assert not FULL_DATE.search(visible(get(rows[0].url)[2].decode("utf-8")))


def test_epaper_reposts_a_campus_news_story_that_counts_once(families: Served) -> None:
    pairs = families.same_story_pairs()
    assert len(pairs) == 1
    original, repost = pairs[0]
    assert original.startswith(families.origins["news"]) and repost.startswith(families.origins["epaper"])
    truth = {row.url: row for row in families.truth()}
    first, second = truth[original], truth[repost]
    assert first.channel == second.channel == "campus" and first.relevant and second.relevant
    assert first.title != second.title and first.published < second.published
    text = get(repost)[2].decode("utf-8")
    assert "本报讯（通讯员" in text and "（编辑：" in text and first.body_snippet in text
    start, end = WINDOW
    assert start <= date.fromisoformat(first.published[:10]) and date.fromisoformat(second.published) <= end
    campus = {
        row.url
        for row in families.truth()
        if row.channel == "campus" and row.relevant and start <= date.fromisoformat(row.published[:10]) <= end
    }
    assert families.expected_counts(start, end)["campus"] == len(campus) - 1
    core = build_world(1, seed=0)
    with serve_world(core) as running:
        assert running.same_story_pairs() == []  # the department → campus repost crosses channels


def test_extra_sites_have_robots_validators_and_faults(families: Served) -> None:
    for site in demo.EXTRA_SITES:
        status, _, body = get(families.origins[site] + "/robots.txt")
        assert (
            status == 200
            and re.findall(r"^Disallow: (\S+)$", body.decode(), re.M) == families.disallowed_by_site()[site]
        )
    for source in ("edu-gzdt", "archive-hwdt", "paper"):
        row = next(row for row in rows_of(families, source) if row.kind == "page")
        for url in (first_list_url(families, source), row.url):
            status, headers, _ = get(url)
            assert status == 200 and re.fullmatch(r'"[0-9a-f]{24}"', headers["ETag"]), url
            assert get(url, headers={"If-None-Match": headers["ETag"]})[0] == 304
    world = build_world(1, seed=0, extra=["edu"])
    with serve_world(world, faults=Faults(error_rate=1.0)) as running:
        url = running.origins["edu"] + "/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=5"
        assert [post(url, "columnid=11969")[0] for _ in range(2)] == [503, 200]
        assert [entry.method for entry in running.log] == ["POST", "POST"]


@pytest.mark.parametrize("source", ["edu-gzdt", "archive-hwdt", "paper"])
def test_publish_reaches_the_extra_sites(source: str) -> None:
    with serve_world(build_world(scale=1, seed=0, extra=demo.EXTRA_SITES)) as running:
        before = rows_of(running, source)
        new = running.publish(source, 2)
        after = rows_of(running, source)
        pinned = sum(entry.pinned for entry in running.world.columns[SPECS_EXTRA[source]].entries)
        assert after[pinned : pinned + 2] == new and len(after) == len(before) + 2
        for row in new:
            status, _, body = get(row.url)
            text = body.decode("gbk" if source == "archive-hwdt" else "utf-8")
            assert status == 200 and row.title in text and row.body_snippet in text, row.url
        if source == "paper":  # a new issue, reached from the index
            target = re.search(
                r'location\.href="([^"]+)"', get(running.origins["epaper"] + "/paperindex.htm")[2].decode()
            )
            assert target is not None and target.group(1) == new[0].url.split("/html/")[1].rsplit("/", 1)[0].join(
                ("html/", "/node_2.htm")
            )


SPECS_EXTRA = {spec.id: (spec.site, spec.column) for spec in build_world(1, extra=demo.EXTRA_SITES).sources}
