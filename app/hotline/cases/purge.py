"""Retention: erase personal data that the hotline no longer needs, keep anonymous counts.

Two kinds of records are purged (``flask hotline purge``, safe to run daily: purged rows are skipped):

1. Cases closed (已结案/已转介) more than ``HOTLINE_RETENTION_DAYS`` (default 180) days ago.
2. Bookings that never happened (cancelled or no-show) whose slot ended more than
   ``HOTLINE_UNUSED_BOOKING_DAYS`` (default 30; the grace leaves time for the reminder call) days ago.
   If the booking's case was never worked (still 待受理) it is closed without an outcome and purged
   with it; a case that counselors are working keeps its data until it is closed and retained.
3. Waitlist entries whose wanted day is more than ``HOTLINE_UNUSED_BOOKING_DAYS`` past (an accepted
   entry handed its details to the booking at once; the phone hash stays until then for look-ups).

Erased: nickname, phone, phone hash, description, safe-call times, every version of every note text and
the follow-up texts. Kept: topic, mode, town, status, outcome, dates, the timeline (whose details never
hold personal data), the access log, and ``Case.family_id``.

Families served: the statistic needs "distinct phone numbers", but the phone hash itself is
pseudonymous personal data and is erased. Each case therefore gets an anonymous ``family_id`` when it
is opened (the family number of an earlier case with the same phone hash, else its own id). It links
cases of one family without saying who they are, survives the purge, and the statistics count distinct
``family_id`` values — so figures are identical before and after a purge. The one consequence: a family
that comes back after its earlier cases were purged gets a new family number (we no longer know it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app.extensions import db
from app.hotline.booking.models import Booking, Slot
from app.hotline.booking.waitlist import purge_waitlist
from app.hotline.cases import snippets
from app.hotline.cases.models import DONE_STATUSES, NEW, Case, CaseEvent, CaseNote, FollowUp
from app.web.time import utcnow

log = logging.getLogger(__name__)


@dataclass
class PurgeReport:
    cases: int = 0
    bookings: int = 0
    notes: int = 0
    follow_ups: int = 0
    auto_closed: int = 0
    waitlist: int = 0
    dry_run: bool = False

    def lines(self) -> list[str]:
        prefix = "would purge" if self.dry_run else "purged"
        return [
            f"{prefix}: {self.cases} closed cases, {self.bookings} bookings, {self.notes} note versions, "
            f"{self.follow_ups} follow-up texts",
            f"cases never worked, closed without outcome: {self.auto_closed}",
            f"waitlist entries {prefix}: {self.waitlist}",
        ]


def _erase_booking(booking: Booking, now) -> None:
    booking.nickname = None
    booking.phone = None
    booking.phone_hash = None
    booking.active_phone_hash = None
    booking.description = None
    booking.safe_call_times = None
    booking.purged_at = now


def _erase_case(case: Case, now, report: PurgeReport) -> None:
    case.nickname = None
    case.phone = None
    case.phone_hash = None
    case.description = None
    case.purged_at = now
    # The one place where note rows are changed: retention outranks the append-only rule.
    report.notes += db.session.execute(
        update(CaseNote).where(CaseNote.case_id == case.id, CaseNote.body.is_not(None)).values(body=None)
    ).rowcount
    report.follow_ups += db.session.execute(
        update(FollowUp)
        .where(FollowUp.case_id == case.id, FollowUp.purpose.is_not(None))
        .values(purpose=None)
    ).rowcount
    db.session.add(CaseEvent(case_id=case.id, kind="purged", detail="已按保存期限清除个人信息", at=now))
    report.cases += 1


def purge_personal_data(now=None, dry_run: bool = False) -> PurgeReport:
    """Apply the retention policy and report what was (or would be) erased."""
    now = now or utcnow()
    config = current_app.config
    retention = timedelta(days=int(config.get("HOTLINE_RETENTION_DAYS", 180)))
    grace = timedelta(days=int(config.get("HOTLINE_UNUSED_BOOKING_DAYS", 30)))
    report = PurgeReport(dry_run=dry_run)

    closed_cases = list(
        db.session.scalars(
            select(Case).where(
                Case.status.in_(DONE_STATUSES), Case.closed_at < now - retention, Case.purged_at.is_(None)
            )
        ).unique()
    )
    snippets.delete_stale_drafts(now)  # unsaved note texts kept over a sign-in (issue 13)
    for case in closed_cases:
        _erase_case(case, now, report)
        if case.booking is not None and case.booking.purged_at is None:
            _erase_booking(case.booking, now)
            report.bookings += 1

    unused = list(
        db.session.scalars(
            select(Booking)
            .join(Slot, Booking.slot_id == Slot.id)
            .where(
                Booking.status.in_(("cancelled", "no_show")),
                Slot.end_at < now - grace,
                Booking.purged_at.is_(None),
            )
        ).unique()
    )
    for booking in unused:
        case = db.session.scalar(select(Case).where(Case.booking_id == booking.id))
        if case is not None and case.purged_at is None:
            if case.status != NEW:
                continue  # counselors are working it (or it is closed): the case's own retention applies
            case.status = DONE_STATUSES[0]
            case.closed_at = now
            db.session.add(
                CaseEvent(
                    case_id=case.id, kind="status", detail=f"{NEW} → {case.status}（预约未发生）", at=now
                )
            )
            report.auto_closed += 1
            _erase_case(case, now, report)
        _erase_booking(booking, now)
        report.bookings += 1

    report.waitlist = purge_waitlist(now, grace)

    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    log.info("hotline purge%s: %s", " (dry run)" if dry_run else "", "; ".join(report.lines()))
    return report
