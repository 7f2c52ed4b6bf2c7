"""Phrase tables and the generators of titles and bodies of the demo world.

Everything is drawn from a :class:`random.Random` the caller seeds, so the same seed gives
the same text. Two vocabularies never mix: ``uf`` text (the united-front department's work)
always names one of :data:`UF_TERMS`; ``other`` text (other departments) never names any.
"""

from __future__ import annotations

import random

UF_TERMS = ("统战", "统一战线", "民主党派", "党外", "欧美同学会", "知联会")

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力永健世广志义兴良海山仁波宁贵福生龙元"
    "全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承"
    "乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致"
    "树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
PLACES = (
    "淄博",
    "济南",
    "青岛",
    "临沂",
    "潍坊",
    "烟台",
    "威海",
    "日照",
    "泰安",
    "聊城",
    "德州",
    "滨州",
    "东营",
    "枣庄",
    "菏泽",
    "济宁",
)
PARTIES = ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟")
COLLEGES = (
    "机械工程学院",
    "交通与车辆工程学院",
    "农业工程与食品科学学院",
    "电气与电子工程学院",
    "计算机科学与技术学院",
    "化学化工学院",
    "材料科学与工程学院",
    "建筑工程与空间信息学院",
    "资源与环境工程学院",
    "数学与统计学院",
    "物理与光电工程学院",
    "生命与医药学院",
    "经济学院",
    "管理学院",
    "文学与新闻传播学院",
    "外国语学院",
    "法学院",
    "美术学院",
    "音乐学院",
    "体育与健康学院",
)
UF_EVENTS = (
    "民主党派工作座谈会",
    "党外代表人士情况通报会",
    "统一战线理论研讨会",
    "党外知识分子建言献策座谈会",
    "民主党派基层组织负责人培训班",
    "统战干部业务培训会",
    "党外人士国情考察活动",
    "统战团体工作规范化提升行动推进会",
)
UF_TOPICS = (
    "中央统战工作会议精神",
    "《中国共产党统一战线工作条例》",
    "省委统战工作会议精神",
    "党的二十大精神",
    "“凝心铸魂强根基、团结奋进新征程”主题教育",
    "新时代爱国统一战线理论",
)
OTHER_EVENTS = (
    "科研项目推进会",
    "本科教学工作会议",
    "招生宣传工作部署会",
    "学术报告会",
    "研究生学位论文答辩会",
    "实验室安全检查",
    "毕业生就业双选会",
    "校园开放日活动",
    "教师教学能力大赛",
    "春季田径运动会",
    "新生开学典礼",
    "校企合作签约仪式",
    "国际学术研讨会",
    "大学生创新创业大赛",
    "师德师风专题报告会",
    "图书馆读书月活动",
)
OTHER_TOPICS = (
    "人才培养方案修订",
    "一流学科建设",
    "科研平台建设",
    "实验教学改革",
    "毕业生就业创业",
    "校园安全稳定",
    "课程思政建设",
    "产学研协同创新",
    "新工科建设",
    "研究生教育质量提升",
)
COMPETITIONS = (
    "全国大学生数学建模竞赛",
    "中国国际大学生创新大赛",
    "全国大学生电子设计竞赛",
    "“挑战杯”全国大学生课外学术科技作品竞赛",
    "全国大学生机械创新设计大赛",
    "山东省大学生科技节",
)

UF_TITLES = (
    "统战部召开{year}年{uf_event}",
    "学校举办{uf_event}",
    "党外代表人士读书会（第{n}期）举行",
    "{party}山东理工大学委员会召开{year}年全体成员大会",
    "{party}支部开展{uf_topic}专题学习",
    "党外知识分子联谊会赴{place}开展调研",
    "欧美同学会举办留学归国人员座谈会",
    "统战部组织学习{uf_topic}",
    "学校召开党外代表人士座谈会征求意见建议",
    "知联会理事赴{place}开展社会服务活动",
    "{party}成员获评{place}市优秀政协委员",
    "统战部开展{uf_topic}宣讲活动",
)
OTHER_TITLES = (
    "{college}召开{event}",
    "{college}举办{year}年{event}",
    "学校召开{topic}工作推进会",
    "我校学子在{competition}中获佳绩",
    "{college}开展{topic}专题研讨",
    "学校举行{year}年{event}",
    "{college}与{place}企业签署校企合作协议",
    "我校获批{count}项国家自然科学基金项目",
    "{college}教师团队在{topic}方面取得新进展",
    "学校领导赴{college}调研{topic}工作",
)

