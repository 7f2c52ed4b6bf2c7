"""Chinese full-text search (harvester.search) on a real SQLite file written by the Store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvester import search
from harvester.errors import StorageError
from harvester.search import SearchQueryError
from harvester.store import ArticleRecord, Store

# key: (title, body, published day in May 2023, channel)
ARTICLES: dict[str, tuple[str, str, int, str]] = {
    "zhanbu": ("统战部召开党外代表人士座谈会", "会上，统战部长介绍了工作。", 1, "dept"),
    "minmeng": ("民盟支部举行读书会", "民盟盟员参加统战读书会活动。", 2, "dept"),
    "dangpai": ("民主党派负责人调研", "各民主党派负责人一行到校调研。", 3, "dept"),
    "plain": ("学校召开教职工大会", "会议由校长主持。", 4, "dept"),
    "gongzuo": ("统战工作会议", "部署统战工作，强调党外人士作用。", 5, "dept"),
    "dushu": ("读书会第三期", "本期读书会主题为传统文化。", 6, "dept"),
    "cppcc": ("CPPCC委员视察", "The CPPCC delegation met local representatives.", 7, "news"),
    "lower": ("cppcc member visit", "政协委员参加会议。", 8, "news"),
    "split": ("宣传统，战部动态", "民主，党派人士；统 战", 9, "dept"),
    "dangwai": ("党外知识分子联谊会成立", "党外人士积极参与。", 10, "dept"),
    "minjin": ("民进支部活动", "民进会员开展学习。", 11, "dept"),
    "mengyuan": ("盟员之家", "盟员活动丰富。", 12, "dept"),
    "peking": ("北京大学 Peking University", "学术交流。", 13, "news"),
    "joint": ("统战、读书会联合活动", "University of Peking 代表参加。", 14, "dept"),
    "old": ("新闻", "统战部长会见民盟中央副主席。", 15, "news"),
    "notice": ("通知", "各民主党派：请于周五前报送材料。", 16, "notices"),
    "zuotan": ("民主党派人士座谈", "座谈会在统战部会议室举行。", 17, "notices"),
    "spaced": ("统战 读书会 心得", "心得体会。", 18, "dept"),
    "symbols": ("AND OR NOT 测试", '特殊符号 * ^ ( ) " 测试 NEAR', 19, "dept"),
    "fullwidth": ("ＣＰＰＣＣ全国委员会", "全国政协十四届委员。", 20, "news"),
}


def record(key: str, **changes: object) -> ArticleRecord:
    title, body, day, channel = ARTICLES[key]
    base: dict[str, object] = {
        "url": f"https://dept.example.edu.cn/info/{key}.htm",
        "source": "dept",
        "channel": channel,
        "title": title,
        "published_at": f"2023-05-{day:02d}T10:00:00+08:00",
        "body": body,
    }
    base.update(changes)
    return ArticleRecord(**base)  # type: ignore[arg-type]


def id_of(store: Store, key: str) -> int:
    row = store.conn.execute("SELECT id FROM articles WHERE url = ?", (record(key).url,)).fetchone()
    return int(row[0])


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "h.db") as opened:
        search.install(opened.conn)
        for key in ARTICLES:
            opened.upsert_article(record(key))
            rec = record(key)
            search.index_article(opened.conn, id_of(opened, key), rec.title, rec.body)
        yield opened


def keys(store: Store, query: str, **kwargs: object) -> set[str]:
    ids = search.search(store.conn, query, **kwargs)  # type: ignore[arg-type]
    assert len(ids) == len(set(ids))
    by_id = {id_of(store, key): key for key in ARTICLES}
    return {by_id[i] for i in ids}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("盟", {"minmeng", "mengyuan", "old"}),
        ("统战", {"zhanbu", "minmeng", "gongzuo", "joint", "old", "zuotan", "spaced"}),
        ("党外", {"zhanbu", "gongzuo", "dangwai"}),
        ("民盟", {"minmeng", "old"}),
        ("统战部", {"zhanbu", "old", "zuotan"}),
        ("读书会", {"minmeng", "dushu", "joint", "spaced"}),
        ("民主党派", {"dangpai", "notice", "zuotan"}),
        ("统战部长", {"zhanbu", "old"}),
        ("统战 读书会", {"minmeng", "joint", "spaced"}),
        ("读书会 统战", {"minmeng", "joint", "spaced"}),
        ("统战读书会", {"minmeng"}),
        ('"统战 读书会"', {"joint", "spaced"}),
        ("“统战 读书会”", {"joint", "spaced"}),
        ("统战 -读书会", {"zhanbu", "gongzuo", "old", "zuotan"}),
        ("统战 -盟", {"zhanbu", "gongzuo", "joint", "zuotan", "spaced"}),
        ("盟 -民盟", {"mengyuan"}),
        ('读书会 -"统战 读书会"', {"minmeng", "dushu"}),
        ("民主 党派", {"dangpai", "notice", "zuotan", "split"}),
        ("宣传统战", set()),
        ("战部", {"zhanbu", "old", "zuotan", "split"}),
        ("CPPCC 委员", {"cppcc", "lower", "fullwidth"}),
        ("cppcc", {"cppcc", "lower", "fullwidth"}),
        ("CpPcC", {"cppcc", "lower", "fullwidth"}),
        ("CPPCC委员", {"cppcc"}),
        ("CPPCC委", {"cppcc"}),
        ("CPPCC全国", {"fullwidth"}),
        ("peking university", {"peking", "joint"}),
        ('"Peking University"', {"peking"}),
        ('"university of peking"', {"joint"}),
        ("univers", set()),
        ("委CPPCC", set()),
        ('"盟 盟员"', set()),
        ('"战 部"', set()),
        ('"统 战"', {"split"}),
        ('"会 心得"', {"spaced"}),
        ('"战 读书"', {"spaced", "joint"}),
        ('"战 读"', {"spaced", "joint"}),
        ('读书会 -"战 读书"', {"minmeng", "dushu"}),
        ('"员 the"', set()),
        ('"传统 战部"', {"split"}),
        ("AND", {"symbols"}),
        ("NOT 测试", {"symbols"}),
        ("near", {"symbols"}),
    ],
)
def test_exact_results(store: Store, query: str, expected: set[str]) -> None:
    assert keys(store, query) == expected


def test_punctuation_boundary_does_not_match(store: Store) -> None:
    # "split" has 统，战部 and 民主，党派: the characters are there, the terms are not
    assert "split" not in keys(store, "民主党派")
    assert "split" not in keys(store, "统战部")
    assert "split" in keys(store, "战部动态")


def test_newest_first_with_limit(store: Store) -> None:
    ids = search.search(store.conn, "统战", limit=3)
    assert ids == [id_of(store, k) for k in ("spaced", "zuotan", "old")]
    ids_all = search.search(store.conn, "统战", limit=None)
    assert ids_all[:3] == ids and len(ids_all) == 7
    assert search.search(store.conn, "盟", limit=2) == [id_of(store, "old"), id_of(store, "mengyuan")]


def test_channel_filter(store: Store) -> None:
    assert keys(store, "统战", channel="notices") == {"zuotan"}
    assert keys(store, "民主党派", channel="notices") == {"notice", "zuotan"}
    assert keys(store, "盟", channel="news") == {"old"}


def test_newest_first_walk_of_the_date_index(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # force the strategy used for frequent terms (walk articles by date, test membership)
    monkeypatch.setattr(search, "DIRECT_LOOKUP_MAX", 0)
    assert search.search(store.conn, "统战", limit=3) == [id_of(store, k) for k in ("spaced", "zuotan", "old")]
    assert keys(store, "统战 -读书会") == {"zhanbu", "gongzuo", "old", "zuotan"}
    assert keys(store, "统战", channel="notices") == {"zuotan"}


@pytest.mark.parametrize("ratio", [1, 10**9])
def test_one_character_scan_and_walk_agree(store: Store, monkeypatch: pytest.MonkeyPatch, ratio: int) -> None:
    # ratio 1: no character is "frequent" (scan the table and sort); 10**9: all are (walk the dates)
    monkeypatch.setattr(search, "CHAR_WALK_RATIO", ratio)
    expected = [id_of(store, k) for k in ("old", "mengyuan", "minmeng")]
    assert search.search(store.conn, "盟") == expected
    assert search.search(store.conn, "盟", limit=2) == expected[:2]
    assert search.search(store.conn, "盟", channel="dept") == expected[1:]
    assert search.search(store.conn, "盟 -统战") == [id_of(store, "mengyuan")]


def test_update_and_remove(store: Store) -> None:
    changed = record("plain", body="会议由校长主持，民盟盟员列席。")
    assert store.upsert_article(changed) == "updated"
    article_id = id_of(store, "plain")
    search.index_article(store.conn, article_id, changed.title, changed.body)
    assert "plain" in keys(store, "民盟")
    assert "plain" not in keys(store, "校长 -民盟")
    search.index_article(store.conn, article_id, changed.title, "统战工作。")
    assert "plain" not in keys(store, "民盟")
    assert "plain" in keys(store, "统战 工作")
    search.remove_article(store.conn, article_id)
    assert "plain" not in keys(store, "统战")
    search.remove_article(store.conn, article_id)  # removing twice is harmless
    search.remove_article(store.conn, id_of(store, "zhanbu"))
    assert keys(store, "统战部") == {"old", "zuotan"}
    store.conn.execute("INSERT INTO articles_search (articles_search) VALUES ('integrity-check')")


def test_reindexing_the_same_text_is_a_no_op(store: Store) -> None:
    title, body, _, _ = ARTICLES["zhanbu"]
    for _ in range(3):
        search.index_article(store.conn, id_of(store, "zhanbu"), title, body)
    assert keys(store, "统战部") == {"zhanbu", "old", "zuotan"}
    store.conn.execute("INSERT INTO articles_search (articles_search) VALUES ('integrity-check')")


def test_install_indexes_existing_articles_once(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as opened:
        for key in ARTICLES:
            opened.upsert_article(record(key))
        search.install(opened.conn)
        search.install(opened.conn)
        assert keys(opened, "民主党派") == {"dangpai", "notice", "zuotan"}
        assert keys(opened, "统战 -读书会") == {"zhanbu", "gongzuo", "old", "zuotan"}
        (count,) = opened.conn.execute("SELECT count(*) FROM articles_search_text").fetchone()
        assert count == len(ARTICLES)
        assert not opened.conn.in_transaction


def test_install_catches_up_with_articles_written_without_it(store: Store) -> None:
    store.upsert_article(record("plain", url="https://dept.example.edu.cn/late.htm", body="民盟盟员来访。"))
    store.conn.execute("DELETE FROM articles WHERE id = ?", (id_of(store, "old"),))
    search.install(store.conn)
    by_id = {int(r[0]): r[1] for r in store.conn.execute("SELECT id, url FROM articles")}
    found = {by_id[i].rsplit("/", 1)[1] for i in search.search(store.conn, "民盟")}
    assert found == {"minmeng.htm", "late.htm"}
    (count,) = store.conn.execute("SELECT count(*) FROM articles_search_text").fetchone()
    assert count == len(ARTICLES)  # one added, one forgotten
    store.conn.execute("INSERT INTO articles_search (articles_search) VALUES ('integrity-check')")


def test_index_article_follows_the_callers_transaction(store: Store) -> None:
    article_id = id_of(store, "plain")
    store.conn.execute("BEGIN")
    search.index_article(store.conn, article_id, "民盟", "")
    assert "plain" in keys(store, "民盟")
    store.conn.execute("ROLLBACK")
    assert "plain" not in keys(store, "民盟")
    assert "plain" in keys(store, "校长")


def test_install_needs_the_articles_table() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    with pytest.raises(StorageError, match="no articles table"):
        search.install(conn)


def test_search_before_install_is_a_storage_error(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "bare.db")  # a database the Store never opened: no search index
    conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT, published_at TEXT)")
    with pytest.raises(StorageError, match="installed"):
        search.search(conn, "统战")
    conn.close()


def test_bigram_text() -> None:
    b = search.BOUNDARY
    assert search.bigram_text("统战部长") == "统战 战部 部长"
    assert search.bigram_text("盟") == "盟"
    assert search.bigram_text("CPPCC委员会") == "cppcc 委员 员会"
    assert search.bigram_text("统战，部长 Hello World") == f"统战 {b} 部长 {b} hello {b} world"
    assert search.bigram_text("ＣＰＰＣＣ２０２３") == "cppcc2023"
    assert search.bigram_text("，。！ ") == ""


def test_to_fts_query() -> None:
    assert search.to_fts_query("统战部") == '"统战 战部"'
    assert search.to_fts_query("统战 读书会 -民盟") == '("统战" AND "读书 书会") NOT ("民盟")'
    assert search.to_fts_query("CPPCC委") == '"cppcc 委" *'
    assert search.to_fts_query("盟") is None
    assert search.to_fts_query("盟 -统战") is None
    assert search.to_fts_query('AND "OR" (NOT) *') == '"and" AND "or" AND "not"'


@pytest.mark.parametrize("query", ["", "   ", "，。！", "*", '"', "()", "-统战", "-", "- -盟", "^:"])
def test_unusable_queries_raise_a_clear_error(store: Store, query: str) -> None:
    with pytest.raises(SearchQueryError, match="search"):
        search.search(store.conn, query)


@pytest.mark.parametrize(
    "query",
    ['"统战', "统战)", "(统战", "^统战", "统战*", "NEAR(统战 民盟)", "title:统战", "OR 统战", '统战"读书会', "AND NOT"],
)
def test_fts_syntax_is_plain_text(store: Store, query: str) -> None:
    assert isinstance(search.search(store.conn, query), list)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet='统战"()*^:-+ NEARORANDOT民盟，\u3000', max_size=20))
def test_no_sqlite_error_escapes(store: Store, query: str) -> None:
    try:
        result = search.search(store.conn, query)
    except SearchQueryError:
        return
    assert isinstance(result, list)


# --- property: the index answers exactly what a substring scan answers ---------------------------

ALPHABET = "统战民盟党外派部"
TEXT = st.text(alphabet=ALPHABET + "，。 a", max_size=30)
TERM = st.text(alphabet=ALPHABET, min_size=1, max_size=4)


def memory_db(rows: list[tuple[str, str]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT, published_at TEXT, channel TEXT)"
    )
    search.install(conn)
    for i, (title, body) in enumerate(rows, start=1):
        conn.execute("INSERT INTO articles VALUES (?, ?, ?, ?, 'c')", (i, title, body, f"2023-01-{i:02d}"))
        search.index_article(conn, i, title, body)
    return conn


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=12),
    include=st.lists(TERM, min_size=1, max_size=3),
    exclude=st.lists(TERM, max_size=2),
)
def test_search_equals_substring_scan(rows: list[tuple[str, str]], include: list[str], exclude: list[str]) -> None:
    conn = memory_db(rows)
    query = " ".join(include + [f"-{term}" for term in exclude])
    expected = [
        i
        for i, (title, body) in reversed(list(enumerate(rows, start=1)))
        if all(t in title or t in body for t in include) and not any(t in title or t in body for t in exclude)
    ]
    assert search.search(conn, query, limit=None) == expected
    assert search.search(conn, query, limit=2) == expected[:2]


def test_no_phrase_across_punctuation_even_when_bigrams_chain() -> None:
    # 统战，战部 indexes 统战 and 战部 next to each other but for the boundary token between them
    conn = memory_db([("统战，战部", "民主党，党派"), ("统战部", "民主党派")])
    assert search.search(conn, "统战部") == [2]
    assert search.search(conn, "民主党派") == [2]
    assert search.search(conn, '"统战 战部"') == [1]


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.tuples(st.text("统战部，", max_size=12), st.text("统战部 ", max_size=12)), min_size=1, max_size=6),
    term=st.text("统战部", min_size=1, max_size=4),
)
def test_small_alphabet_substring_scan(rows: list[tuple[str, str]], term: str) -> None:
    conn = memory_db(rows)
    expected = [i for i, (title, body) in reversed(list(enumerate(rows, start=1))) if term in title or term in body]
    assert search.search(conn, term, limit=None) == expected
