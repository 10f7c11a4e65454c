"""Test helper for destructive actions that ask first (app/web/confirm.py, issue 13)."""

import re


def asks_first(client, url: str, question: str, data: dict | None = None) -> str:
    """A plain POST without confirm=yes is sent (303) to the GET page, which asks ``question`` and holds
    the real POST form (confirm=yes, the CSRF token, 取消). Returns the page's HTML."""
    response = client.post(url, data=dict(data or {}))
    assert response.status_code == 303 and response.headers["Location"] == url
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and question in html
    form = re.search(rf'<form method="post" action="{url}"[^>]*>(.*?)</form>', html, re.S)
    assert form, "the real POST form"
    assert 'name="confirm" value="yes"' in form.group(1) and 'name="csrf_token"' in form.group(1)
    assert "取消" in form.group(1)
    return html


def back_link(html: str) -> str:
    """Where the confirmation page's 取消 leads."""
    link = re.search(r'<a class="btn btn-secondary" href="([^"]*)">取消</a>', html)
    assert link, "a 取消 link"
    return link.group(1)
