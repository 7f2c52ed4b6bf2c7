"""Content identity and near-duplicate stories."""

from __future__ import annotations

import random

import pytest

from harvester.dedupe import Decision, StoryIndex, choose_bands, content_key

BODY = (
    "5月12日，学校召开2023年度科研工作会议，总结过去一年的科研成果，部署新一年的重点任务。"
    "校长在讲话中指出，要坚持以高质量发展为主线，加强基础研究和应用研究，推动科研成果转化，"
    "服务地方经济社会发展。会议还表彰了一批优秀科研团队和个人。与会人员表示，将以此次会议为契机，"
    "进一步凝聚共识，奋力开创学校科研工作新局面。"
)
OTHER = (
    "5月12日，学校举行2023年春季田径运动会开幕式，全校师生三千余人参加。本届运动会设田径、"
    "趣味项目等共四十余项比赛，旨在展示师生积极向上的精神风貌。校长在致辞中希望运动员赛出风格、"
    "赛出水平，裁判员公平公正。开幕式上，各学院代表队依次入场，精彩的表演赢得阵阵掌声。"
)
TITLE = "学校召开2023年度科研工作会议"


def test_content_key_is_a_hex_digest_for_a_substantial_body() -> None:
    key = content_key(TITLE, BODY)
    assert key is not None
    assert len(key) == 32
    assert int(key, 16) >= 0


@pytest.mark.parametrize(
    "body",
    [
        "",
        "详见附件",
        "详见附件。\n附件：2023年研究生招生简章.pdf",
        "附件1：关于开展2023年度教学成果奖评选工作的通知.docx\n附件2：教学成果奖申报书模板.doc\n"
        "附件3：推荐汇总表.xlsx\n附件4：申报材料目录及装订顺序说明.pdf\n附件5：评审指标体系及评分细则.pdf",
        "本报讯（记者 王明）\n编辑：张三\n审核：李四",
        "原文链接：https://mp.weixin.qq.com/s/AbCdEf",
        "学校召开会议。" * 5,
    ],
)
def test_content_key_is_none_for_short_or_attachment_only_bodies(body: str) -> None:
    assert content_key("关于开展2023年度教学成果奖评选工作的通知", body) is None


def test_content_key_ignores_repost_markers_title_and_spacing() -> None:
    repost = f"本报讯（记者 王明）{BODY.replace('，', ',')}\n（完）\n编辑：张三\n审核：李四"
    assert content_key("我校召开科研工作会议", repost) == content_key(TITLE, BODY)
    assert content_key(TITLE, f"{TITLE}\n{BODY}") == content_key(TITLE, BODY)


def test_content_key_differs_for_different_bodies() -> None:
    assert content_key(TITLE, BODY) != content_key(TITLE, OTHER)
    assert content_key(TITLE, BODY) != content_key(TITLE, BODY.replace("一批", "两批"))


def test_choose_bands_for_the_default_threshold() -> None:
    assert choose_bands(0.7, 128) == (21, 6)
    bands, rows = choose_bands(0.9, 128)
    assert bands * rows <= 128 and rows > 6


def test_a_repost_with_dateline_editor_line_and_new_title_joins_the_story() -> None:
    index = StoryIndex()
    assert index.add(1, "news", TITLE, BODY) == Decision(1, 0.0, "new")
    repost = f"本报讯（记者 王明）{BODY.replace('推动科研成果转化', '推动科技成果转化')}\n编辑：张三\n审核：李四"
    decision = index.add(2, "news", "我校召开2023年度科研工作会议", repost)
    assert decision.story == 1
    assert 0.8 <= decision.similarity < 1.0
    assert decision.reason.startswith("near-duplicate of #1 (jaccard 0.")


def test_whitespace_and_full_width_variants_are_the_same_content() -> None:
    index = StoryIndex()
    index.add(1, "news", TITLE, BODY)
    variant = BODY.replace("，", ",").replace("。", "。\n\u3000\u3000").replace("2023", "２０２３")
    assert index.add(2, "news", TITLE, variant) == Decision(1, 1.0, "same-content")


def test_two_articles_from_one_template_stay_apart() -> None:
    index = StoryIndex()
    template = (
        "各学院、各部门：为进一步加强学校{what}工作，经研究，决定召开{what}工作会议。现将有关事项通知如下：{details}"
    )
    first = template.format(
        what="实验室安全",
        details="一、会议时间：5月12日下午两点。二、会议地点：图书馆报告厅。三、参会人员：各学院分管实验室安全的副院长、"
        "实验中心主任及安全员。请各单位高度重视，按时参会，不得缺席，确需请假者向保卫处书面说明理由。",
    )
    second = template.format(
        what="研究生招生",
        details="一、会议时间：6月3日上午九点。二、会议地点：行政楼第一会议室。三、参会人员：各培养单位研究生秘书、"
        "学科带头人及导师代表。会议将通报今年复试录取安排，请提前准备本单位的招生计划和调剂方案。",
    )
    assert index.add(1, "notice", "关于召开实验室安全工作会议的通知", first).reason == "new"
    assert index.add(2, "notice", "关于召开研究生招生工作会议的通知", second).reason == "new"


