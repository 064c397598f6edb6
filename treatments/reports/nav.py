from clinic.navigation import NavItem

ITEMS: list[NavItem] = [
    NavItem(
        "Business reports",
        "reports:business",
        "reports.view_business",
        "The funnel, plan value by month, no-shows and cancellations; export each table.",
    ),
    NavItem(
        "Utilisation",
        "reports:utilisation",
        "reports.view_utilisation",
        "How busy each provider, room and device is, week by week.",
    ),
    NavItem(
        "Treatment outcomes",
        "reports:outcomes",
        "reports.view_outcomes",
        "Measured reduction per session against the catalog's assumption, per area.",
    ),
]
