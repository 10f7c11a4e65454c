"""Post-deploy smoke test over HTTP: home, policies, a search, a booking end to end, a staff sign-in.

    python3 deploy/smoke.py http://127.0.0.1:5000 --user admin --password-file PATH

Run it after an install or an upgrade (CI's production stage runs it against gunicorn). It books one
real slot (note the reference it prints and cancel it in the console on a live site), so it needs a
bookable slot: a weekly rule and `flask jobs run slots`. The staff account may need a second factor:
give its TOTP secret with --totp-secret, or let the script enrol one for an account that has none.
Standard library only, plus pyotp (a dependency of the site) for the second factor.
"""

import argparse
import http.cookiejar
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyotp

TAGS = re.compile(r"<[^>]+>|\s+")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _Policy(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies to the app over plain HTTP on the host (gunicorn behind nginx's TLS)."""

    def return_ok_secure(self, cookie, request):
        return True


class Client:
    def __init__(self, base: str):
        if not base.startswith(("http://", "https://")):
            raise SystemExit(f"not an http(s) URL: {base}")
        self.base = base.rstrip("/")
        jar = http.cookiejar.CookieJar(policy=_Policy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.token = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        # As through nginx: HTTPS (so Secure cookies and Flask-WTF's same-origin Referer check apply).
        host = urllib.parse.urlsplit(self.base).netloc
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://{host}{path}"}
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310  (http(s) only)
        try:
            with self.opener.open(req, timeout=30) as response:  # noqa: S310
                status, url, text = response.status, response.url, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, url, text = exc.code, exc.url, exc.read().decode("utf-8", "replace")
        found = TOKEN.search(text)
        if found:
            self.token = found.group(1)
        return status, url, text


def check(label: str, ok: bool, detail: str = "") -> None:
    if ok:
        print(f"ok   {label}")
        return
    print(f"FAIL {label}: {detail}")
    sys.exit(1)


def public_pages(c: Client) -> None:
    status, _, html = c.request("/")
    check("home", status == 200 and "幸福泉城" in html)
    status, _, html = c.request("/policies/")
    check("policies", status == 200 and "<h1" in html)
    status, _, html = c.request("/search?q=" + urllib.parse.quote("章丘"))
    check("search", status == 200 and 'id="search-results"' in html)
    status, _, html = c.request("/healthz")
    check("healthz", status == 200 and '"database"' in html, html[:300])


def booking(c: Client) -> str:
    """Walk the booking wizard like a resident; returns the booking reference."""
    c.request("/hotline/book")
    status, _, _ = c.request("/hotline/book", {"topic": "family_dispute"})
    check("booking: topic", status == 200)
    c.request("/hotline/book/mode", {"mode": "phone"})
    _, _, html = c.request("/hotline/book/time")
    slots = re.findall(r'name="slot_id" value="(\d+)"', html)
    check(
        "booking: a free slot is offered",
        bool(slots),
        "run `flask jobs run slots` after adding a weekly rule",
    )
    c.request("/hotline/book/time", {"slot_id": slots[0]})
    c.request("/hotline/book/details")
    time.sleep(2.1)  # the form refuses answers typed faster than HOTLINE_MIN_FORM_SECONDS (a bot guard)
    phone = f"139{secrets.randbelow(10**8):08d}"  # a fresh number: one open booking per phone
    details = {"nickname": "冒烟测试", "phone": phone, "description": "", "safe_call_times": "",
               "may_leave_message": "no", "town": ""}  # fmt: skip
    status, url, html = c.request("/hotline/book/details", details)
    check("booking: details", status == 200 and "/hotline/book/consent" in url, url)
    _, _, html = c.request("/hotline/book/consent", {"consent": "y"})
    form_token = re.search(r'name="form_token"[^>]*value="([^"]+)"', html)
    check("booking: check page", form_token is not None)
    status, _, html = c.request("/hotline/book/check", {"form_token": form_token.group(1)})
    reference = re.search(r'class="reference"[^>]*>([^<]+)<', html)
    problem = re.search(r'class="[^"]*(?:error|alert)[^"]*"[^>]*>(.{0,300})', html, re.S)
    why = TAGS.sub(" ", problem.group(1)) if problem else ""
    check(
        "booking: confirmed",
        status == 200 and "预约成功" in html and reference is not None,
        f"{status} {why}",
    )
    return reference.group(1).strip()


def staff_sign_in(c: Client, user: str, password: str, totp_secret: str | None) -> None:
    """Sign in; enrol or answer the second factor when the site asks for it."""
    c.request("/login")
    status, url, html = c.request("/login", {"username": user, "password": password})
    check("staff: password accepted", status == 200 and urllib.parse.urlsplit(url).path != "/login", url)
    if "otp-secret" in html:  # first sign-in of an account that must enrol a second factor
        totp_secret = re.search(r'class="otp-secret">([^<]+)<', html).group(1).replace(" ", "")
        status, url, html = c.request(
            urllib.parse.urlsplit(url).path, {"code": pyotp.TOTP(totp_secret).now()}
        )
        check(
            "staff: second factor enrolled (recovery codes shown)",
            status in (200, 201) and "recovery-codes" in html,
            url,
        )
    elif 'name="code"' in html:
        check("staff: TOTP secret given", bool(totp_secret), "pass --totp-secret")
        status, url, html = c.request(
            urllib.parse.urlsplit(url).path, {"code": pyotp.TOTP(totp_secret).now()}
        )
    status, url, html = c.request("/console/")
    check("staff: console", status == 200 and "工作台" in html, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password-file", required=True, help="a file holding the password")
    parser.add_argument("--totp-secret", default=None)
    parser.add_argument("--no-booking", action="store_true", help="skip the booking (a live site)")
    args = parser.parse_args()
    password = Path(args.password_file).read_text(encoding="utf-8").strip()
    public_pages(Client(args.base))
    if not args.no_booking:
        print(f"     booking reference {booking(Client(args.base))}")
    staff_sign_in(Client(args.base), args.user, password, args.totp_secret)
    print("smoke test passed")


if __name__ == "__main__":
    main()