def test_same_title_with_a_different_body_is_a_different_story() -> None:
    index = StoryIndex()
    index.add(1, "news", TITLE, BODY)
    assert index.add(2, "news", TITLE, OTHER) == Decision(2, 0.0, "new")


def test_recurring_titles_with_different_bodies_stay_apart() -> None:
    index = StoryIndex()
    index.add(1, "news", "读书会（第3期）", BODY)
    assert index.add(2, "news", "读书会（第4期）", OTHER).story == 2


def test_the_same_text_in_two_channels_is_two_stories() -> None:
    index = StoryIndex()
    index.add(1, "news", TITLE, BODY)
    assert index.add(2, "notices", TITLE, BODY) == Decision(2, 0.0, "new")
    assert index.add(3, "notices", TITLE, BODY) == Decision(2, 1.0, "same-content")


def test_short_bodies_never_join_a_story() -> None:
    index = StoryIndex()
    assert index.add(1, "notices", "关于2023年招生的通知", "详见附件") == Decision(1, 0.0, "too-short")
    assert index.add(2, "notices", "关于2023年招生的通知", "详见附件") == Decision(2, 0.0, "too-short")
    assert index.signature(1) is None
    assert len(index) == 2 and 2 in index


def test_an_article_joins_the_story_of_its_match_not_a_new_one() -> None:
    index = StoryIndex()
    index.add(10, "news", TITLE, BODY)
    index.add(11, "news", TITLE, "本报讯（记者 王明）" + BODY)
    third = index.add(12, "news", TITLE, BODY.replace("表彰了一批", "表彰了多个"))
    assert third.story == 10


def test_adding_an_id_twice_is_an_error() -> None:
    index = StoryIndex()
    index.add(1, "news", TITLE, BODY)
    with pytest.raises(ValueError, match="#1 was already added"):
        index.add(1, "news", TITLE, OTHER)
    with pytest.raises(ValueError, match="#5 was already added"):
        index.add_many([(5, "news", TITLE, OTHER), (5, "news", TITLE, OTHER)])
    with pytest.raises(KeyError):
        index.signature(99)


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.0, 128), (1.5, 128), (0.7, 4)])
def test_invalid_parameters_are_refused(threshold: float, num_perm: int) -> None:
    with pytest.raises(ValueError):
        StoryIndex(threshold=threshold, num_perm=num_perm)


# --- a deterministic labelled corpus ------------------------------------------------------

_SUBJECTS = [
    "学校党委",
    "校长",
    "各学院",
    "研究生院",
    "教务处",
    "科技处",
    "学生工作部",
    "团委",
    "图书馆",
    "机械工程学院",
    "计算机学院",
    "化学化工学院",
]
_VERBS = ["召开", "部署", "推进", "总结", "研究", "落实", "举办", "组织", "开展", "启动", "表彰", "审议"]
_OBJECTS = [
    "实验室安全检查",
    "本科教学质量评估",
    "研究生招生复试",
    "科研项目申报",
    "校园文化艺术节",
    "新生入学教育",
    "毕业生就业服务",
    "师德师风建设",
    "学科评估材料",
    "国际交流合作",
    "疫情防控演练",
    "校友座谈会",
]
_DETAILS = [
    "会议指出",
    "要求各单位",
    "与会人员认为",
    "据统计",
    "活动期间",
    "下一步",
    "会上",
    "此次活动",
    "目前",
    "截至目前",
    "按照计划",
    "结合实际",
]
_NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "百余", "千余"]


def _sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(_DETAILS)}，{rng.choice(_SUBJECTS)}{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}"
        f"工作，共有{rng.choice(_NUMBERS)}{rng.choice(_NUMBERS)}名师生参加，"
        f"{rng.choice(_SUBJECTS)}负责人{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('明华伟洋静帆磊丽强敏')}"
        f"{rng.choice(_VERBS)}了{rng.choice(_OBJECTS)}的{rng.choice(['进展', '安排', '经验', '问题', '成效'])}。"
    )


def _article(rng: random.Random) -> tuple[str, str]:
    title = f"{rng.choice(_SUBJECTS)}{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}工作"
    body = "".join(_sentence(rng) for _ in range(rng.randint(6, 14)))
    return title, body


