"""Factories for the policies tests: articles through the real services, FAQ entries."""

import pytest

from app.policies import services


@pytest.fixture
def editor(make_user):
    """A staff user with the editor role (the author of factory-made articles)."""
    return make_user(roles=("editor",), username="policy-editor")


@pytest.fixture
def make_article(editor):
    """Factory: ``make_article(kind="policy", action="publish", **fields)`` -> Article (saved by the service)."""

    counter = {"n": 0}

    def factory(kind="policy", action="publish", publish_at=None, **fields):
        counter["n"] += 1
        n = counter["n"]
        data = {
            "kind": kind,
            "title": f"测试文章{n}",
            "summary": "摘要",
            "plain_language": "对您的影响",
            "body": "正文第一段。",
            "topic": "彩礼治理",
            "issuer": "济南市章丘区民政局",
            "source": "测试",
        }
        if kind == "policy":
            data.update(doc_number=f"章民发〔2024〕{n}号", validity="现行有效")
        if kind == "news":
            data["venue"] = "社区"
        data.update(fields)
        return services.save_article(None, data, action, editor, publish_at)

    return factory


@pytest.fixture
def make_faq(app):
    """Factory: ``make_faq(question=..., answer=..., topic=...)`` -> Faq."""

    def factory(question="彩礼有标准吗？", answer="有参考标准。", topic="彩礼治理"):
        return services.save_faq(None, question, answer, topic)

    return factory
