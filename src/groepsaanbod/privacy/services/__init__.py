"""Use cases of the AVG: rights.py (a person's data and erasure on request), erasure.py (erasing one person),
housekeeping.py (the worker's due erasures).
"""
