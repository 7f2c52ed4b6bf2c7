"""Story assignment in batches: same URL within a channel, near-duplicate content, and repair after a crash."""

from __future__ import annotations

from pathlib import Path

from harvester.config import load_config
from harvester.harvest import Harvester
from harvester.store import ArticleRecord, Store

BODY = (
    "5月12日，学校党委统战部召开党外代表人士座谈会，校党委副书记出席会议并讲话。会上，各民主党派基层组织负责人"
    "和党外知识分子代表围绕学校事业发展、人才培养和科研创新等方面建言献策，提出了许多有价值的意见和建议。"
)


def test_pending_articles_get_their_stories_when_the_next_run_starts(tmp_path: Path) -> None:
    config_file = tmp_path / "sources.yaml"
    config_file.write_text(
        "channels: [{id: department, label: 部门}, {id: campus, label: 校园}]\n"
        "sources:\n"
        "  - {id: a, channel: department, urls: ['http://127.0.0.1:9/a.htm']}\n"
        "  - {id: b, channel: department, urls: ['http://127.0.0.1:9/b.htm']}\n"
        "  - {id: c, channel: campus, urls: ['http://127.0.0.1:9/c.htm']}\n",
        encoding="utf-8",
    )
    config = load_config(config_file)
    rows = [
        ArticleRecord("http://x/1.htm", "a", "department", "座谈会", "2023-05-12", BODY),
        ArticleRecord("http://x/1.htm", "b", "department", "座谈会", "2023-05-12", BODY),  # same URL, other column
        ArticleRecord("http://x/9.htm", "a", "department", "附件", "2023-05-12", "详见附件"),  # too short: alone
        ArticleRecord(
            "http://y/5.htm", "b", "department", "座谈会（图）", "2023-05-13", "本报讯 " + BODY + "\n编辑：王明"
        ),
        ArticleRecord("http://z/7.htm", "c", "campus", "座谈会", "2023-05-12", BODY),  # another channel: never merged
    ]
    with Store(config.database) as store:
        for row in rows:  # what a killed run leaves behind: articles stored, no story yet
            store.upsert_article(row)
        assert len(store.pending_stories()) == 5
        Harvester(config, store).assign_stories()
        assert store.pending_stories() == []
        stories = {(r["source"], r["url"]): (r["story"], r["story_reason"]) for r in store.iter_articles()}
    first = stories["a", "http://x/1.htm"][0]
    assert stories["b", "http://x/1.htm"] == (first, f"same URL as #{first}")
    assert stories["b", "http://y/5.htm"][0] == first and stories["b", "http://y/5.htm"][1] != "new"
    assert stories["a", "http://x/9.htm"][0] != first
    assert stories["c", "http://z/7.htm"][0] != first
