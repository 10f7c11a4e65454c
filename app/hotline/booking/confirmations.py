"""What the schedule console's destructive buttons ask before they run (app/web/confirm.py, issue 13)."""

from flask import url_for

from app.hotline.booking.models import WEEKDAYS, AvailabilityRule, Closure, ExtraWorkday
from app.web.confirm import Confirmation, describes


@describes("hotline.rule_delete")
def rule_delete(rule: AvailabilityRule) -> Confirmation:
    name = f"{rule.weekday_label} {rule.start_time:%H:%M}–{rule.end_time:%H:%M} {rule.mode_label}"
    return Confirmation(
        title="删除每周时段规则",
        question=f"确定要删除每周规则“{name}”吗？",
        consequence="以后不再按这条规则生成时段；还没有人预约的时段随即删除，已有预约的时段保留。",
        button="确定删除",
        back_url=url_for("hotline.schedule_home"),
    )


@describes("hotline.closure_delete")
def closure_delete(closure: Closure) -> Confirmation:
    day = f"{closure.closed_on.isoformat()} {WEEKDAYS[closure.closed_on.weekday()]}"
    reason = f"（{closure.reason}）" if closure.reason else ""
    return Confirmation(
        title="删除休息日",
        question=f"确定要删除休息日 {day}{reason}吗？",
        consequence="这一天将按每周规则重新开放预约（需要时请再点“生成时段”）。",
        button="确定删除",
        back_url=url_for("hotline.schedule_home"),
    )


@describes("hotline.workday_delete")
def workday_delete(extra: ExtraWorkday) -> Confirmation:
    day = f"{extra.work_on.isoformat()} {WEEKDAYS[extra.work_on.weekday()]}"
    reason = f"（{extra.reason}）" if extra.reason else ""
    return Confirmation(
        title="删除调休上班日",
        question=f"确定要删除调休上班日 {day}{reason}吗？",
        consequence=(
            f"这一天将按平常的{WEEKDAYS[extra.work_on.weekday()]}对待，不再借用{WEEKDAYS[extra.use_weekday]}的规则；"
            "已生成的时段要再点“生成时段”才会调整。"
        ),
        button="确定删除",
        back_url=url_for("hotline.schedule_home"),
    )
