"""Use cases of cohorts: forming.py (see, propose, move, split, merge, confirm) and school_classes.py (the class list
import).
"""
