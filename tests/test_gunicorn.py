"""Under gunicorn (gthread, as in production), HX-* headers built with url_for survive Chinese queries.

Werkzeug's test client accepts any header value, but gunicorn refuses a non-ASCII header value and
answers 500. So a view that puts ``url_for(..., q="红色")`` into HX-Push-Url / HX-Location must be proven
under gunicorn itself: ``url_for`` percent-encodes, a raw Chinese URL does not.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app import config as config_module
from app.hotline.privacy import _load_or_create_key

# One gunicorn for the module: with `--dist loadgroup` (make test, .ci/run) its tests share a worker.
pytestmark = pytest.mark.xdist_group("gunicorn")

ROOT = Path(__file__).resolve().parents[1]

WSGI_MODULE = '''
from flask import make_response, url_for
from htmx_flask import make_response as hx_response

from app import create_app

app = create_app()


@app.get("/_gunicorn/push")
def push():
    """HX-* headers from url_for with a Chinese query string."""
    response = make_response("ok")
    response.headers["HX-Push-Url"] = url_for("web.home", q="红色地名 章丘")
    response.headers["HX-Location"] = url_for("web.home", q="婚俗改革")
    return response


@app.get("/_gunicorn/htmx-flask")
def push_with_htmx_flask():
    """The same through htmx-flask's make_response(push_url=...)."""
    return hx_response("ok", push_url=url_for("web.home", q="幸福泉城"))


@app.get("/_gunicorn/raw")
def raw():
    """The pitfall: a raw non-ASCII header value."""
    response = make_response("ok")
    response.headers["HX-Push-Url"] = "/?q=红色"
    return response
'''


def _listening_socket() -> socket.socket:
    """A socket bound to a free port, handed to gunicorn as ``fd://N``.

    Binding here and passing the descriptor leaves no window in which a parallel test (another
    xdist worker's live server) could take a port that was only looked up as free.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def _get(url: str, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


class Server(str):
    """The server's base URL, with its log file as ``log``."""

    log: Path


@pytest.fixture(scope="module")
def gunicorn_server(app_config, tmp_path_factory):
    """gunicorn with gthread workers serving the app (APP_ENV=production) on the test database."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    (tmp_path / "gunicorn_probe.py").write_text(WSGI_MODULE, encoding="utf-8")
    listener = _listening_socket()
    port = listener.getsockname()[1]
    env = dict(
        os.environ,
        APP_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        # Production refuses to start without the key, or with one that cannot read the data (issue 14).
        HOTLINE_DATA_KEY=_load_or_create_key(str(config_module.INSTANCE)),
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        SEARCH_INDEX_DIR=app_config["SEARCH_INDEX_DIR"],
        UPLOAD_DIR=app_config["UPLOAD_DIR"],
        INSTANCE_PATH=str(tmp_path / "instance"),
        PYTHONPATH=str(ROOT),
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"fd://{listener.fileno()}",
        "--workers",
        "1",
        "--threads",
        "2",
        "--chdir",
        str(tmp_path),
        "gunicorn_probe:app",
    ]
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),)
    )
    listener.close()  # gunicorn holds its own copy
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail("gunicorn exited:\n" + (tmp_path / "gunicorn.log").read_text())
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer:\n" + (tmp_path / "gunicorn.log").read_text())
            time.sleep(0.2)
        server = Server(base)
        server.log = tmp_path / "gunicorn.log"
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.slow
def test_hx_headers_from_url_for_work_under_gunicorn(gunicorn_server):
    """HX-Push-Url/HX-Location built with url_for for Chinese queries are percent-encoded, not a 500."""
    status, headers, _ = _get(gunicorn_server + "/_gunicorn/push", {"HX-Request": "true"})
    assert status == 200
    assert headers["HX-Push-Url"] == "/?q=%E7%BA%A2%E8%89%B2%E5%9C%B0%E5%90%8D+%E7%AB%A0%E4%B8%98"
    assert headers["HX-Location"].startswith("/?q=%E5")
    status, headers, _ = _get(gunicorn_server + "/_gunicorn/htmx-flask", {"HX-Request": "true"})
    assert status == 200 and headers["HX-Push-Url"].isascii()


@pytest.mark.slow
def test_raw_chinese_header_is_the_pitfall(gunicorn_server):
    """The control: a raw non-ASCII header value makes gunicorn answer 500 (why url_for is required)."""
    status, _, _ = _get(gunicorn_server + "/_gunicorn/raw")
    assert status == 500


@pytest.mark.slow
def test_pages_and_errors_under_gunicorn(gunicorn_server):
    """The home page, /healthz, and an htmx error fragment work in production mode under gunicorn."""
    status, headers, body = _get(gunicorn_server + "/")
    assert status == 200 and "幸福泉城热线" in body
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    status, headers, body = _get(gunicorn_server + "/no-such-page", {"HX-Request": "true"})
    assert status == 404 and headers["HX-Retarget"] == "#htmx-alert" and "页面不存在" in body
    status, headers, body = _get(gunicorn_server + "/console/", {"HX-Request": "true"})
    assert status == 401 and headers["HX-Redirect"].startswith("/login?next=")


def test_worker_renders_the_main_pages_before_taking_requests(gunicorn_server):
    """post_worker_init warms the worker (app/ops/warmup.py): every registered page, once, without errors."""
    log = gunicorn_server.log.read_text()
    assert re.search(r'"warm-up: [78] page\(s\) in \d+ ms"', log), log  # 8 when a place is published
    assert "warm-up: /" not in log and "did not answer 200" not in log  # every page was warmed
    frozen = re.search(r"gc: (\d+) objects frozen after the warm-up", log)
    assert frozen and int(frozen.group(1)) > 10_000, log  # the full collections skip what start-up loaded
