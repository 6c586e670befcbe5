"""Use cases of cohorts: forming.py (see, propose, move, split, merge, confirm), school_classes.py (the class list
import), overview.py (what the coordinators' page and API show) and loading.py (load_cohort, shared with scheduling).
"""
