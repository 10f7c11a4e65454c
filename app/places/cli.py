"""``flask places import|export``."""

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from app.places import exporter
from app.places.errors import ImportRejected
from app.places.importing import apply

places_cli = AppGroup("places", help="红色地名档案：导入与导出。")


def _print_problems(report, limit: int = 200) -> None:
    for problem in report.problems[:limit]:
        where = []
        if problem.row:
            where.append(f"第 {problem.row} 行")
        if problem.column:
            where.append(f"{problem.column_label} 列")
        level = "错误" if problem.is_error else "提示"
        value = f"（值：{problem.value}）" if problem.value else ""
        click.echo(f"[{level}] {' '.join(where) or '文件'}：{problem.message}{value}")
    if len(report.problems) > limit:
        click.echo(f"…… 另有 {len(report.problems) - limit} 条问题未列出")


@places_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查并报告问题，不写入。")
@click.option("--publish", is_flag=True, help="导入的条目直接发布（否则新条目为草稿，已有条目保持原状态）。")
def import_command(path: Path, dry_run: bool, publish: bool):
    """Import entries from a CSV or XLSX file (all or nothing, upsert by code)."""
    data = path.read_bytes()
    if dry_run:
        report = apply.check(data, path.name)
    else:
        try:
            report = apply.run(data, path.name, publish=publish)
        except ImportRejected as exc:
            report = exc.report
    _print_problems(report)
    click.echo(
        f"共 {report.total_rows} 行（跳过空行 {report.empty_rows}）；"
        f"错误 {len(report.errors)} 条，提示 {len(report.warnings)} 条。"
    )
    if not report.ok:
        click.echo("有错误，未写入任何数据。请修改后重新导入。", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"检查通过：将新建 {report.to_create} 条，更新 {report.to_update} 条（未写入）。")
    else:
        click.echo(
            f"导入完成：新建 {report.created} 条，更新 {report.updated} 条，已发布 {report.published} 条。"
            + (f"{report.staged} 个已发布条目的改动保存为未发布的修改，待审核。" if report.staged else "")
        )


@places_cli.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "geojson", "xlsx"]), default="csv", show_default=True
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件（默认写到标准输出）。"
)
@click.option(
    "--status",
    type=click.Choice(["draft", "in_review", "published", "archived"]),
    help="只导出某一状态的条目。",
)
def export_command(fmt: str, output: Path | None, status: str | None):
    """Export every entry with its status as CSV, XLSX, JSON or GeoJSON."""
    data = exporter.export(fmt, status)
    if output is None:
        if fmt == "xlsx":
            output = Path(f"places-{date.today():%Y%m%d}.xlsx")
        else:
            click.echo(data, nl=False)
            return
    output.write_bytes(data)
    click.echo(f"已写入 {output}（{len(data)} 字节）", err=True)
