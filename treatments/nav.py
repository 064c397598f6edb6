from clinic.navigation import NavItem

ITEMS: list[NavItem] = [
    NavItem(
        "Catalog",
        "treatments:catalog",
        "treatments.view_treatment",
        "Treatments, prices, session rules and contraindications.",
    ),
]

# Sessions (issue 6).
ITEMS += [
    NavItem(
        "Calendar",
        "treatments:calendar",
        "treatments.view_appointment",
        "The day and week of every provider, room and device.",
    ),
    NavItem(
        "Book sessions",
        "treatments:plans-to-book",
        "treatments.book_appointment",
        "Accepted plans waiting for their sessions to be booked.",
    ),
]
