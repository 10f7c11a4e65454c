"""Demo place entries: archive-style sample text composed from templates (all of it 示例, not history).

Each template writes one kind of entry (党支部旧址, 烈士陵园, 渡口, 红色村庄 …) for a village of a 镇街, with
origin (来历), history (沿革), story (红色故事), people, events, aliases and themes. ``generate(n)`` spreads
entries over the 18 镇街 so that every category and era appears; the demo loader and the benchmark use it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from app.places.reference import all_towns

DEMO_COUNT = 234  # 13 per 镇街
SAMPLE_NOTE = "示例数据：为本网站演示编写，不是历史档案原文。"

NORTH = {"黄河街道", "高官寨街道", "刁镇", "白云湖街道", "宁家埠街道", "绣惠街道", "相公庄街道"}
SOUTH = {"文祖街道", "垛庄镇", "曹范街道", "官庄街道", "埠村街道", "圣井街道", "普集街道"}

SURNAMES = list(
    "李王张刘陈杨赵周吴徐孙马朱胡郭何高宋韩冯曹彭田董袁于蒋杜程苏魏吕丁任姚卢姜崔谭范石贾孟秦尹薛侯郝毛邵"
)
GIVEN = [
    "振华",
    "德山",
    "明远",
    "玉兰",
    "秀英",
    "景和",
    "立本",
    "焕章",
    "守义",
    "兆丰",
    "子明",
    "文斌",
    "桂芳",
    "树德",
    "长庚",
    "庆余",
    "殿臣",
    "洪宾",
    "金铭",
    "继先",
    "凤岐",
    "宪章",
    "俊峰",
    "永胜",
    "春亭",
    "秀珍",
    "建国",
    "学礼",
    "成玉",
    "广福",
    "志远",
    "荣轩",
    "云清",
    "敬之",
    "寿山",
    "希贤",
]
VILLAGE_HEADS = ["", "", "", "东", "西", "南", "北", "前", "后", "上", "下", "大", "小"]
VILLAGE_TAILS = [
    "家庄",
    "家村",
    "家峪",
    "庄",
    "官庄",
    "家寨",
    "家店",
    "家桥",
    "家埠",
    "家洼",
    "家坡",
    "岭村",
    "王村",
]
TOWN_VILLAGES = {
    "明水街道": ["眼明泉村", "清河村", "百脉村"],
    "双山街道": ["三涧溪村", "东山村"],
    "枣园街道": ["枣园村", "小康庄"],
    "龙山街道": ["龙山村", "城子崖村"],
    "埠村街道": ["埠村", "朱家峪村"],
    "圣井街道": ["寨子村", "圣井村"],
    "普集街道": ["普集村", "袭家村"],
    "绣惠街道": ["绣惠村", "女郎山村"],
    "相公庄街道": ["相公庄村", "梭庄村"],
    "文祖街道": ["三德范村", "长岭村"],
    "官庄街道": ["石匣村", "官庄村"],
    "高官寨街道": ["高官寨村", "土城村"],
    "白云湖街道": ["白云村", "湖南村"],
    "宁家埠街道": ["宁家埠村", "河西村"],
    "曹范街道": ["曹范村", "黑峪村"],
    "黄河街道": ["黄河村", "老渡口村"],
    "刁镇": ["刁镇村", "旧军村"],
    "垛庄镇": ["垛庄村", "长城岭村"],
}
HILLS = [
    "黄石岭",
    "鹁鸽崖",
    "北岭",
    "南山顶",
    "狼窝峪",
    "长城岭",
    "青龙山",
    "歪头山",
    "卧牛山",
    "锦屏岭",
    "胡山",
    "老寨顶",
]
WATERS = ["黄河", "绣江河", "漯河", "白云湖", "杏林河", "巨野河"]
UNITS_WAR = ["八路军山东纵队某部", "章丘县大队", "区中队", "泰山军分区某部", "清河军区某部", "县独立营"]
UNITS_CIVIL = ["华东野战军某部", "渤海军区某部", "章丘县支前委员会", "县大队", "区武工队"]
BOOKS = [
    "《章丘县志》（示例引用）",
    "《中共章丘地方史》第一卷（示例引用）",
    "章丘区档案馆藏革命历史档案（示例引用）",
    "《章丘文史资料》第三辑（示例引用）",
    "《济南红色地名》（示例引用）",
]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _villages(town: str, rng: random.Random, count: int) -> list[str]:
    """The town's known villages first (the red-village entry uses the first), then generated ones."""
    known = list(TOWN_VILLAGES.get(town, []))
    names: list[str] = []
    while len(known) + len(names) < count:
        name = rng.choice(VILLAGE_HEADS) + rng.choice(SURNAMES) + rng.choice(VILLAGE_TAILS)
        if name not in names and name not in known:
            names.append(name)
    rng.shuffle(names)
    return known + names


