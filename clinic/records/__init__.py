"""Patient rights: one patient's whole record exported (JSON and a readable PDF) and a
patient deleted as an explicit, two-step, audited act. Clinic admins only.

It spans every app's records (intakes, assessments, plans, sessions, photos), so it lives in
the project package, which may import them all.
"""
