from clinic.navigation import NavItem

ITEMS = [
    NavItem(
        "Catalog admin",
        "admin:index",
        "treatments.change_condition",
        "Edit treatments, prices, session rules, contraindications and questionnaires.",
    ),
    NavItem(
        "Audit log",
        "audit:log",
        "auditlog.view_logentry",
        "Who created, changed, deleted or opened which record, and from where.",
    ),
]