# --- entry templates: each returns the fields of one entry from a context dict ---------------------


def _branch(c: dict) -> dict:
    year = c["rng"].choice([1927, 1928, 1931, 1932])
    era = "建党初期" if year < 1928 else "土地革命战争时期"
    return {
        "name": f"{c['village']}党支部旧址",
        "category": "革命遗址",
        "era": era,
        "aliases": [(f"{c['surname']}家老屋", "俗称")],
        "origin": f"旧址为{c['village']}{c['surname']}姓人家的三间土坯北屋，因{year}年中共{c['village']}党支部在此秘密成立而得名。",
        "history": (
            f"{year}年，{c['person']}在济南求学期间接受革命思想，回乡后发展党员三名，在自家北屋成立党支部，"
            f"隶属章丘县委领导。\n1950年代房屋改作村小学教室，1987年被列为区级文物保护单位，"
            f"2019年按原貌修缮，辟为党史教育点。"
        ),
        "story": (
            f"党支部成立后，以办夜校、教识字为掩护，组织农民抗捐抗税。{year + 1}年冬，"
            f"{c['person']}带领群众到县城请愿，迫使当局减免苛捐。"
            f"为防敌人搜查，党员们把文件藏在北屋山墙的夹壁里，至今墙上仍可看到封补的痕迹。"
        ),
        "persons": [c["person"]],
        "events": [f"{year}年{c['village']}党支部成立", f"{year + 1}年抗捐请愿"],
        "themes": [],
        "level": c["rng"].choice(["区级文物保护单位", "未定级"]),
    }


def _farmers(c: dict) -> dict:
    return {
        "name": f"{c['village']}农民协会旧址",
        "category": "革命遗址",
        "era": "建党初期",
        "aliases": [(f"{c['village']}农会", "简称")],
        "origin": f"因1926年{c['village']}农民协会设于村中关帝庙东厢房而得名，当地人习惯称“农会”。",
        "history": (
            "1926年春，在共产党员指导下，村里贫苦农民成立农民协会，会员最多时八十余人。"
            "大革命失败后农会转入地下。关帝庙主体建筑毁于1940年代，东厢房保留至今。"
        ),
        "story": (
            f"农会成立后第一件事是同地主说理减租。会长{c['person']}带着会员把租约逐条念给乡亲听，"
            f"“二五减租”在{c['village']}第一次落了地。老人们回忆，那年秋后村里家家吃上了新麦面。"
        ),
        "persons": [c["person"]],
        "events": ["1926年农民协会成立", "二五减租"],
        "themes": [],
        "level": "未定级",
    }


