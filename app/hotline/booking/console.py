"""Schedule console (counselors, admins): weekly rules, closures, holidays, make-up workdays, slots, settings."""

from datetime import timedelta

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import select

from app.extensions import db
from app.hotline import triage
from app.hotline.blueprint import bp
from app.hotline.booking import calendar, confirmations, holidays, offers
from app.hotline.booking.errors import ScheduleError
from app.hotline.booking.forms import (
    ClosureForm,
    ConfirmForm,
    ExtraWorkdayForm,
    HolidayForm,
    MaterializeForm,
    RuleForm,
    SettingsForm,
)
from app.hotline.booking.models import WEEKDAYS, AvailabilityRule, Closure, ExtraWorkday, Slot
from app.web.access import role_required
from app.web.confirm import ask_first
from app.web.render import render
from app.web.time import local_day_bounds, local_now

STAFF = ("counselor", "admin")


def _report_flash(report: calendar.SlotReport) -> None:
    flash(
        f"时段已更新：新增 {report.created} 个，调整 {report.updated} 个，停用或删除 {report.removed} 个。",
        "success",
    )
    for warning in report.warnings[:10]:
        flash(warning, "warning")
    if len(report.warnings) > 10:
        flash(f"另有 {len(report.warnings) - 10} 个已预约的时段被保留。", "warning")


def _overview_context() -> dict:
    today = local_now().date()
    rules = db.session.scalars(
        select(AvailabilityRule).order_by(AvailabilityRule.weekday, AvailabilityRule.start_time)
    ).all()
    closures = db.session.scalars(
        select(Closure).where(Closure.closed_on >= today - timedelta(days=7)).order_by(Closure.closed_on)
    ).all()
    extras = db.session.scalars(
        select(ExtraWorkday)
        .where(ExtraWorkday.work_on >= today - timedelta(days=7))
        .order_by(ExtraWorkday.work_on)
    ).all()
    start, _ = local_day_bounds(today)
    upcoming = db.session.scalars(select(Slot).where(Slot.start_at >= start)).all()
    calls = [(c, len(calendar.bookings_to_move(c.closed_on))) for c in closures if c.closed_on >= today]
    return {
        "rules": rules,
        "closures": closures,
        "closure_calls": [(c, n) for c, n in calls if n],
        "extras": extras,
        "weekdays": WEEKDAYS,
        "slot_count": len(upcoming),
        "free_count": sum(s.free for s in upcoming),
        "booked_count": sum(s.booked for s in upcoming),
        "closure_form": ClosureForm(formdata=None),
        "extra_form": ExtraWorkdayForm(formdata=None),
        "holiday_form": HolidayForm(formdata=None, data={"year": today.year}),
        "slots_form": MaterializeForm(formdata=None, data={"days": calendar.booking_days()}),
        "confirm_form": ConfirmForm(formdata=None),
        "this_year": today.year,
    }


@bp.get("/console/hotline/schedule/")
@role_required(*STAFF)
def schedule_home():
    """Show the weekly rules, closures, make-up workdays and slot numbers."""
    return render("hotline/console/schedule.html", **_overview_context())


def _rule_form_page(form: RuleForm, rule: AvailabilityRule | None, status: int = 200):
    return render("hotline/console/rule_form.html", form=form, rule=rule, status=status)


@bp.route("/console/hotline/schedule/rules/new", methods=["GET", "POST"])
@role_required(*STAFF)
def schedule_rule_new():
    """Add a weekly rule, then refresh the slots."""
    return _save_rule_view(None)


@bp.route("/console/hotline/schedule/rules/<int:rule_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def schedule_rule_edit(rule_id: int):
    """Edit a weekly rule, then refresh the slots (booked slots are kept, with a warning)."""
    rule = db.session.get(AvailabilityRule, rule_id) or abort(404)
    return _save_rule_view(rule)


def _save_rule_view(rule: AvailabilityRule | None):
    form = RuleForm(obj=rule) if request.method == "GET" else RuleForm()
    affected = {rule.weekday} if rule else set()
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in RuleForm.field_names()}
        values["slot_minutes"] = form.slot_minutes.data
        try:
            calendar.save_rule(rule, **values)
        except ScheduleError as exc:
            getattr(form, exc.field or "start_time").errors.append(exc.message)
            return _rule_form_page(form, rule, 422)
        # Only the days this rule shapes (its old and new weekday): other days' warnings are not news.
        _report_flash(calendar.materialize_slots(weekdays=affected | {values["weekday"]}))
        return redirect(url_for("hotline.schedule_home"), code=303)
    return _rule_form_page(form, rule, 422 if request.method == "POST" else 200)


@bp.route("/console/hotline/schedule/rules/<int:rule_id>/delete", methods=["GET", "POST"])
@role_required(*STAFF)
def schedule_rule_delete(rule_id: int):
    """Delete a weekly rule after confirmation; its free future slots go, booked ones stay (with a warning)."""
    rule = db.session.get(AvailabilityRule, rule_id) or abort(404)
    if (asked := ask_first(confirmations.rule_delete(rule))) is not None:
        return asked
    if ConfirmForm().validate_on_submit():
        weekday = rule.weekday
        calendar.delete_rule(rule)
        _report_flash(calendar.materialize_slots(weekdays={weekday}))
    return redirect(url_for("hotline.schedule_home"), code=303)


