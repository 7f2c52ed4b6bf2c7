"""Harvest behaviour on small hand-made sites served on 127.0.0.1: split articles, e-paper issues."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from harvester.config import load_config
from harvester.harvest import Harvester
from harvester.store import Store

Site = dict[str, str]  # path -> HTML


@pytest.fixture
def serve() -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(site: Site) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = site.get(self.path)
                body = (page or "<html><title>404</title></html>").encode("utf-8")
                self.send_response(200 if page is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def harvest(tmp_path: Path, url: str, preset: str) -> list[dict[str, Any]]:
    config_file = tmp_path / "sources.yaml"
    config_file.write_text(
        "channels: [{id: provincial, label: 上级部门}]\n"
        f"sources: [{{id: s, channel: provincial, preset: {preset}, urls: ['{url}']}}]\n"
        "fetch: {delay: 0, per_host: 2}\n",
        encoding="utf-8",
    )
    config = load_config(config_file)
    with Store(config.database) as store:
        Harvester(config, store).run()
        return list(store.iter_articles())


def trs_part(number: int, count: int) -> str:
    return (
        '<html><head><meta name="ArticleTitle" content="山东理工大学召开统战工作会议">'
        '<meta name="PubDate" content="2023-05-12 10:20"></head><body>'
        f'<div class="TRS_Editor"><p>第{number + 1}部分的正文内容。</p></div>'
        f"<script>var currentPage = {number};var countPage = {count};"
        'createPageHTML(countPage, currentPage, "t20230512_100", "html");</script></body></html>'
    )


def test_a_split_trs_article_is_stored_whole(tmp_path: Path, serve: Any) -> None:
    site = {
        "/gxtz/index.html": (
            '<html><body><div class="list"><ul><li><a href="./202305/t20230512_100.html">'
            "山东理工大学召开统战工作会议</a><span>2023-05-12</span></li></ul></div>"
            '<script>var currentPage = 0;var countPage = 1;createPageHTML(countPage, currentPage, "index", "html");'
            "</script></body></html>"
        ),
        "/gxtz/202305/t20230512_100.html": trs_part(0, 3),
        "/gxtz/202305/t20230512_100_1.html": trs_part(1, 3),
        "/gxtz/202305/t20230512_100_2.html": trs_part(2, 3),
    }
    rows = harvest(tmp_path, serve(site) + "/gxtz/index.html", "trs")
    assert [r["body"] for r in rows] == ["第1部分的正文内容。\n第2部分的正文内容。\n第3部分的正文内容。"]
    assert rows[0]["published_at"] == "2023-05-12T10:20:00+08:00" and rows[0]["detail_status"] == "ok"


def epaper_page(number: int, articles: list[int]) -> str:
    links = "".join(f'<li><a href="content_{a}.htm">第{a}篇报道</a></li>' for a in articles)
    pages = "".join(f'<a href="node_{n}.htm">第0{n - 1}版</a>' for n in (2, 3, 4))
    return f'<html><body><div id="版面导航">{pages}</div><ul class="founder-list">{links}</ul></body></html>'


def test_an_epaper_ad_page_does_not_end_the_issue(tmp_path: Path, serve: Any) -> None:
    site = {
        "/html/2023-05/12/node_2.htm": epaper_page(2, [1, 2]),
        "/html/2023-05/12/node_3.htm": epaper_page(3, []),  # a full-page advertisement
        "/html/2023-05/12/node_4.htm": epaper_page(4, [3]),
        **{
            f"/html/2023-05/12/content_{a}.htm": (
                f'<html><body><div class="founder-title">第{a}篇报道</div><div id="ozoom"><p>报道{a}的正文。</p></div>'
                "</body></html>"
            )
            for a in (1, 2, 3)
        },
    }
    rows = harvest(tmp_path, serve(site) + "/html/2023-05/12/node_2.htm", "epaper")
    assert sorted(r["title"] for r in rows) == ["第1篇报道", "第2篇报道", "第3篇报道"]
    assert {r["published_at"] for r in rows} == {"2023-05-12"}


def vsb_list(rows: int) -> str:
    items = "".join(
        f'<li id="line_u7_{n}"><a href="info/1001/{100 + n}.htm" title="统战部工作动态{n}">统战部工作动态{n}</a>'
        f'<span class="timestyle110144">2023-05-{10 + n:02d}</span></li>'
        for n in range(rows)
    )
    script = '<script src="/system/resource/js/ajax.js"></script>'
    return f'<html><body>{script}<ul class="winstyle110144">{items}</ul></body></html>'


def test_a_redesigned_column_raises_the_alarm_instead_of_quietly_counting_less(tmp_path: Path, serve: Any) -> None:
    site = {"/gzdt.htm": vsb_list(3)}
    site.update(
        {
            f"/info/1001/{100 + n}.htm": '<html><body><form name="_newscontent_fromname"><h1>统战部工作动态'
            f'{n}</h1><div>发布时间：2023-05-{10 + n:02d}</div><div class="v_news_content"><p>正文。</p></div></form>'
            "</body></html>"
            for n in range(3)
        }
    )
    url = serve(site) + "/gzdt.htm"
    assert len(harvest(tmp_path, url, "vsb")) == 3
    site["/gzdt.htm"] = '<html><body><div class="new-cms"><p>网站改版中</p></div></body></html>'  # the redesign
    config = load_config(tmp_path / "sources.yaml")
    with Store(config.database) as store:
        summary = Harvester(config, store).run()
        problems = [r["message"] for r in store.conn.execute("SELECT message FROM problems WHERE kind = 'redesign'")]
    assert summary.sources[0].warnings == problems
    assert problems and "yields no entries (it had 3 before" in problems[0]