def _liaison(c: dict) -> dict:
    year = c["rng"].choice([1930, 1933, 1935, 1939, 1941])
    era = "土地革命战争时期" if year < 1937 else "抗日战争时期"
    return {
        "name": f"{c['village']}地下交通站旧址",
        "category": "革命遗址",
        "era": era,
        "aliases": [(f"{c['surname']}家杂货铺", "俗称")],
        "origin": f"旧址原是{c['village']}街口的一处杂货铺，{year}年起作为党的秘密交通站，故名。",
        "history": (
            f"交通站自{year}年设立，负责传递县委与泰山地区之间的文件和人员护送，至1945年撤销。"
            "店铺门面在1970年代改建，后院和地窖保存较好。"
        ),
        "story": (
            f"交通员{c['person']}以卖针线、火柴为掩护，把信件缝在鞋底里往返送达，前后护送干部一百余人次。"
            f"一次敌人突然搜查，他把文件塞进腌菜缸，镇定应对，交通线始终没有中断。"
        ),
        "persons": [c["person"]],
        "events": ["秘密交通线", f"{year}年交通站设立"],
        "themes": ["抗战红色足迹"] if era == "抗日战争时期" else [],
        "level": c["rng"].choice(["区级文物保护单位", "未定级"]),
    }


def _government(c: dict) -> dict:
    return {
        "name": f"{c['village']}抗日民主政府旧址",
        "category": "革命遗址",
        "era": "抗日战争时期",
        "aliases": [(f"{c['town_short']}抗日政府", "简称"), ("老公所", "俗称")],
        "origin": f"1941年至1945年间，章丘县抗日民主政府一度驻于{c['village']}，所用院落因此得名。",
        "history": (
            "院落为清末四合院，坐北朝南，正房五间。抗战期间为县政府机关驻地，解放后曾作村委会办公场所。"
            "2008年公布为市级文物保护单位，现辟为陈列室。"
        ),
        "story": (
            f"抗日民主政府在这里组织减租减息、发动群众参军参战。1942年秋敌人“扫荡”，"
            f"县长带领机关人员连夜转移，村民{c['person']}把公章和账册埋在自家菜园里，"
            f"敌人走后完好交还。抗日烈士{c['person2']}就是从这个院子里报名参军的。"
        ),
        "persons": [c["person"], c["person2"]],
        "events": ["减租减息", "1942年反“扫荡”"],
        "themes": ["抗战红色足迹"],
        "level": c["rng"].choice(["市级文物保护单位", "区级文物保护单位"]),
    }


def _arsenal(c: dict) -> dict:
    kind = c["rng"].choice(["兵工厂", "被服厂", "抗日医院"])
    return {
        "name": f"{c['village']}八路军{kind}旧址",
        "category": "革命遗址",
        "era": "抗日战争时期",
        "aliases": [(f"{c['village']}{kind}", "简称")],
        "origin": f"抗战时期八路军在{c['village']}山坳民房中设立{kind}，地名由此而来。",
        "history": (f"1940年{kind}迁入，依托山沟隐蔽，1944年随部队转移。遗存石砌房基七处和一口水井。"),
        "story": (
            f"{kind}条件极为艰苦，工人们用土法修枪、缝军衣、救治伤员。"
            f"村里妇女在{c['person']}带领下日夜赶做军鞋，一个冬天送出军鞋一千二百余双。"
            f"老人们说，那时“家家有伤员，户户是工厂”。"
        ),
        "persons": [c["person"]],
        "events": ["做军鞋支前", f"八路军{kind}"],
        "themes": ["抗战红色足迹"],
        "level": "区级文物保护单位",
    }