def _overview_with(status: int, **forms):
    ctx = _overview_context()
    ctx.update(forms)
    return render("hotline/console/schedule.html", status=status, **ctx)


@bp.post("/console/hotline/schedule/closures")
@role_required(*STAFF)
def schedule_closure_add():
    """Close a day; warn when it already has bookings (they are kept)."""
    form = ClosureForm()
    if not form.validate_on_submit():
        return _overview_with(422, closure_form=form)
    try:
        closure = calendar.add_closure(form.closed_on.data, form.reason.data or "休息")
    except ScheduleError as exc:
        form.closed_on.errors.append(exc.message)
        return _overview_with(422, closure_form=form)
    to_move = calendar.bookings_to_move(closure.closed_on)
    flash(f"{closure.closed_on:%Y-%m-%d} 已设为休息日，不再接受新预约。", "success")
    if to_move:
        flash(
            f"这一天有 {len(to_move)} 个预约需要改期：预约人查询时会看到改期提示，"
            "每个个案已生成提醒来电任务。下面是来电名单。",
            "warning",
        )
        return redirect(url_for("hotline.closure_calls", closure_id=closure.id), code=303)
    return redirect(url_for("hotline.schedule_home"), code=303)


@bp.route("/console/hotline/schedule/closures/<int:closure_id>/delete", methods=["GET", "POST"])
@role_required(*STAFF)
def schedule_closure_delete(closure_id: int):
    """Reopen a closed day, after confirmation."""
    closure = db.session.get(Closure, closure_id) or abort(404)
    if (asked := ask_first(confirmations.closure_delete(closure))) is not None:
        return asked
    if ConfirmForm().validate_on_submit():
        calendar.remove_closure(closure)
        flash("已取消这个休息日。需要时请点“生成时段”。", "success")
    return redirect(url_for("hotline.schedule_home"), code=303)


@bp.post("/console/hotline/schedule/workdays")
@role_required(*STAFF)
def schedule_workday_add():
    """Add a 调休 make-up workday."""
    form = ExtraWorkdayForm()
    if not form.validate_on_submit():
        return _overview_with(422, extra_form=form)
    try:
        calendar.add_extra_workday(form.work_on.data, form.use_weekday.data, form.reason.data or "调休上班")
    except ScheduleError as exc:
        form.work_on.errors.append(exc.message)
        return _overview_with(422, extra_form=form)
    flash(f"{form.work_on.data:%Y-%m-%d} 已设为调休上班日。", "success")
    return redirect(url_for("hotline.schedule_home"), code=303)


@bp.route("/console/hotline/schedule/workdays/<int:extra_id>/delete", methods=["GET", "POST"])
@role_required(*STAFF)
def schedule_workday_delete(extra_id: int):
    """Remove a make-up workday, after confirmation."""
    extra = db.session.get(ExtraWorkday, extra_id) or abort(404)
    if (asked := ask_first(confirmations.workday_delete(extra))) is not None:
        return asked
    if ConfirmForm().validate_on_submit():
        calendar.remove_extra_workday(extra)
        flash("已删除这个调休上班日。", "success")
    return redirect(url_for("hotline.schedule_home"), code=303)


@bp.post("/console/hotline/schedule/holidays")
@role_required(*STAFF)
def schedule_holidays():
    """Pre-fill the year's public holidays and 调休 workdays (existing days are left as edited)."""
    form = HolidayForm()
    if not form.validate_on_submit():
        return _overview_with(422, holiday_form=form)
    try:
        closures, workdays = holidays.prefill_holidays(form.year.data)
    except ScheduleError as exc:
        form.year.errors.append(exc.message)
        return _overview_with(422, holiday_form=form)
    flash(f"{form.year.data} 年：新增 {closures} 个放假日、{workdays} 个调休上班日。", "success")
    return redirect(url_for("hotline.schedule_home"), code=303)


@bp.post("/console/hotline/schedule/slots")
@role_required(*STAFF)
def schedule_slots():
    """Materialise slots now (same as ``flask hotline slots --days N``)."""
    form = MaterializeForm()
    if not form.validate_on_submit():
        return _overview_with(422, slots_form=form)
    _report_flash(calendar.materialize_slots(days=form.days.data))
    return redirect(url_for("hotline.schedule_home"), code=303)


@bp.route("/console/hotline/schedule/settings", methods=["GET", "POST"])
@role_required("admin")
def schedule_settings():
    """Admins edit the booking window, the minimum notice and the urgent keywords."""
    current = {
        "booking_days": calendar.booking_days(),
        "min_notice_hours": int(calendar.min_notice().total_seconds() // 3600),
        "waitlist_hold_hours": offers.hold_hours(),
        "urgent_keywords": "\n".join(triage.urgent_keywords()),
    }
    form = SettingsForm(data=current) if request.method == "GET" else SettingsForm()
    if form.validate_on_submit():
        calendar.save_settings(
            {
                "booking_days": str(form.booking_days.data),
                "min_notice_hours": str(form.min_notice_hours.data),
                "waitlist_hold_hours": str(form.waitlist_hold_hours.data),
                "urgent_keywords": form.urgent_keywords.data.strip(),
            }
        )
        flash("设置已保存。", "success")
        return redirect(url_for("hotline.schedule_home"), code=303)
    return render("hotline/console/settings.html", form=form, status=422 if request.method == "POST" else 200)
