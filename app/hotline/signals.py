"""What happened to a booking, for whoever keeps records of it (case management).

Sent by ``booking.services`` inside the booking's own transaction (after flush, before commit);
receivers run synchronously and may only flush: if one raises, the booking fails and rolls back.

- ``booking_created``: sender = the new ``Booking``; keyword ``urgent`` (bool, keyword triage) and
  ``waitlist_case_id`` (int or None: the booking accepts a waitlist offer whose case already exists).
- ``booking_moved``: sender = the ``Booking`` (already on its new slot); keyword ``old_slot``.
- ``booking_cancelled``: sender = the cancelled ``Booking``.
- ``booking_needs_move``: sender = the ``Booking`` whose day was closed; keyword ``reason`` (the closure's).
- ``waitlist_offered``: sender = the ``WaitlistEntry`` just offered a place (``offered_slot``); a receiver
  sets ``entry.case_id`` to the case that carries the counselor's reminder call.
- ``places_freed``: sent AFTER the commit that gave places back (cancel, move, new slots or capacity);
  keywords ``day`` (local date) and ``mode``, or neither when any day may have changed.
- ``day_closed``: sent AFTER the commit that closed a day; keyword ``day`` (local date). The waitlist
  ends its entries for that day.
- ``waitlist_lapsed``: sender = the ``WaitlistEntry`` whose offer expired unanswered.
"""

from flask.signals import Namespace

_signals = Namespace()

booking_created = _signals.signal("hotline-booking-created")
booking_moved = _signals.signal("hotline-booking-moved")
booking_cancelled = _signals.signal("hotline-booking-cancelled")
booking_needs_move = _signals.signal("hotline-booking-needs-move")
waitlist_offered = _signals.signal("hotline-waitlist-offered")
waitlist_lapsed = _signals.signal("hotline-waitlist-lapsed")
places_freed = _signals.signal("hotline-places-freed")
day_closed = _signals.signal("hotline-day-closed")