def _battle(c: dict) -> dict:
    war = c["rng"].random() < 0.6
    year = c["rng"].choice([1939, 1941, 1943]) if war else c["rng"].choice([1946, 1947, 1948])
    unit = c["rng"].choice(UNITS_WAR if war else UNITS_CIVIL)
    enemy = "日伪军" if war else "国民党军"
    return {
        "name": f"{c['hill']}战斗遗址",
        "category": "战斗遗址",
        "era": "抗日战争时期" if war else "解放战争时期",
        "aliases": [(c["hill"], "俗称"), (f"{c['hill']}阻击战旧址", "曾用名")],
        "origin": f"{c['hill']}位于{c['village']}村南，因{year}年在此发生的战斗而作为战斗遗址记录。",
        "history": (
            f"{year}年，{unit}在{c['hill']}与{enemy}激战。山顶至今保存战壕一段，长约六十米，"
            "1990年代村民在坡地耕作时仍挖出过弹壳。"
        ),
        "story": (
            f"战斗打响时，{unit}一个排据守山口，与数倍于己的{enemy}反复争夺阵地，掩护乡亲和机关转移。"
            f"排长{c['person']}负伤后仍坚持指挥，最终壮烈牺牲，年仅二十四岁。"
            f"战后，{c['village']}群众冒险掩埋了烈士遗体，每年清明都有人上山祭扫。"
        ),
        "persons": [c["person"]],
        "events": [f"{year}年{c['hill']}战斗", "掩护群众转移"],
        "themes": (["抗战红色足迹", "英烈纪念"] if war else ["英烈纪念"]),
        "level": c["rng"].choice(["区级文物保护单位", "未定级", "市级文物保护单位"]),
    }


def _cemetery(c: dict) -> dict:
    return {
        "name": f"{c['town_short']}革命烈士陵园",
        "category": "烈士陵园",
        "era": "解放战争时期",
        "aliases": [("烈士林", "俗称"), (f"{c['town_short']}陵园", "简称")],
        "origin": f"陵园建在{c['village']}村东高地，安葬本地在抗日战争和解放战争中牺牲的烈士，因地而名。",
        "history": (
            "1953年始建，初为烈士墓群和一座木质纪念亭；1978年扩建，立革命烈士纪念碑；"
            "2015年整修，新建英名墙，镌刻烈士姓名二百余位。"
        ),
        "story": (
            f"陵园安葬着抗日烈士和解放战争中牺牲的战士。烈士{c['person']}1947年随部队南下，"
            f"在战斗中牺牲，家中只留下一封报平安的信。他的侄孙{c['person2']}多年来义务在陵园讲解，"
            f"让前来祭扫的学生记住每一个名字。"
        ),
        "persons": [c["person"], c["person2"]],
        "events": ["清明祭扫", "英名墙落成"],
        "themes": ["英烈纪念"],
        "level": c["rng"].choice(["区级文物保护单位", "市级文物保护单位"]),
    }


def _martyr_tomb(c: dict) -> dict:
    return {
        "name": f"{c['person']}烈士墓",
        "category": "烈士陵园",
        "era": "解放战争时期",
        "aliases": [(f"{c['person']}墓", "简称")],
        "origin": f"烈士{c['person']}的安葬地，位于其家乡{c['village']}村西，以烈士姓名命名。",
        "history": "1949年由县人民政府立碑，1984年重修墓冢，2016年列入零散烈士墓集中保护名录。",
        "story": (
            f"{c['person']}，{c['village']}人，1945年参军，参加过莱芜战役、济南战役。"
            f"1948年济南战役中，他所在连队担任突击任务，他抱着炸药包冲向敌人碉堡，壮烈牺牲。"
            f"乡亲们把他接回故乡安葬，墓前的松树是他的母亲亲手栽下的。"
        ),
        "persons": [c["person"]],
        "events": ["济南战役", "莱芜战役"],
        "themes": ["英烈纪念"],
        "level": "未定级",
    }


def _monument(c: dict) -> dict:
    return {
        "name": f"{c['village']}抗日烈士纪念碑",
        "category": "纪念设施",
        "era": "抗日战争时期",
        "aliases": [("纪念碑", "简称")],
        "origin": f"为纪念在{c['village']}一带牺牲的抗日烈士而立，碑名由此而来。",
        "history": "1965年由村民集资始建，碑高六米；1995年抗战胜利五十周年时重修并加设碑文。",
        "story": (
            f"1943年春，{c['village']}民兵在{c['person']}带领下配合主力伏击日伪运输队，"
            f"缴获粮食和弹药，七名民兵在战斗中牺牲。碑文记下了他们的名字和这段抗日往事，"
            f"每逢清明和9月30日烈士纪念日，村里的学生都会来献花。"
        ),
        "persons": [c["person"]],
        "events": ["1943年伏击日伪运输队", "烈士纪念日献花"],
        "themes": ["英烈纪念", "抗战红色足迹"],
        "level": "区级文物保护单位",
    }


