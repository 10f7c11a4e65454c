"""Markdown to safe HTML (one renderer for the public pages and the editor preview), and plain text.

markdown-it-py runs with raw HTML disabled, then nh3 keeps only a short allow-list of tags and
attributes: no script, no event handlers, no ``javascript:`` URLs, no ``hx-*``/``data-*`` attributes
(htmx would otherwise act on attributes an editor smuggled into a page).
"""

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# What the editor form refuses outright, so the editor learns why instead of seeing it silently dropped.
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^>]*)?/?>")
_BAD_SCHEME = re.compile(r"(java|vb)\s*script\s*:|data\s*:\s*text/html", re.IGNORECASE)
_HX_ATTR = re.compile(
    r"\b(data-)?hx-[a-z:-]+\s*=|\bon(click|load|error|mouse[a-z]*|focus|blur|toggle|key[a-z]*|submit|change|input)\s*=",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])

    def heading_open(renderer, tokens, idx, options, env):
        # The page title is the only <h1>: Markdown "#" becomes <h2>, and so on.
        token = tokens[idx]
        token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
        return renderer.renderToken(tokens, idx, options, env)

    def heading_close(renderer, tokens, idx, options, env):
        token = tokens[idx]
        token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    return md


def sanitize_html(raw: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> Markup:
    """Render editor Markdown to sanitised HTML, safe to insert into any page."""
    if not text:
        return Markup("")
    return _rendered(text)


@lru_cache(maxsize=256)
def _rendered(text: str) -> Markup:
    """The rendering itself: a pure function of the text, so kept per process (issue 12: about a third of an
    uncached article page was parsing and sanitising the same body again). An edit is new text, never stale."""
    return Markup(sanitize_html(_parser().render(text)))  # noqa: S704  (nh3 allow-list output)


def plain_text(text: str | None) -> str:
    """Markdown to plain text (for search, meta descriptions and diffs of rendered output)."""
    if not text:
        return ""
    stripped = nh3.clean(_parser().render(text), tags=set())
    return re.sub(r"\s+", " ", html.unescape(stripped)).strip()


def markup_problem(text: str | None) -> str | None:
    """Return a Chinese message when Markdown contains raw HTML or script URLs, else None."""
    if not text:
        return None
    text = html.unescape(text)  # &#106;avascript: is still javascript:
    if _TAG.search(text) or _HX_ATTR.search(text):
        return "正文不能包含 HTML 标签或属性（如 <script>、onclick、hx-get），请改用 Markdown 格式书写。"
    if _BAD_SCHEME.search(text):
        return "正文不能包含 javascript: 等脚本链接，链接请以 https:// 开头。"
    return None
