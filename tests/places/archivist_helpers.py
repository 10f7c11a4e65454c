"""Factories shared by the archivist-side places tests (services, workflow, import, console)."""

from app.places import services


def place_data(**overrides) -> dict:
    """A complete, valid entry in the snapshot shape that ``services.save_place`` accepts."""
    data = {
        "code": "ZQ-9001",
        "name": "三德范抗日联络站旧址",
        "pinyin": "",
        "category": "革命遗址",
        "town": "文祖街道",
        "village": "三德范村",
        "address": "文祖街道三德范村西街",
        "longitude": 117.4131,
        "latitude": 36.5702,
        "era": "抗日战争时期",
        "origin": "村以明初三姓聚居得名。",
        "history": "1938 年设地下联络站，1945 年撤销。",
        "story": "联络站多次掩护八路军伤员转移。",
        "persons": ["李老汉"],
        "events": ["1940 年反扫荡"],
        "protection_level": "区级文物保护单位",
        "aliases": [{"name": "三德范", "kind": "简称"}],
        "sources": [{"citation": "《章丘县志》（示例）", "url": "", "note": "第 3 卷"}],
        "themes": ["抗战红色足迹"],
    }
    data.update(overrides)
    return data


def make_place(author, **overrides):
    """Create a draft entry authored by ``author``."""
    return services.save_place(place_data(**overrides), author)


def publish(place, author, reviewer):
    """Take ``place`` through submit and approval by a different archivist."""
    services.submit_for_review(place, author)
    return services.approve(place, reviewer)
