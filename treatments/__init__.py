"""The treatment journey after the intake, one small app per stage:

engine (pure planning, pricing, adjustments, slots) < catalog (label `treatments`) <
consultations (top-level app) < plans < appointments.
"""
