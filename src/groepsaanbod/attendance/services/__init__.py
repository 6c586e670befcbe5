"""Use cases of attendance: registers.py (the register and head counts), signals.py (drop-out signals), reports.py and
exports.py.
"""
