"""``flask search reindex`` and ``flask search check``."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.search.engine import check, degraded_counters, rebuild
from app.search.index import IndexUnavailable
from app.search.outbox import lag

search_cli = AppGroup("search", help="Search index maintenance.")


@search_cli.command("reindex")
@click.option("--procs", default=1, show_default=True, help="Whoosh writer processes.")
def reindex_command(procs: int) -> None:
    """Build a fresh index beside the live one and swap it in atomically."""
    stats = rebuild(current_app._get_current_object(), blocking=True, procs=max(1, procs))
    click.echo(
        f"已重建索引：{stats['documents']} 条文档，用时 {stats['seconds']:.1f} 秒"
        f"（{stats['generation']}，补写 {stats['replayed']} 条）"
    )


@search_cli.command("check")
@click.option("--limit", default=20, show_default=True, help="Ids listed per kind of drift.")
def check_command(limit: int) -> None:
    """Report drift between the database and the index, and degraded answers; exit 1 on drift."""
    app = current_app._get_current_object()
    counters = degraded_counters(app)
    since = counters["degraded_since"]
    click.echo(
        f"数据库回退回答：累计 {counters['fallback_count']} 次"
        + (f"；自 {since} 起索引不可用（降级中）" if since else "；当前未降级")
    )
    position = lag(app)
    if position["lag"] is not None:
        click.echo(
            f"本机索引已应用变更记录 {position['applied_seq']}/{position['outbox_seq']}，落后 {position['lag']} 条"
        )
    try:
        report = check(app)
    except IndexUnavailable as exc:
        click.echo(f"索引不可用：{exc}（请运行 flask search reindex）", err=True)
        raise SystemExit(1) from exc
    click.echo(f"数据库公开文档 {report['database']} 条，索引 {report['index']} 条")
    for key, label in (
        ("missing", "数据库有、索引缺"),
        ("extra", "索引有、数据库无"),
        ("stale", "索引内容过期"),
    ):
        ids = report[key]
        if ids:
            shown = "、".join(ids[:limit]) + ("…" if len(ids) > limit else "")
            click.echo(f"{label}：{len(ids)} 条 {shown}")
    if not report["ok"]:
        click.echo("索引与数据库不一致（运行 flask search reindex 修复）", err=True)
        raise SystemExit(1)
    click.echo("索引与数据库一致")
