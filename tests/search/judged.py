"""The judged query set and its corpus (the shipped demo content), shared by the recall test and the bench.

The corpus is built straight from the demo data files (places CSV, articles as Markdown + TOML, FAQ CSV)
plus the hotline's service documents, so it needs no other feature's models. Queries are in
``judged_queries.tsv``: kind, query, expected uids (``place:ZQ-0001``, ``article:04-caili2024``,
``faq:3``, ``service:hotline``; ``!help`` means the help card must show).
"""

import csv
import datetime
import tomllib
from collections import defaultdict
from pathlib import Path

from app.search import SearchDocument

ROOT = Path(__file__).resolve().parents[2]
QUERIES = Path(__file__).with_name("judged_queries.tsv")
PLACES = ROOT / "app/places/demo/places.csv"
ARTICLES = ROOT / "app/policies/demo/articles"
FAQS = ROOT / "app/policies/demo/faqs.csv"
HELP = "!help"


def _split(value: str) -> list[str]:
    return [p.strip() for p in (value or "").replace(";", "；").split("；") if p.strip()]


def place_documents() -> list[SearchDocument]:
    """Published demo places, shaped as the places provider shapes them."""
    docs = []
    with PLACES.open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["status"] != "published":
                continue
            body = "\n".join(p for p in (row["origin"], row["history"], row["story"]) if p)
            docs.append(
                SearchDocument(
                    kind="place",
                    id=row["code"],
                    title=row["name"],
                    url=f"/places/{row['code']}",
                    aliases=[a.split(":", 1)[-1] for a in _split(row["aliases"])],
                    keywords=[*_split(row["persons"]), *_split(row["events"])],
                    summary=(row["origin"] or row["story"] or row["history"])[:200],
                    body="\n".join(p for p in (row["village"], row["address"], body) if p),
                    town=row["town"] or None,
                    category=row["category"] or None,
                    era=row["era"] or None,
                    themes=_split(row["themes"]),
                    lat=float(row["latitude"]) if row["latitude"] else None,
                    lon=float(row["longitude"]) if row["longitude"] else None,
                )
            )
    return docs


def article_documents() -> list[SearchDocument]:
    """Published demo articles (id = file stem)."""
    docs = []
    for path in sorted(ARTICLES.glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("+++", 2)
        meta = tomllib.loads(front)
        if meta.get("published", True) is False:
            continue
        day = meta.get("published_on")
        docs.append(
            SearchDocument(
                kind="article",
                id=path.stem,
                title=meta["title"],
                url=f"/policies/{path.stem}",
                aliases=[meta["doc_number"]] if meta.get("doc_number") else [],
                keywords=[meta[k] for k in ("issuer", "venue") if meta.get(k)],
                summary=meta.get("summary", ""),
                body=f"{meta.get('plain_language', '')}\n{body}",
                topic=meta.get("topic"),
                validity=meta.get("validity"),
                year=day.year if isinstance(day, datetime.date) else None,
                article_kind=meta.get("kind"),
                date=day if isinstance(day, datetime.date) else None,
            )
        )
    return docs


def faq_documents() -> list[SearchDocument]:
    """Demo FAQs (id = row number from 1)."""
    with FAQS.open(encoding="utf-8-sig") as fh:
        return [
            SearchDocument(
                kind="faq",
                id=str(n),
                title=row["question"],
                url=f"/policies/faq#faq-{n}",
                keywords=[row["topic"]],
                body=row["answer"],
                topic=row["topic"],
            )
            for n, row in enumerate(csv.DictReader(fh), start=1)
        ]


def corpus_by_kind(service_docs) -> dict[str, list[SearchDocument]]:
    """Every judged document by kind (``service_docs``: the hotline provider's documents)."""
    return {
        "place": place_documents(),
        "article": article_documents(),
        "faq": faq_documents(),
        "service": list(service_docs),
    }


def queries() -> list[tuple[str, str, list[str]]]:
    """(kind, query, expected uids) for every judged query."""
    out = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, query, expected = line.split("\t")
        out.append((kind, query, expected.split("|")))
    return out


def judge(run, limit: int = 10) -> dict[str, dict[str, float]]:
    """Recall@``limit`` and MRR per kind and overall; ``run(query)`` -> (uids in rank order, help)."""
    per_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for kind, query, expected in queries():
        uids, help_shown = run(query)
        if expected == [HELP]:
            per_kind[kind].append((1.0 if help_shown else 0.0, 1.0 if help_shown else 0.0))
            continue
        top = uids[:limit]
        recall = len(set(expected) & set(top)) / min(len(expected), limit)
        ranks = [i for i, uid in enumerate(uids) if uid in expected]
        per_kind[kind].append((recall, 1.0 / (ranks[0] + 1) if ranks else 0.0))
    table = {}
    for kind, rows in sorted(per_kind.items()):
        table[kind] = {
            "n": len(rows),
            "recall": sum(r for r, _ in rows) / len(rows),
            "mrr": sum(m for _, m in rows) / len(rows),
        }
    every = [row for rows in per_kind.values() for row in rows]
    table["overall"] = {
        "n": len(every),
        "recall": sum(r for r, _ in every) / len(every),
        "mrr": sum(m for _, m in every) / len(every),
    }
    return table