def _hometown(c: dict) -> dict:
    era = c["rng"].choice(["抗日战争时期", "解放战争时期", "建党初期"])
    return {
        "name": f"{c['person']}故居",
        "category": "名人故居",
        "era": era,
        "aliases": [(f"{c['surname']}家大院", "俗称")],
        "origin": f"{c['person']}出生和少年时期居住的院落，位于{c['village']}村中，以其姓名命名。",
        "history": (
            "院落为石砌平房三间、东西厢房各两间，保存基本完整。2012年由其后人捐出，"
            "经整修后对外开放，陈列书信、照片等实物四十余件。"
        ),
        "story": (
            f"{c['person']}早年在本村私塾读书，后投身革命，{era}在章丘一带从事党的组织工作，"
            f"曾组织{c['village']}青年秘密学习进步书刊。他常对乡亲说“为穷人办事，心里踏实”，"
            f"这句话如今写在故居的门楣上。"
        ),
        "persons": [c["person"]],
        "events": ["组织青年读书会"],
        "themes": [],
        "level": c["rng"].choice(["区级文物保护单位", "未定级", "省级文物保护单位"]),
    }


def _red_village(c: dict) -> dict:
    old = c["village"].replace("家", "各", 1) if "家" in c["village"] else c["village"].replace("村", "庄")
    return {
        "name": c["village"] if c["village"].endswith("村") else f"{c['village']}村",
        "category": "红色村庄",
        "era": "抗日战争时期",
        "aliases": [(old, "曾用名")] if old != c["village"] else [],
        "origin": f"相传明初{c['surname']}姓先祖迁此立村，以姓氏和地形得名，沿用至今。",
        "history": (
            f"清代属章丘县，民国时属第{c['rng'].randint(2, 9)}区；1958年属人民公社，"
            "1984年设村民委员会。抗战时期是有名的堡垒村，2020年入选济南市红色村庄名录。"
        ),
        "story": (
            f"抗战时期，全村二百多户有一百多名青壮年参军参战，被誉为“抗日模范村”。"
            f"妇救会长{c['person']}带领妇女们碾米磨面、做军鞋，烈士{c['person2']}的事迹在村里代代相传。"
            f"如今村里用红色资源发展研学旅游，乡村振兴有了新路子。"
        ),
        "persons": [c["person"], c["person2"]],
        "events": ["抗日模范村", "妇救会支前"],
        "themes": ["乡村振兴红色村庄", "抗战红色足迹"],
        "level": "未定级",
    }


def _school(c: dict) -> dict:
    return {
        "name": f"{c['village']}抗日小学旧址",
        "category": "红色道路与学校",
        "era": "抗日战争时期",
        "aliases": [("老学堂", "俗称"), (f"{c['village']}抗小", "简称")],
        "origin": "抗战时期在村中祠堂开办抗日小学，学校旧址因此得名。",
        "history": "1939年开办，1946年改为完全小学，1970年代学校迁出，祠堂建筑保留至今。",
        "story": (
            f"教员{c['person']}白天教孩子们识字、唱抗日歌曲，晚上给民兵上课。"
            f"孩子们组成儿童团站岗放哨、查路条，一次发现形迹可疑的人，及时报告民兵，抓获了一名汉奸。"
        ),
        "persons": [c["person"]],
        "events": ["儿童团站岗放哨", "抗日小学开办"],
        "themes": ["抗战红色足迹"],
        "level": "未定级",
    }


