"""Our engine as the site uses it: ``app.search.search()`` in an app whose only provider serves the corpus."""

import json
import time
from pathlib import Path

from app import create_app
from app.search import evaluate as ev
from app.search import register_provider, search
from app.search.analysis import normalize_query
from app.search.engine import rebuild, state
from app.search.index import SCHEMA_VERSION
from app.search.query import FILTER_FIELDS, query_groups
from searchbench.measure import dir_size


class Ours:
    name = "whoosh (ours)"

    def __init__(self, docs, workdir: Path, procs: int, cache: Path | None = None, label: str = ""):
        """Build (or, with ``cache``, reuse) the index of ``docs``; ``label`` names another checkout's build."""
        if label:
            self.name = f"whoosh ({label})"
        index_dir = workdir / "whoosh"
        if cache is not None:
            index_dir = cache / f"whoosh-{label + '-' if label else ''}{len(docs)}-v{SCHEMA_VERSION}"
        self.app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.db'}",
                "SEARCH_INDEX_DIR": str(index_dir),
            }
        )
        state(self.app).providers.clear()
        by_id = {d.id: d for d in docs}
        register_provider(
            self.app,
            "place",
            lambda ids: list(docs) if ids is None else [by_id[i] for i in ids if i in by_id],
        )
        self.ctx = self.app.app_context()
        self.ctx.push()
        stats = index_dir / "build.json"
        if cache is not None and stats.exists() and state(self.app).store.live_dir():
            self.build_s, self.build_cpu = json.loads(stats.read_text())
            self.name += " (index reused)"
        else:
            t0, c0 = time.perf_counter(), time.process_time()
            rebuild(self.app, procs=procs)
            self.build_s = time.perf_counter() - t0
            self.build_cpu = time.process_time() - c0
            if cache is not None:
                stats.write_text(json.dumps([self.build_s, self.build_cpu]))
        self.size = dir_size(state(self.app).store.live_dir())

    def query(self, q):
        return search(q, per_page=20, facets=("town", "category"))

    def found(self, q, uid) -> bool:
        view = ev.IndexView.for_searcher(state(self.app).store.searcher())
        groups = query_groups(normalize_query(q))
        matched, _, _ = ev.evaluate(view, groups, None, None, FILTER_FIELDS)
        return bool(view.ids("uid", uid) & matched)

    def close(self):
        self.ctx.pop()