def _light_edit(rng: random.Random, title: str, body: str) -> tuple[str, str]:
    chars = list(body)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(chars))
        chars[at : at + rng.randint(0, 2)] = list(rng.choice(["的", "我校", "", "积极"]))
    body = "".join(chars)
    if rng.random() < 0.5:
        body = f"本报讯（记者 {rng.choice(['王明', '李华'])} 通讯员 张伟）{body}"
    if rng.random() < 0.5:
        body = f"{body}\n（完）\n责任编辑：张三\n审核：李四"
    if rng.random() < 0.3:
        body = body.replace("，", ",").replace("。", "。\n\u3000\u3000")
    if rng.random() < 0.5:
        title = "我校" + title
    return title, body


def _labelled_pairs(count: int, seed: int = 20230512) -> list[tuple[tuple[str, str], tuple[str, str], bool]]:
    rng = random.Random(seed)
    pairs = []
    for number in range(count):
        first = _article(rng)
        if number % 2 == 0:
            pairs.append((first, _light_edit(rng, *first), True))
        else:
            second = _article(rng)
            if number % 4 == 1:
                second = (first[0], second[1])  # same title, different body
            pairs.append((first, second, False))
    return pairs


def test_precision_and_recall_on_a_labelled_set() -> None:
    pairs = _labelled_pairs(300)
    index = StoryIndex()
    outcomes = []
    for number, ((t1, b1), (t2, b2), same) in enumerate(pairs):
        first_id, second_id = 2 * number + 1, 2 * number + 2
        index.add(first_id, f"ch{number}", t1, b1)
        outcomes.append((index.add(second_id, f"ch{number}", t2, b2).story == first_id, same))
    true_pos = sum(1 for predicted, same in outcomes if predicted and same)
    predicted_pos = sum(1 for predicted, _ in outcomes if predicted)
    actual_pos = sum(1 for _, same in outcomes if same)
    assert actual_pos == 150 and len(outcomes) - actual_pos == 150
    assert true_pos / predicted_pos >= 0.99
    assert true_pos / actual_pos >= 0.99


def test_the_labelled_negatives_really_overlap() -> None:
    """The negatives come from shared phrase tables, so they are not trivially far apart."""
    index = StoryIndex(threshold=0.2)
    merged = 0
    for number, ((t1, b1), (t2, b2), same) in enumerate(_labelled_pairs(80)):
        if not same:
            index.add(2 * number + 1, f"ch{number}", t1, b1)
            merged += index.add(2 * number + 2, f"ch{number}", t2, b2).story == 2 * number + 1
    assert merged >= 5


def _corpus(count: int, seed: int) -> list[tuple[int, str, str, str]]:
    rng = random.Random(seed)
    articles: list[tuple[int, str, str, str]] = []
    for article_id in range(1, count + 1):
        channel = f"ch{rng.randrange(3)}"
        if articles and rng.random() < 0.3:
            _, channel, title, body = rng.choice(articles)
            title, body = _light_edit(rng, title, body)
        elif rng.random() < 0.1:
            title, body = "关于公布2023年招生结果的通知", "详见附件"
        else:
            title, body = _article(rng)
        articles.append((article_id, channel, title, body))
    return articles


def test_add_many_gives_the_decisions_of_one_at_a_time() -> None:
    articles = _corpus(300, seed=1)
    one_by_one = StoryIndex()
    expected = [one_by_one.add(*article) for article in articles]
    assert StoryIndex().add_many(articles) == expected
    assert sum(d.reason.startswith("near-duplicate") for d in expected) > 20
    assert sum(d.reason == "too-short" for d in expected) > 10


def test_restore_from_signatures_gives_the_same_decisions() -> None:
    articles = _corpus(400, seed=2)
    old, new = articles[:300], articles[300:]
    original = StoryIndex()
    stories = {d.story for d in original.add_many(old)}
    rows = [(a, ch, original.story(a), original.signature(a)) for a, ch, _, _ in old]
    restored = StoryIndex.restore(rows)
    assert len(restored) == len(original) and len(stories) < len(old)
    assert [restored.signature(a) for a, _, _, _ in old] == [r[3] for r in rows]
    assert restored.add_many(new) == original.add_many(new)


def test_restore_refuses_foreign_signatures() -> None:
    with pytest.raises(ValueError, match="version-1 signature"):
        StoryIndex.restore([(1, "news", 1, b"\x02" + bytes(272))])
    with pytest.raises(ValueError, match="version-1 signature"):
        StoryIndex.restore([(1, "news", 1, b"\x01" + bytes(10))])
