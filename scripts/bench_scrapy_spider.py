"""A hand-written Scrapy spider for the demo world: the benchmark's point of comparison.

It does what a competent scraper author would write for these three sites: follow the
pagers (VSB 下页, WebPlus a.next, TRS createPageHTML), follow article links, extract title,
date and body text with CSS selectors, and export items as JSON lines. It does less than
harvester (no date normalisation, no charset repair beyond Scrapy's, no store, no dedupe).

Run by scripts/bench.py:  scrapy runspider bench_scrapy_spider.py -a config=sources.yaml -O items.jl
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
import yaml

COUNT_PAGE = re.compile(r"countPage\s*=\s*(\d+)")
CURRENT_PAGE = re.compile(r"currentPage\s*=\s*(\d+)")
DATE = re.compile(r"(20\d\d)[-/年.](\d{1,2})[-/月.](\d{1,2})")


class DemoSpider(scrapy.Spider):
    name = "demo"
    custom_settings = {  # noqa: RUF012
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 64,
        "DOWNLOAD_DELAY": 0,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }

    def __init__(self, config: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with open(config, encoding="utf-8") as handle:
            self.sources = yaml.safe_load(handle)["sources"]

    def _request(self, url: str, callback: Any, **meta: Any) -> scrapy.Request:
        # one download slot per origin (host:port), each limited by CONCURRENT_REQUESTS_PER_DOMAIN:
        # the same per-host limit harvester applies (set with -s on the command line)
        slot = urlsplit(url).netloc
        return scrapy.Request(url, callback=callback, meta={"download_slot": slot, **meta})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            for url in source["urls"]:
                yield self._request(url, self.parse_list, source=source["id"])

    def parse_list(self, response: scrapy.http.Response) -> Iterator[scrapy.Request]:
        source = response.meta["source"]
        home = urlsplit(response.url).netloc
        rows = response.css("li[id^=line_u] > a, tr[id^=line_u] a, .news_title a, div.list > ul > li > a")
        for link in rows:
            url = response.urljoin(link.attrib.get("href", ""))
            if urlsplit(url).netloc == home and "download.jsp" not in url:
                yield self._request(url, self.parse_article, source=source)
        next_link = response.xpath("//a[contains(., '下页') or contains(., '下一页')]/@href").get()
        if next_link and not next_link.startswith("javascript"):
            yield self._request(response.urljoin(next_link), self.parse_list, source=source)
        count, current = COUNT_PAGE.search(response.text), CURRENT_PAGE.search(response.text)
        if count and current and int(current.group(1)) + 1 < int(count.group(1)):
            following = f"index_{int(current.group(1)) + 1}.html"
            yield self._request(response.urljoin(following), self.parse_list, source=source)

    def parse_article(self, response: scrapy.http.Response) -> Iterator[dict[str, Any]]:
        title = (
            response.css("meta[name=ArticleTitle]::attr(content)").get()
            or response.css("h1.arti_title::text, form[name=_newscontent_fromname] h1::text, h1::text, h2::text").get()
            or ""
        )
        texts = response.css(".v_news_content ::text, .wp_articlecontent ::text, .TRS_Editor ::text").getall()
        body = " ".join(t.strip() for t in texts)
        meta = " ".join(response.css(".arti_metas ::text, .info ::text, meta[name=PubDate]::attr(content)").getall())
        found = DATE.search(meta) or DATE.search(response.text)
        yield {
            "source": response.meta["source"],
            "url": response.url,
            "title": title.strip(),
            "date": "-".join(found.groups()) if found else None,
            "body": body,
        }
