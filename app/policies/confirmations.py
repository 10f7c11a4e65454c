"""What the policies console's destructive buttons ask before they run (app/web/confirm.py, issue 13)."""

from flask import url_for

from app.policies import services
from app.policies.models import Article, ArticleRevision, Faq
from app.web.confirm import Confirmation, describes


@describes("policies.unpublish")
def unpublish(article: Article) -> Confirmation:
    if article.is_scheduled():
        consequence = "撤回后定时发布取消，到时间也不会公开；文章回到草稿状态，网址保持不变。"
    else:
        consequence = "撤回后公开页面不再显示，也不会出现在搜索结果里；文章回到草稿状态，网址保持不变。"
    if article.draft is not None:
        consequence += "未发布的修改会并入草稿。"
    return Confirmation(
        title="撤回发布",
        question=f"确定撤回“{article.title}”的发布吗？",
        consequence=consequence,
        button="确定撤回",
        back_url=url_for("policies.edit_article", article_id=article.id),
    )


@describes("policies.discard")
def discard(article: Article) -> Confirmation:
    return Confirmation(
        title="放弃修改",
        question=f"确定放弃“{article.title}”未发布的修改吗？",
        consequence="这些修改将被删除，公开页面和搜索结果仍是已发布的版本（修改记录仍在版本记录里）。",
        button="确定放弃",
        back_url=url_for("policies.edit_article", article_id=article.id),
    )


@describes("policies.restore")
def restore(revision: ArticleRevision) -> Confirmation:
    article = revision.article
    if services.has_live_version(article):
        consequence = "恢复的内容作为未发布的修改保存，公开页面和搜索结果不变，点“发布修改”后才生效。"
    else:
        consequence = "恢复的内容作为新的版本保存，当前内容仍留在版本记录里。"
    return Confirmation(
        title="恢复旧版本",
        question=f"确定把“{article.title}”恢复到第 {revision.number} 版吗？",
        consequence=consequence,
        button="确定恢复",
        back_url=url_for("policies.list_revisions", article_id=article.id),
    )


@describes("policies.faq_delete")
def faq_delete(faq: Faq) -> Confirmation:
    return Confirmation(
        title="删除常见问题",
        question=f"确定要删除常见问题“{faq.question}”吗？",
        consequence="删除后常见问题页面和搜索结果里不再显示，不能恢复。",
        button="确定删除",
        back_url=url_for("policies.edit_faq", faq_id=faq.id),
    )
