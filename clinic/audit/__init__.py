"""The audit trail: who created, changed, deleted or opened which record, from where.

django-auditlog writes the rows (`auditlog.LogEntry`); this package decides what is recorded
(`registry`), records the reads that matter (`access`), and shows the log to Clinic admins
(`selectors`, `views`, the `audit` template tags). Nothing here edits or deletes a row.
"""
