from clinic.navigation import NavItem

ITEMS: list[NavItem] = [
    NavItem(
        "Catalog",
        "catalog:catalog",
        "treatments.view_treatment",
        "Treatments, prices, session rules and contraindications.",
    ),
]
