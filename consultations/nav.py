from clinic.navigation import NavItem

ITEMS: list[NavItem] = []
