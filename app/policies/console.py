"""Editor console for policies: articles (draft, preview, publish, schedule, revisions) and FAQ."""

from collections.abc import Callable
from types import SimpleNamespace

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.extensions import db
from app.policies import confirmations, queries, revisions, services
from app.policies.blueprint import bp
from app.policies.forms import REQUEST_MAX_BYTES, TOO_LARGE_MESSAGE, ArticleForm, FaqForm
from app.policies.models import KINDS, TOPICS, Article, ArticleRevision, Faq
from app.web.access import role_required
from app.web.actions import attach_error, run_action
from app.web.confirm import Confirmation, ask_first
from app.web.errors import error_response
from app.web.render import render, wants_fragment
from app.web.time import to_local

EDITORS = ("editor",)  # admins grant themselves the editor role to publish: every revision names an editor


@bp.before_request
def limit_request_size():
    """Refuse oversized editor submissions early with a Chinese 413 (the app-wide cap is for uploads)."""
    if request.method == "POST" and (request.content_length or 0) > REQUEST_MAX_BYTES:
        exc = RequestEntityTooLarge()
        exc.zh_message = TOO_LARGE_MESSAGE
        raise exc


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """Explain the editor limit (also when the form parser or the CSRF check hit a size limit first)."""
    return error_response(413, TOO_LARGE_MESSAGE)


