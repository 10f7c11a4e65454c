"""What happened to a booking, for whoever keeps records of it (case management).

Sent by ``booking.services`` inside the booking's own transaction (after flush, before commit);
receivers run synchronously and may only flush: if one raises, the booking fails and rolls back.

- ``booking_created``: sender = the new ``Booking``; keyword ``urgent`` (bool, keyword triage).
- ``booking_moved``: sender = the ``Booking`` (already on its new slot); keyword ``old_slot``.
- ``booking_cancelled``: sender = the cancelled ``Booking``.
"""

from flask.signals import Namespace

_signals = Namespace()

booking_created = _signals.signal("hotline-booking-created")
booking_moved = _signals.signal("hotline-booking-moved")
booking_cancelled = _signals.signal("hotline-booking-cancelled")