def _road(c: dict) -> dict:
    return {
        "name": f"{c['village']}支前古道",
        "category": "红色道路与学校",
        "era": "解放战争时期",
        "aliases": [("小车道", "俗称")],
        "origin": f"古道自{c['village']}通往山外，解放战争时期民工推小车由此运粮支前，故称支前古道。",
        "history": "道路为青石铺就，宽约两米，现存约一点五公里，2018年修缮后作为红色研学步道。",
        "story": (
            f"1948年济南战役期间，{c['village']}组织小车队三十余辆，由{c['person']}带队，"
            f"沿古道昼夜运送粮食和弹药。车轮在青石上压出的车辙印至今清晰可见。"
        ),
        "persons": [c["person"]],
        "events": ["济南战役支前", "小车队运粮"],
        "themes": [],
        "level": "未定级",
    }


def _ferry(c: dict) -> dict:
    water = "黄河" if c["town"] in {"黄河街道", "高官寨街道", "刁镇"} else c["rng"].choice(WATERS[1:])
    village = c["village"]
    return {
        "name": f"{village.removesuffix('村')}渡口",
        "category": "革命遗址",
        "era": "解放战争时期",
        "aliases": [(f"{village.removesuffix('村')}老渡", "曾用名")],
        "origin": f"渡口位于{village}北侧的{water}岸边，明清时已有摆渡，以村名称渡。",
        "history": (
            f"清代设官渡，民国时有木船四只。解放战争时期为重要的支前渡口，"
            f"1970年代{water}上建桥后渡口停用，现存码头石阶和系船石桩。"
        ),
        "story": (
            f"1947年至1948年，船工{c['person']}和乡亲们驾木船日夜摆渡，把粮食、军鞋和担架队送过{water}。"
            f"一次夜渡遇上大风，船工们用绳索把船连在一起，硬是把一船弹药安全送到对岸。"
        ),
        "persons": [c["person"]],
        "events": ["支前渡河", f"夜渡{water}"],
        "themes": ["黄河地名文化"] if water == "黄河" else [],
        "level": "未定级",
    }


def _levee(c: dict) -> dict:
    return {
        "name": f"{c['village'].removesuffix('村')}黄河险工",
        "category": "其他",
        "era": "社会主义建设时期",
        "aliases": [(f"{c['village'].removesuffix('村')}险工", "简称")],
        "origin": "黄河大堤在此处临河凸出、水流顶冲，历来称“险工”，以所在村名命名。",
        "history": "1950年代起多次加高加固，石坝由乱石坝改为砌石坝；1998年后完成标准化堤防建设。",
        "story": (
            f"1958年黄河大汛，{c['village']}全村男女老少上堤抢险，共产党员{c['person']}带头跳进齐腰深的水里打桩，"
            f"三天三夜守住了大堤。如今险工旁立有“人民治黄”纪念石，讲述黄河岸边的治水故事。"
        ),
        "persons": [c["person"]],
        "events": ["1958年黄河抗洪", "人民治黄"],
        "themes": ["黄河地名文化"],
        "level": "未定级",
    }


def _reservoir(c: dict) -> dict:
    return {
        "name": f"{c['village'].removesuffix('村')}水库",
        "category": "其他",
        "era": "社会主义建设时期",
        "aliases": [("红旗水库", "曾用名")],
        "origin": f"水库在{c['village']}上游山谷筑坝而成，以村名命名；建成时一度名“红旗水库”。",
        "history": "1958年冬动工，1960年建成，库容约一百二十万立方米；2010年除险加固。",
        "story": (
            f"修水库时没有机械，全靠肩挑小车推。劳动模范{c['person']}带领突击队住在工地窝棚里，"
            f"一个冬天推土上万车。水库建成后，下游上千亩旱地变成了水浇田。"
        ),
        "persons": [c["person"]],
        "events": ["1958年兴修水利", "劳动模范突击队"],
        "themes": ["乡村振兴红色村庄"] if c["rng"].random() < 0.3 else [],
        "level": "未定级",
    }


