"""Helpers for tests that run real concurrent processes."""

import multiprocessing


def process_context():
    """A multiprocessing context for tests that run real concurrent processes against the test database.

    ``forkserver``: children fork from a clean server process that imported the app but never opened a
    database, so no SQLite handle or lock state of this process (or of the live browser-test server)
    leaks into them (carrying SQLite state across ``fork()`` corrupts the database), and they still
    start in milliseconds, unlike ``spawn``.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["app", "app.extensions", "flask", "sqlalchemy"])
    return ctx


def read_bytes_elsewhere(path) -> bytes:
    """Read a file in a child process.

    Opening and closing a SQLite database file (or its -wal) in this process would drop every POSIX
    lock this process's SQLite connections hold on it (fcntl locks are per process, released by any
    close), which later lets another process corrupt the shared test database. A child's close cannot.
    """
    import subprocess

    return subprocess.run(["cat", str(path)], check=True, capture_output=True).stdout
