"""The synthetic 红色地名 corpus and the query kinds measured on it (deterministic for a seed)."""

import random

from pypinyin import Style, lazy_pinyin

from app.search import SearchDocument

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
PLACE_CHARS = "东西南北上下前后大小新高山河水泉湖石桥沙柳杏枣桃梨槐松青白红黄龙凤马牛羊鹿官"
VILLAGE_SUFFIX = [
    "庄",
    "村",
    "峪",
    "埠",
    "店",
    "寨",
    "屯",
    "营",
    "集",
    "铺",
    "洼",
    "岭",
    "家庄",
    "官庄",
    "家峪",
]
GIVEN = "明华国建志强文德福永贵春秋玉兰英秀成良清泉海山林振兴忠义仁"
SITE_KINDS = [
    ("{v}", "红色村庄"),
    ("{v}烈士陵园", "烈士陵园"),
    ("{v}战斗遗址", "战斗遗址"),
    ("{v}抗日根据地旧址", "革命遗址"),
    ("{v}革命纪念馆", "纪念设施"),
    ("{p}故居", "名人故居"),
    ("{v}红色小学旧址", "红色道路与学校"),
    ("{v}兵工厂旧址", "革命遗址"),
    ("{v}地下党联络站", "革命遗址"),
    ("{v}烈士纪念碑", "纪念设施"),
]
TOWNS = [
    "明水街道",
    "双山街道",
    "枣园街道",
    "龙山街道",
    "埠村街道",
    "圣井街道",
    "普集街道",
    "绣惠街道",
    "相公庄街道",
    "文祖街道",
    "官庄街道",
    "高官寨街道",
    "白云湖街道",
    "宁家埠街道",
    "曹范街道",
    "黄河街道",
    "刁镇",
    "垛庄镇",
]
ERAS = ["建党初期", "土地革命战争时期", "抗日战争时期", "解放战争时期", "社会主义建设时期"]
SENTENCES = [
    "{y}年，{p}在{v}组织农民协会，开展减租减息运动。",
    "{y}年春，八路军某部在{v}一带与日伪军激战，{n}名战士英勇牺牲。",
    "{p}早年就读于{v}小学，{y}年加入中国共产党，任区委书记。",
    "当地群众冒着生命危险掩护伤员，为部队筹集军粮{n}余斤。",
    "旧址现存房屋{n}间，院落保存基本完整，{y}年列为文物保护单位。",
    "{y}年秋，县大队在{v}西山设伏，缴获步枪{n}支。",
    "游击队以{v}为中心开辟抗日根据地，建立兵工厂和被服厂。",
    "新中国成立后，{v}村民在原址修建纪念碑，每年清明前往祭扫。",
    "{p}烈士牺牲时年仅{n}岁，其事迹被收入《章丘英烈》。",
    "这里曾是地下党的秘密联络站，{p}等人在此传递情报。",
    "{y}年，章丘县抗日民主政府在{v}成立，领导群众开展反扫荡斗争。",
    "据村中老人回忆，{p}经常在夜间召集青年学习革命道理。",
    "黄河岸边的{v}是渡河支前的重要渡口，{y}年冬组织民工{n}人。",
]
QUERY_WORDS = [
    "烈士陵园",
    "战斗遗址",
    "抗日",
    "根据地",
    "纪念馆",
    "八路军",
    "游击队",
    "兵工厂",
    "农民协会",
    "联络站",
]
QUERY_TYPES = ["char1", "frag2", "frag_mid", "word", "name", "multi", "pinyin", "pinyin_sp", "initials"]


def target_ms(n: int) -> float:
    """The issue's CPU p95 target for every query kind: 30 ms up to 10k documents, 100 ms at 100k."""
    return 30.0 if n <= 10_000 else 100.0


def village(rng) -> str:
    style = rng.random()
    if style < 0.45:
        return rng.choice(SURNAMES) + rng.choice(VILLAGE_SUFFIX)
    if style < 0.7:
        return rng.choice("东西南北前后大小") + rng.choice(SURNAMES) + rng.choice(["庄", "村", "家庄", "峪"])
    return rng.choice(PLACE_CHARS) + rng.choice(PLACE_CHARS) + rng.choice(VILLAGE_SUFFIX)


def person(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def make_corpus(n: int, seed: int = 7):
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        v, p = village(rng), person(rng)
        template, category = rng.choice(SITE_KINDS)
        title = template.format(v=v, p=p)
        aliases = []
        if rng.random() < 0.5:
            aliases.append(village(rng))
        if rng.random() < 0.3:
            aliases.append(v + "纪念地")
        target = rng.randint(300, 800)
        parts = []
        while sum(map(len, parts)) < target:
            parts.append(
                rng.choice(SENTENCES).format(
                    y=rng.randint(1921, 1978),
                    p=person(rng) if rng.random() < 0.6 else p,
                    v=v,
                    n=rng.randint(3, 900),
                )
            )
        body = "".join(parts)
        docs.append(
            SearchDocument(
                kind="place",
                id=f"ZQ-{i + 1:06d}",
                title=title,
                url=f"/places/ZQ-{i + 1:06d}",
                aliases=aliases,
                keywords=[p],
                summary=body[:60],
                body=body,
                town=rng.choice(TOWNS),
                category=category,
                era=rng.choice(ERAS),
                lat=36.5 + rng.random() * 0.5,
                lon=117.3 + rng.random() * 0.6,
            )
        )
    return docs


def make_queries(docs, per_type: int, seed: int = 11):
    rng = random.Random(seed)
    out = {t: [] for t in QUERY_TYPES}
    for _ in range(per_type):
        d = rng.choice(docs)
        t = d.title
        out["char1"].append((rng.choice(t), d.uid))
        i = rng.randrange(0, len(t) - 1)
        out["frag2"].append((t[i : i + 2], d.uid))
        long_docs = [x for x in (rng.choice(docs) for _ in range(20)) if len(x.title) >= 4]
        dm = long_docs[0] if long_docs else d
        mid = len(dm.title) // 2
        out["frag_mid"].append((dm.title[mid - 1 : mid + 1], dm.uid))
        out["word"].append((rng.choice(QUERY_WORDS), None))
        out["name"].append((t, d.uid))
        out["multi"].append((f"{d.town[:2]} {rng.choice(QUERY_WORDS)}", None))
        syl = lazy_pinyin(t[:3], style=Style.NORMAL)
        out["pinyin"].append(("".join(syl), d.uid))
        out["pinyin_sp"].append((" ".join(syl), d.uid))
        out["initials"].append(("".join(s[0] for s in syl), d.uid))
    return out
