"""Public affairs mutations (公共事务), one module each."""

from __future__ import annotations

import strawberry

from schema.bookings.mutations.book_resource import book_resource
from schema.bookings.mutations.cancel_booking import cancel_booking
from schema.bookings.mutations.change_booking import change_booking
from schema.bookings.mutations.create_bookable_resource import create_bookable_resource
from schema.bookings.mutations.decide_booking import decide_booking
from schema.bookings.mutations.update_bookable_resource import update_bookable_resource


@strawberry.type
class BookingMutation:
    create_bookable_resource = create_bookable_resource
    update_bookable_resource = update_bookable_resource
    book_resource = book_resource
    change_booking = change_booking
    cancel_booking = cancel_booking
    decide_booking = decide_booking
