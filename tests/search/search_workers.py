"""Worker processes for the concurrency test (module-level so ``spawn`` can import them)."""

import logging
import sys

from app.search import SearchDocument


def doc_for(ident: str) -> SearchDocument:
    return SearchDocument(
        kind="place", id=ident, title=f"并发写入测试点{ident}", url=f"/places/{ident}", body="并发"
    )


def expected_ids(workers: int, count: int) -> list[str]:
    return [f"W{w}-{i:03d}" for w in range(workers) for i in range(count)]


def loader(workers: int, count: int):
    def load(ids):
        return [doc_for(i) for i in (expected_ids(workers, count) if ids is None else ids)]

    return load


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        if record.levelno >= logging.ERROR or "failed" in record.getMessage():
            self.records.append(record.getMessage())


def write_many(config: dict, worker: int, workers: int, count: int, barrier) -> None:
    """Create an app (as a gunicorn worker would), then commit ``count`` scheduled updates."""
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db
    from app.search import register_provider, schedule
    from app.search.engine import state

    errors = _Errors()
    logging.getLogger("app.search").addHandler(errors)
    app = create_app(config)
    state(app).providers.clear()
    register_provider(app, "place", loader(workers, count))
    barrier.wait(timeout=120)
    with app.app_context():
        for i in range(count):
            db.session.execute(text("SELECT 1"))
            schedule("place", f"W{worker}-{i:03d}")
            db.session.commit()
    if errors.records:
        print("\n".join(errors.records), file=sys.stderr)
        sys.exit(1)
