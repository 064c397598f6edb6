from clinic.navigation import NavItem

ITEMS = [
    NavItem(
        "Catalog admin",
        "admin:index",
        "treatments.change_condition",
        "Edit treatments, prices, session rules, contraindications and questionnaires.",
    ),
]
