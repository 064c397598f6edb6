"""One date and clock format for the clinic (a US clinic by default): "9:00 AM",
"Dec 2, 2026", "Dec 2, 2026, 9:00 AM".

Django always localizes, so these are read from here (FORMAT_MODULE_PATH) rather than from
settings; templates write `|time`, `|date`, `|date:"DATETIME_FORMAT"` and Python code
`clinic.formats.display.clock()` / `moment()`, never a literal format such as "H:i".
Formats not named here (input formats, first day of week) are Django's own for English.
"""

TIME_FORMAT = "g:i A"
DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, g:i A"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
