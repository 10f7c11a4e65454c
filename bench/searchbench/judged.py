"""recall@10 and MRR per kind on the judged query set (``tests/search/judged_queries.tsv``)."""

import shutil
import tempfile
from pathlib import Path

from app import create_app
from app.hotline import search_docs
from app.search import register_provider, search
from app.search.engine import rebuild, state
from tests.search import judged


def run_judged(out) -> None:
    """recall@10 and MRR per kind on the judged query set (tests/search/judged_queries.tsv), as /search."""
    workdir = Path(tempfile.mkdtemp(prefix="zq-bench-judged-"))
    try:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'j.db'}",
                "SEARCH_INDEX_DIR": str(workdir / "whoosh"),
            }
        )
        with app.test_request_context():
            corpus = judged.corpus_by_kind(search_docs.load(None))
            state(app).providers.clear()
            for kind, docs in corpus.items():
                register_provider(
                    app, kind, lambda ids, docs=docs: [d for d in docs if ids is None or d.id in ids]
                )
            rebuild(app)

            def run(q):
                result = search(q, per_page=10, correct=True)
                return [f"{h.kind}:{h.id}" for h in result.hits], result.help

            table = judged.judge(run)
        out(f"\n## Judged queries ({table['overall']['n']} over the demo content): recall@10 and MRR\n")
        out("| kind | queries | recall@10 | MRR |")
        out("|---|---:|---:|---:|")
        for kind, row in table.items():
            out(f"| {kind} | {row['n']} | {row['recall']:.3f} | {row['mrr']:.3f} |")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
