"""The hotline's public pages as site-search documents (kind ``service``), and its distress-word source.

So that 热线, 预约, 咨询, 调解 lead to the hotline; and so that the search help card and the urgent-case
triage read the same words (the console setting, else the shared default list).
"""

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.hotline import triage
from app.hotline.booking.models import MODES, TOPICS
from app.search import SearchDocument, register_provider
from app.search.distress import register_source

KIND = "service"


def _pages() -> list[SearchDocument]:
    phone = current_app.config.get("HOTLINE_PHONE", "")
    hours = "、".join(f"{a}-{b}" for a, b in current_app.config.get("HOTLINE_OPENING_HOURS", ()))
    topics = "、".join(TOPICS.values())
    modes = "、".join(MODES.values())
    return [
        SearchDocument(
            kind=KIND,
            id="hotline",
            title="幸福泉城热线（婚姻家庭咨询与调解）",
            url="/hotline/",
            aliases=["幸福泉城公益热线", "婚姻家庭热线", "心理咨询热线"],
            keywords=[
                "热线",
                "公益热线",
                "电话",
                "咨询",
                "心理咨询",
                "婚姻家庭",
                "调解",
                "婚姻家庭调解",
                "家庭矛盾",
                "家庭暴力",  # with the help card on top, a resident who types 家暴 also finds the hotline itself
                "家暴",
                "求助",
                "婚前辅导",
                "离婚冷静期",
                "接听时间",
                *TOPICS.values(),
            ],
            summary=f"章丘区民政局公益热线 {phone}，免费提供婚姻家庭倾听、关系调适和矛盾调解。",
            body=f"接听时间：工作日 {hours}，周末和法定节假日休息。可以聊：{topics}。"
            f"可以在网上预约{modes}。称呼、手机号码都加密保存。",
        ),
        SearchDocument(
            kind=KIND,
            id="hotline-book",
            title="预约热线咨询（电话回访或到场面谈）",
            url="/hotline/book",
            aliases=["在线预约", "网上预约"],
            keywords=["预约", "预约咨询", "预约面谈", "电话回访", "到场面谈", "婚姻家庭调解", "调解", "咨询"],
            summary="约一个时间，由咨询员给您打电话，或者您到场面谈；只需要留一个称呼和手机号码。",
            body=f"可以预约的事：{topics}。方式：{modes}。",
        ),
        SearchDocument(
            kind=KIND,
            id="hotline-manage",
            title="查询、改时间或取消热线预约",
            url="/hotline/manage",
            aliases=["预约查询", "取消预约", "修改预约"],
            keywords=["预约查询", "查询预约", "改时间", "取消预约", "预约号"],
            summary="用预约号和手机号码查询您的预约，可以改时间或取消。",
        ),
    ]


def load(ids):
    """The hotline's public pages as search documents (``ids`` None = all)."""
    docs = _pages()
    if ids is None:
        return docs
    wanted = {str(i) for i in ids}
    return [d for d in docs if d.id in wanted]


def _distress_setting() -> list[str]:
    try:
        return triage.urgent_keywords()
    except SQLAlchemyError:  # settings table unavailable: the search falls back to the shipped list
        db.session.rollback()
        return []


def init_app(app: Flask) -> None:
    """Register the service documents and the shared distress-word source with the search."""
    register_provider(app, KIND, load)
    register_source(app, _distress_setting)
