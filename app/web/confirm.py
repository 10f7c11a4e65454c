"""Confirmation before a destructive one-click action (issue 13): one mechanism for every such button.

- The button's form carries ``hx-confirm`` with the question, naming the thing (``confirm_attrs(c)`` in
  ``templates/macros/forms.html``). With JavaScript, ``static/js/app.js`` answers htmx's ``htmx:confirm``
  with a native ``<dialog>`` (确定/取消) and sends the form with ``confirm=yes`` on 确定.
- Without JavaScript the same POST arrives without ``confirm=yes``: ``ask_first`` answers 303 to the same
  URL, whose GET is a confirmation page (``templates/web/confirm.html``) that names what will happen and
  holds the real POST form. An htmx request that somehow lacks it is sent to that page too.

A feature registers how to describe the action once (``@describes("hotline.rule_delete")`` on a function
``thing -> Confirmation``); its template asks ``confirm_question(name, thing)`` for the dialog's text and
its view, accepting GET and POST, starts with::

    asked = ask_first(confirmations.rule_delete(rule))  # or describe("hotline.rule_delete", rule)
    if asked is not None:
        return asked
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Response, redirect, request
from flask.typing import ResponseReturnValue

from app.web.render import render, wants_fragment

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"


@dataclass(frozen=True)
class Confirmation:
    """What a destructive action asks before it runs (Chinese, naming the thing)."""

    title: str  # the confirmation page's <h1>: 删除每周规则
    question: str  # 确定要删除每周规则“周一 09:00–11:00 电话回访”吗？
    button: str  # 确定删除
    back_url: str  # where 取消 leads
    consequence: str = ""  # what happens to related things, in one sentence
    fields: dict[str, str] = field(default_factory=dict)  # hidden fields the real POST form sends


_describers: dict[str, Callable[[object], Confirmation]] = {}


def describes(name: str):
    """Register ``describe(thing) -> Confirmation`` as the confirmation of the action ``name``."""

    def register(describe: Callable[[object], Confirmation]):
        _describers[name] = describe
        return describe

    return register


def describe(name: str, thing: object) -> Confirmation:
    """The confirmation of the action ``name`` for ``thing``."""
    return _describers[name](thing)


def confirm_question(name: str, thing: object) -> str:
    """Template global: what the dialog says (``hx-confirm``): the page's question and consequence."""
    confirmation = describe(name, thing)
    return confirmation.question + confirmation.consequence


def confirmed() -> bool:
    """True for a POST that carries the confirmation (from the dialog or the confirmation page)."""
    return request.method == "POST" and request.form.get(CONFIRM_FIELD) == CONFIRM_VALUE


def ask_first(confirmation: Confirmation) -> ResponseReturnValue | None:
    """None when the action is confirmed; else the response that asks (the page, or the way to it)."""
    if confirmed():
        return None
    if request.method == "POST":
        if wants_fragment():
            return Response(status=200, headers={"HX-Redirect": request.path})
        return redirect(request.path, code=303)
    return render("web/confirm.html", c=confirmation)
