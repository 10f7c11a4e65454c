"""Demo content for the policies pages, written for this site (not copied from real documents).

The content is data under ``demo/``: one Markdown file per article in ``demo/articles/`` (TOML front
matter between ``+++`` lines, then the body, byte for byte), loaded in file-name order, and the FAQ in
``demo/faqs.csv``. A file's key is its name without the number prefix (``02-pilot2021.md`` ->
``pilot2021``); ``policy`` and ``replaced_by`` name other articles by key. Every item is marked 示例 in
its source field. Loading is idempotent: items are matched by title (FAQ by question).
"""

import csv
import tomllib
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.policies import indexing
from app.policies.models import DEMO_SOURCE, Article, Faq
from app.policies.revisions import add_revision
from app.policies.services import make_slug

CONTENT = Path(__file__).with_name("demo")


def read_article(path: Path) -> tuple[str, dict, str]:
    """Return (key, front matter, body) of one article file."""
    _, front, body = path.read_text(encoding="utf-8").split("+++\n", 2)
    return path.stem.split("-", 1)[1], tomllib.loads(front), body


def _at(day: date) -> datetime:
    """Publication timestamps at 09:00 Beijing time (01:00 UTC)."""
    return datetime.combine(day, time(1, 0), tzinfo=UTC)


def _article(kind: str, title: str, **fields) -> Article | None:
    """Add a demo article (public unless ``published`` is false) unless one with this title exists."""
    if db.session.scalar(select(Article.id).where(Article.title == title)) is not None:
        return None
    published_on = fields.get("published_on")
    if published_on:
        stamp = _at(published_on)
        fields.update(first_published_at=stamp, created_at=stamp, updated_at=stamp)
    fields.setdefault("published", True)
    article = Article(kind=kind, title=title, slug=make_slug(title), source=DEMO_SOURCE, **fields)
    db.session.add(article)
    db.session.flush()
    add_revision(article, "导入示例", None)
    indexing.touch_article(article)
    return article


def load_articles() -> None:
    """Load every article file in order, then link replaced policies to their replacements."""
    by_key: dict[str, Article] = {}
    replacements: list[tuple[str, str]] = []
    for path in sorted((CONTENT / "articles").glob("*.md")):
        key, meta, body = read_article(path)
        if "policy" in meta:
            meta["policy_id"] = by_key[meta.pop("policy")].id
        if "replaced_by" in meta:
            replacements.append((key, meta.pop("replaced_by")))
        article = _article(body=body, **meta)
        by_key[key] = article or db.session.scalar(select(Article).where(Article.title == meta["title"]))
    for key, replacement in replacements:
        if by_key[key].replaced_by_id is None:
            by_key[key].replaced_by_id = by_key[replacement].id


def load_faqs() -> None:
    """Add the FAQ entries that are missing, numbered in file order within each topic."""
    positions: dict[str, int] = {}
    with open(CONTENT / "faqs.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            topic = row["topic"]
            positions[topic] = positions.get(topic, 0) + 1
            if db.session.scalar(select(Faq.id).where(Faq.question == row["question"])) is not None:
                continue
            faq = Faq(**row, position=positions[topic], source=DEMO_SOURCE)
            db.session.add(faq)
            db.session.flush()
            indexing.touch_faq(faq)


def load() -> None:
    """Load the demo articles and FAQ (idempotent)."""
    load_articles()
    load_faqs()
    db.session.commit()