def _museum(c: dict) -> dict:
    return {
        "name": f"{c['village']}村史馆",
        "category": "纪念设施",
        "era": "其他",
        "aliases": [],
        "origin": f"{c['village']}利用老供销社房屋建成的村史陈列馆，以村名命名。",
        "history": "2017年建成开放，展陈面积约二百平方米，分村落由来、红色记忆、今日新村三个部分。",
        "story": (
            f"馆内陈列着村民捐出的老物件：抗战时的油灯、支前用的独轮车、{c['person']}的立功证书。"
            f"讲解员是村里的年轻人，他们把老人们口述的故事整理成册，供来访者阅读。"
        ),
        "persons": [c["person"]],
        "events": ["村史馆开馆"],
        "themes": ["乡村振兴红色村庄"],
        "level": "未定级",
    }


COMMON = [_branch, _government, _battle, _hometown, _red_village, _school, _monument, _martyr_tomb, _museum]
NORTH_EXTRA = [_ferry, _levee, _farmers]
SOUTH_EXTRA = [_arsenal, _road, _reservoir]
MIDDLE_EXTRA = [_liaison, _farmers, _road, _reservoir]


def _town_templates(town: str) -> list:
    extra = NORTH_EXTRA if town in NORTH else SOUTH_EXTRA if town in SOUTH else MIDDLE_EXTRA
    return [
        _red_village,
        _cemetery,
        *[t for t in COMMON if t is not _red_village],
        *extra,
        _liaison,
        _arsenal,
        _ferry,
    ]


def generate(n: int = DEMO_COUNT, towns: list | None = None, seed: int = 2026) -> Iterator[dict]:
    """Yield ``n`` entry dicts (code, name, fields, town, coordinates, status) spread over the 18 镇街."""
    rng = random.Random(seed)
    towns = towns or all_towns()
    per_town = -(-n // len(towns))
    plans = []
    for town in towns:
        templates = _town_templates(town.name)
        villages = _villages(town.name, rng, max(per_town, 12))
        for index in range(per_town):
            plans.append((town, templates[index % len(templates)], villages[index % len(villages)], index))
    # Interleave towns so that any prefix of the codes covers many 镇街.
    plans.sort(key=lambda plan: (plan[3], plan[0].position))
    seen: set[tuple[str, str]] = set()
    for number, (town, template, village, index) in enumerate(plans[:n], 1):
        person = _person(rng)
        context = {
            "rng": rng,
            "town": town.name,
            "town_short": town.short_name if len(town.short_name) > 1 else town.name,
            "village": village,
            "surname": person[0],
            "person": person,
            "person2": _person(rng),
            "hill": rng.choice(HILLS),
        }
        entry = template(context)
        if (entry["name"], town.name) in seen or index >= 16:
            # Large runs (the benchmark) and repeats get a distinguishing number, like 二号 sites.
            entry["name"] = f"{entry['name']}（{number}号）"
        seen.add((entry["name"], town.name))
        status = "published"
        if number % 29 == 0:
            status = "draft"
        elif number % 37 == 0:
            status = "in_review"
        elif number % 43 == 0:
            status = "archived"
        entry.update(
            {
                "code": f"ZQ-{number:04d}",
                "town": town.name,
                "village": village,
                "address": f"{village.removesuffix('村')}村{rng.choice('东西南北')}约{rng.randint(1, 9) * 50}米",
                "latitude": round((town.latitude or 36.72) + rng.uniform(-0.035, 0.035), 5),
                "longitude": round((town.longitude or 117.53) + rng.uniform(-0.045, 0.045), 5),
                "status": status,
                "sources": [
                    (rng.choice(BOOKS), "", SAMPLE_NOTE),
                    (f"{village}村史访谈记录（示例）", "", "示例：走访村中老人整理。"),
                ],
            }
        )
        yield entry
