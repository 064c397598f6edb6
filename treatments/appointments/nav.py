from clinic.navigation import NavItem

ITEMS: list[NavItem] = [
    NavItem(
        "Calendar",
        "appointments:calendar",
        "appointments.view_appointment",
        "The day and week of every provider, room and device.",
    ),
    NavItem(
        "Book sessions",
        "appointments:plans-to-book",
        "appointments.book_appointment",
        "Accepted plans waiting for their sessions to be booked.",
    ),
]
