"""Policies validation: slugs, 文号 format, cross-field and database rules, form-data cleaning.

A leaf module used by the services and the forms; ``validate`` returns messages, callers raise ``PolicyError``.
"""

import re

from pypinyin import lazy_pinyin
from sqlalchemy import select

from app.extensions import db
from app.policies.models import KINDS, SNAPSHOT_FIELDS, TOPICS, VALIDITIES, VENUES, Article
from app.web.errors import DomainError

DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}〔(19|20)\d{2}〕\d{1,4}号$")
DOC_NUMBER_HINT = "格式如 章民发〔2023〕12号：发文机关代字 + 六角括号〔年份〕+ 序号 + “号”。"
RESERVED_SLUGS = {"faq", "new", "feed", "search"}


class PolicyError(DomainError):
    """A policies rule said no: ``errors`` holds a Chinese message per form field (None = the whole form)."""

    def __init__(self, errors: dict[str | None, str] | str, field: str | None = None):
        if isinstance(errors, str):
            errors = {field: errors}
        self.errors = errors
        super().__init__("; ".join(errors.values()), field=next(iter(errors)) if len(errors) == 1 else None)


# ---------------------------------------------------------------- slugs and validation


def make_slug(title: str, exclude_id: int | None = None) -> str:
    """Pinyin slug from the title (e.g. 关于彩礼 -> guan-yu-cai-li), unique among articles."""
    words = []
    for part in lazy_pinyin(title, errors=lambda chars: [chars]):
        words.extend(re.findall(r"[a-z0-9]+", part.lower()))
    base = ""
    for word in words:
        candidate = f"{base}-{word}" if base else word
        if len(candidate) > 60:
            break
        base = candidate
    base = base or "article"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or _slug_taken(slug, exclude_id):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _slug_taken(slug: str, exclude_id: int | None) -> bool:
    stmt = select(Article.id).where(Article.slug == slug)
    if exclude_id is not None:
        stmt = stmt.where(Article.id != exclude_id)
    return db.session.scalar(stmt) is not None


def doc_number_problem(value: str) -> str | None:
    """Explain what is wrong with a 文号, suggesting the corrected form when it is close."""
    if DOC_NUMBER.match(value):
        return None
    fixed = re.sub(r"[\[【(（［]\s*((?:19|20)\d{2})\s*[\]】)）］]", r"〔\1〕", value.replace(" ", ""))
    if not fixed.endswith("号") and re.search(r"〔\d{4}〕\d+$", fixed):
        fixed += "号"
    if fixed != value and DOC_NUMBER.match(fixed):
        return f"文号格式不对，年份请用六角括号〔〕。您是不是要填“{fixed}”？"
    return f"文号格式不对。{DOC_NUMBER_HINT}"


def validate(article: Article | None, data: dict) -> dict:
    """Check cross-field and database rules; return field -> message."""
    errors: dict[str | None, str] = {}
    kind = data["kind"]
    if kind not in KINDS:
        errors["kind"] = "请选择文章类型。"
    if not (data.get("title") or "").strip():
        errors["title"] = "请填写标题。"
    if data.get("topic") not in TOPICS:
        errors["topic"] = "请选择主题分类。"
    own_id = article.id if article is not None else None
    if kind == "policy":
        _check_policy_fields(data, errors)
    if data.get("doc_number") and "doc_number" not in errors:
        _check_doc_number(data["doc_number"], own_id, errors)
    if kind == "policy" and data.get("validity") in ("已修订", "已废止"):
        _check_replacement(data, own_id, errors)
    if kind == "interpretation":
        _check_interpreted_policy(data.get("policy_id"), errors)
    if kind == "news" and data.get("venue") not in VENUES:
        errors["venue"] = "活动动态请选择“七进”场所（机关、企业、农村、社区、学校、家庭、网络）。"
    return errors


def _check_policy_fields(data: dict, errors: dict) -> None:
    """A policy document needs a 文号, an issuer and a validity."""
    if not data.get("doc_number"):
        errors["doc_number"] = f"政策文件需要填写文号。{DOC_NUMBER_HINT}"
    if not data.get("issuer"):
        errors["issuer"] = "政策文件需要填写发文机关。"
    if data.get("validity") not in VALIDITIES:
        errors["validity"] = "请选择有效性。"


def _check_doc_number(doc_number: str, own_id: int | None, errors: dict) -> None:
    """A 文号 is well formed and used by no other article."""
    problem = doc_number_problem(doc_number)
    if problem:
        errors["doc_number"] = problem
        return
    stmt = select(Article).where(Article.doc_number == doc_number)
    if own_id is not None:
        stmt = stmt.where(Article.id != own_id)
    other = db.session.scalar(stmt)
    if other is not None:
        errors["doc_number"] = f"文号“{doc_number}”已被《{other.title}》使用，同一文号不能重复。"


def _check_replacement(data: dict, own_id: int | None, errors: dict) -> None:
    """A revised or repealed policy points at another, public policy (required when revised)."""
    replaced_by = data.get("replaced_by_id")
    if replaced_by:
        target = db.session.get(Article, replaced_by)
        if target is None or target.kind != "policy" or target.id == own_id:
            errors["replaced_by_id"] = "替代文件必须是另一份政策文件。"
        elif not target.is_public():
            errors["replaced_by_id"] = f"替代文件《{target.title}》还没有发布，请先发布它再关联。"
    elif data.get("validity") == "已修订":
        errors["replaced_by_id"] = "已修订的文件请选择修订后的新文件。"


def _check_interpreted_policy(policy_id: int | None, errors: dict) -> None:
    """An interpretation links to a public policy document."""
    if not policy_id:
        errors["policy_id"] = "政策解读需要关联所解读的政策文件。"
        return
    target = db.session.get(Article, policy_id)
    if target is None or target.kind != "policy":
        errors["policy_id"] = "请选择一份政策文件。"
    elif not target.is_public():
        errors["policy_id"] = f"《{target.title}》还是草稿或尚未到发布时间，只能关联已发布的政策文件。"


def clean(data: dict) -> dict:
    """Normalise form data for one kind (fields of other kinds are cleared)."""
    cleaned = {name: data.get(name) for name in SNAPSHOT_FIELDS}
    for name in ("title", "summary", "plain_language", "body", "issuer", "source", "doc_number"):
        # Browsers post textareas with CRLF: store LF so an unchanged field compares equal.
        cleaned[name] = (cleaned.get(name) or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    cleaned["doc_number"] = cleaned["doc_number"] or None
    kind = cleaned["kind"]
    if kind != "policy":
        cleaned.update(doc_number=None, validity=None, replaced_by_id=None)
    if cleaned.get("validity") == "现行有效":
        cleaned["replaced_by_id"] = None
    if kind != "interpretation":
        cleaned["policy_id"] = None
    if kind != "news":
        cleaned["venue"] = None
    return cleaned