NOTICE_TITLES = (
    "关于开展{year}年度{uf_topic}学习活动的通知",
    "关于推荐{year}年度党外代表人士人选的通知",
    "关于召开{uf_event}的通知",
    "关于报送{year}年度民主党派成员信息统计报表的通知",
    "关于举办党外代表人士读书会（第{n}期）的通知",
    "关于征集{year}年统一战线理论研究课题的通知",
    "关于做好{year}年度欧美同学会会员登记工作的通知",
    "关于组织党外知识分子赴{place}开展考察调研的通知",
)
UF_SENTENCES = (
    "{date}，{event}在{room}召开，{leader}出席会议并讲话。",
    "会上，{name}传达了{topic}，并结合学校实际提出了具体要求。",
    "{party}、{party2}基层组织负责人和党外知识分子代表{count}余人参加活动。",
    "{leader}指出，要深入学习贯彻{topic}，巩固和发展最广泛的爱国统一战线。",
    "与会人员围绕学校{other_topic}等问题踊跃发言，提出意见建议{count}条。",
    "{name}代表{party}介绍了近期参政议政和社会服务工作情况。",
    "此次活动由统战部主办，{college}协办，{name}主持。",
    "大家一致表示，将以此次活动为契机，发挥党外人士智力密集优势，为学校高质量发展贡献力量。",
    "活动期间，党外知识分子联谊会成员赴{place}实地考察，了解当地产业发展情况。",
    "欧美同学会会员{name}结合留学经历，分享了在{other_topic}方面的体会。",
    "统战部将持续做好党外代表人士队伍建设工作，推动统战工作提质增效。",
    "{name}围绕{topic}作专题辅导，内容丰富、深入浅出。",
    "知联会理事{name}、{name2}分别作交流发言。",
    "本期读书会共读《{book}》，{count}位党外代表人士参加。",
)
OTHER_SENTENCES = (
    "{date}，{event}在{room}举行，{leader}出席并讲话。",
    "{college}全体教师和研究生代表{count}余人参加。",
    "{leader}强调，要围绕{other_topic}目标任务，压实责任，狠抓落实。",
    "会上，{name}汇报了学院{other_topic}工作进展，{name2}作了交流发言。",
    "近年来，{college}在{other_topic}方面持续发力，取得了一系列标志性成果。",
    "本次活动吸引了来自{place}等地的{count}家单位参加。",
    "参赛学生{name}、{name2}等组成的团队获得一等奖{count}项。",
    "据悉，该项目依托学校重点实验室开展，累计投入经费{count}万元。",
    "活动现场气氛热烈，同学们纷纷表示收获颇丰。",
    "下一步，学校将进一步完善工作机制，推动{other_topic}再上新台阶。",
    "{name}教授作题为“{book}”的学术报告，与师生进行了深入交流。",
    "此次会议为学院下一阶段{other_topic}工作指明了方向。",
)
ROOMS = ("行政楼第一会议室", "图书馆报告厅", "逸夫楼学术报告厅", "西校区会议中心", "稷下湖畔会议室", "东校区体育馆")
BOOKS = ("习近平谈治国理政", "乡土中国", "大国之道", "中华文明史", "人类简史", "科学革命的结构", "平凡的世界")


def person(rng: random.Random) -> str:
    """A Chinese personal name: a surname and one or two given characters."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _slots(rng: random.Random, year: int) -> dict[str, str]:
    party, party2 = rng.sample(PARTIES, 2)
    return {
        "year": str(year),
        "n": str(rng.randint(1, 12)),
        "party": party,
        "party2": party2,
        "place": rng.choice(PLACES),
        "college": rng.choice(COLLEGES),
        "uf_event": rng.choice(UF_EVENTS),
        "uf_topic": rng.choice(UF_TOPICS),
        "event": rng.choice(OTHER_EVENTS),
        "topic": rng.choice(OTHER_TOPICS),
        "other_topic": rng.choice(OTHER_TOPICS),
        "competition": rng.choice(COMPETITIONS),
        "count": str(rng.randint(3, 96)),
        "name": person(rng),
        "name2": person(rng),
        "leader": "校党委副书记" + person(rng),
        "room": rng.choice(ROOMS),
        "book": rng.choice(BOOKS),
    }


def make_notice(rng: random.Random, year: int) -> str:
    """The title of a notice (通知公告) of the united-front department."""
    return rng.choice(NOTICE_TITLES).format(**_slots(rng, year))


def make_title(rng: random.Random, topic: str, year: int) -> str:
    """A news title about the united-front work (``topic="uf"``) or another department."""
    table = UF_TITLES if topic == "uf" else OTHER_TITLES
    return rng.choice(table).format(**_slots(rng, year))


def make_body(rng: random.Random, topic: str, day: str) -> list[str]:
    """Three to five paragraphs (a few hundred characters) on ``topic``; ``day`` reads like 5月12日."""
    sentences = UF_SENTENCES if topic == "uf" else OTHER_SENTENCES
    paragraphs = []
    for index in range(rng.randint(3, 5)):
        slots = _slots(rng, 2023)
        slots["date"] = day
        slots["topic"] = slots["uf_topic"] if topic == "uf" else slots["other_topic"]
        slots["event"] = slots["uf_event"] if topic == "uf" else slots["event"]
        picked = rng.sample(sentences[1:], rng.randint(2, 4))
        first = [sentences[0]] if index == 0 else []
        paragraphs.append("".join(s.format(**slots) for s in first + picked))
    if topic == "uf" and not any(term in "".join(paragraphs) for term in UF_TERMS):
        paragraphs.append("统战部将持续做好党外代表人士队伍建设工作。")
    return paragraphs