def _get_article(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        abort(404)
    return article


def _preview_of(form: ArticleForm, article: Article | None) -> SimpleNamespace:
    """A transient stand-in the public content template can render (never added to the session)."""
    data = form.content()
    kind = article.kind if article is not None else (data["kind"] if data["kind"] in KINDS else "policy")
    return SimpleNamespace(**data, kind_label=KINDS[kind], kind_=kind)


SAVED_MESSAGES = {
    "publish": "已发布，居民现在可以看到。",
    "schedule": "已设置定时发布，到时间后自动公开。",
}
CHANGE_MESSAGES = {
    "save": "修改已保存，尚未发布：公开页面仍是原来的版本，点“发布修改”后居民才能看到。",
    "publish": "修改已发布，居民现在可以看到。",
    "schedule": "修改已设置定时发布；到时间前公开页面仍是原来的版本。",
}


def _saved_message(article: Article, action: str, was_live: bool) -> str:
    """What the editor is told after a save (for a live article: what happened to the draft)."""
    if not was_live:
        return SAVED_MESSAGES.get(action, "已保存。")
    if article.draft is None and action != "publish":
        return "内容与已发布的版本相同，没有需要发布的修改。"
    return CHANGE_MESSAGES.get(action, "已保存。")


def _form_source(article: Article | None):
    """What the edit form starts from: the pending draft when there is one, else the article."""
    if article is not None and article.draft is not None:
        return SimpleNamespace(**article.draft.content())
    return article


def _article_form(article: Article | None):
    """Shared GET/POST handling for the new and edit pages (a live article's edits become its draft)."""
    form = ArticleForm(obj=_form_source(article)) if article is not None else ArticleForm()
    if article is None:
        kind = request.values.get("kind")
        if kind not in KINDS:
            if request.method == "POST":
                abort(400)  # the kind comes from a hidden field: anything else is a forged request
            kind = "policy"
        form.kind.data = kind
    if article is not None:
        form.kind.data = article.kind
        scheduled = article.draft.publish_at if article.draft is not None else None
        if article.is_scheduled():
            scheduled = article.publish_at
        if request.method == "GET" and scheduled is not None:
            form.publish_at.data = to_local(scheduled).replace(tzinfo=None)
    form.set_policy_choices(queries.policy_choices(), own_id=article.id if article else None)
    action = request.form.get("action", "save")
    status, general, preview = 200, [], None
    if request.method == "POST":
        if action == "preview":
            preview = _preview_of(form, article)
        elif form.validate():
            was_live = services.has_live_version(article)
            try:
                saved = services.save_article(
                    article, form.content(), action, current_user, form.publish_at_utc()
                )
            except services.PolicyError as exc:
                db.session.rollback()
                general = [("main", message) for message in attach_error(form, exc)]
                status = 422
            else:
                flash(_saved_message(saved, action, was_live), "success")
                return redirect(url_for("policies.edit_article", article_id=saved.id), code=303)
        else:
            status = 422
    return render(
        "policies/article_form.html",
        form=form,
        article=article,
        general_errors=general,
        preview=preview,
        kind_labels=KINDS,
        status=status,
        live_version=services.has_live_version(article),
        changes=revisions.diff_draft(article) if article is not None else [],
        second_editor=services.second_editor_required(),
    )


@bp.get("/console/policies/")
@role_required(*EDITORS)
def console_list():
    """List every article (drafts, scheduled, published) with simple filters."""
    kind = request.args.get("kind", "")
    state = request.args.get("state", "")
    q = (request.args.get("q") or "").strip()[:100]
    articles = queries.console_articles(kind, state, q)
    pending = {a.id: [d.label for d in revisions.diff_draft(a)] for a in articles if a.draft is not None}
    return render(
        "policies/console_list.html",
        articles=articles,
        pending=pending,
        kinds=KINDS,
        kind=kind,
        state=state,
        q=q,
    )


@bp.route("/console/policies/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_article():
    """Create an article of any kind (draft, publish now, or schedule)."""
    return _article_form(None)


@bp.route("/console/policies/<int:article_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_article(article_id: int):
    """Edit an article; every save keeps a revision."""
    return _article_form(_get_article(article_id))


@bp.post("/console/policies/preview")
@role_required(*EDITORS)
def preview_article():
    """Render the live preview with the public page's own template and Markdown renderer."""
    article_id = request.form.get("article_id", "")
    article = db.session.get(Article, int(article_id)) if article_id.isdigit() else None
    form = ArticleForm()
    form.set_policy_choices([])
    preview = _preview_of(form, article)
    return render("policies/preview_page.html", "policies/_preview.html", preview=preview)


@bp.route("/console/policies/<int:article_id>/unpublish", methods=["GET", "POST"])
@role_required(*EDITORS)
def unpublish_article(article_id: int):
    """Take an article off the public site, after confirmation."""
    article = _get_article(article_id)
    if (asked := ask_first(confirmations.unpublish(article))) is not None:
        return asked
    services.unpublish_article(article, current_user)
    flash("已撤回发布，文章回到草稿状态（网址保持不变）。", "success")
    return redirect(url_for("policies.edit_article", article_id=article.id), code=303)


def _pending_changes_action(
    article_id: int, action, success: str, ask: Callable[[Article], Confirmation] | None = None
):
    """Run 发布修改 / 放弃修改 on a live article; success or refusal goes back to its edit page (PRG).
    With ``ask`` (a describer in ``confirmations``) the action is destructive and asks first (GET and POST)."""
    article = _get_article(article_id)
    if ask is not None and (asked := ask_first(ask(article))) is not None:
        return asked
    back = url_for("policies.edit_article", article_id=article.id)

    def refused(status: int, error: str | None):
        flash(error or "操作没有完成。", "error")
        return redirect(back, code=303)

    return run_action(
        lambda: action(article, current_user),
        form=None,
        render_page=refused,
        success=success,
        redirect_to=back,
    )


@bp.post("/console/policies/<int:article_id>/changes/publish")
@role_required(*EDITORS)
def publish_changes(article_id: int):
    """发布修改: make the pending changes of a live article public."""
    return _pending_changes_action(article_id, services.publish_draft, "修改已发布，居民现在可以看到。")


@bp.route("/console/policies/<int:article_id>/changes/discard", methods=["GET", "POST"])
@role_required(*EDITORS)
def discard_changes(article_id: int):
    """放弃修改: drop the pending changes, after confirmation; the published version stays as it is."""
    return _pending_changes_action(
        article_id,
        services.discard_draft,
        "已放弃未发布的修改，公开页面保持原样（修改记录仍在版本记录里）。",
        ask=confirmations.discard,
    )


@bp.get("/console/policies/<int:article_id>/revisions")
@role_required(*EDITORS)
def list_revisions(article_id: int):
    """Show the revision history with a form to compare any two versions (the latest change preselected)."""
    article = _get_article(article_id)
    return render(
        "policies/revisions.html",
        article=article,
        revisions=article.revisions,
        pair=revisions.latest_change(article.revisions),
    )


@bp.get("/console/policies/<int:article_id>/diff")
@role_required(*EDITORS)
def diff_revisions(article_id: int):
    """Show what changed between two revisions (escaped text, coloured by change)."""
    article = _get_article(article_id)
    numbers = {r.number: r for r in article.revisions}
    a, b = request.args.get("a", ""), request.args.get("b", "")
    if not (a.isdigit() and b.isdigit()) or int(a) not in numbers or int(b) not in numbers:
        abort(404)
    old, new = sorted([numbers[int(a)], numbers[int(b)]], key=lambda r: r.number)
    return render(
        "policies/revision_diff.html",
        article=article,
        old=old,
        new=new,
        diffs=revisions.diff_revisions(old, new),
    )


@bp.route("/console/policies/<int:article_id>/revisions/<int:number>/restore", methods=["GET", "POST"])
@role_required(*EDITORS)
def restore_revision(article_id: int, number: int):
    """Restore an earlier version (saved as a new revision), after confirmation."""
    article = _get_article(article_id)
    revision = db.session.query(ArticleRevision).filter_by(article_id=article.id, number=number).one_or_none()
    if revision is None:
        abort(404)
    if (asked := ask_first(confirmations.restore(revision))) is not None:
        return asked
    try:
        services.restore_revision(article, revision, current_user)
    except services.PolicyError as exc:
        flash("；".join(exc.errors.values()), "error")
        return redirect(url_for("policies.list_revisions", article_id=article.id), code=303)
    if article.draft is not None:
        flash(f"已把第 {number} 版的内容作为未发布的修改，公开页面不变；点“发布修改”后生效。", "success")
    elif article.is_public():
        flash(f"第 {number} 版与已发布的版本相同，没有需要发布的修改。", "success")
    else:
        flash(f"已恢复第 {number} 版的内容（保存为新的版本）。", "success")
    return redirect(url_for("policies.edit_article", article_id=article.id), code=303)


# ---------------------------------------------------------------- FAQ


@bp.get("/console/policies/faq/")
@role_required(*EDITORS)
def console_faq():
    """List FAQ entries by topic with reorder buttons."""
    return render("policies/faq_console.html", "policies/_faq_console.html", groups=queries.faqs_by_topic())


def _faq_form(faq: Faq | None):
    """Shared GET/POST handling for the FAQ new and edit pages."""
    form = FaqForm(obj=faq)

    def page(status: int = 200, error: str | None = None):
        return render("policies/faq_form.html", form=form, faq=faq, topics=TOPICS, status=status)

    if request.method != "POST":
        return page()
    return run_action(
        lambda: services.save_faq(faq, form.question.data, form.answer.data, form.topic.data),
        form=form,
        render_page=page,
        success="常见问题已保存。",
        redirect_to=url_for("policies.console_faq"),
    )


@bp.route("/console/policies/faq/new", methods=["GET", "POST"])
@role_required(*EDITORS)
def new_faq():
    """Add an FAQ entry."""
    return _faq_form(None)


@bp.route("/console/policies/faq/<int:faq_id>/edit", methods=["GET", "POST"])
@role_required(*EDITORS)
def edit_faq(faq_id: int):
    """Edit an FAQ entry."""
    faq = db.session.get(Faq, faq_id) or abort(404)
    return _faq_form(faq)


@bp.route("/console/policies/faq/<int:faq_id>/delete", methods=["GET", "POST"])
@role_required(*EDITORS)
def delete_faq(faq_id: int):
    """Delete an FAQ entry, after confirmation."""
    faq = db.session.get(Faq, faq_id) or abort(404)
    if (asked := ask_first(confirmations.faq_delete(faq))) is not None:
        return asked
    services.delete_faq(faq)
    flash("常见问题已删除。", "success")
    return redirect(url_for("policies.console_faq"), code=303)


@bp.post("/console/policies/faq/<int:faq_id>/move")
@role_required(*EDITORS)
def move_faq(faq_id: int):
    """Move an FAQ entry up or down within its topic (plain POST redirects; htmx gets the list)."""
    faq = db.session.get(Faq, faq_id) or abort(404)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    services.move_faq(faq, direction)
    if wants_fragment():
        return render(
            "policies/faq_console.html", "policies/_faq_console.html", groups=queries.faqs_by_topic()
        )
    return redirect(url_for("policies.console_faq"), code=303)
