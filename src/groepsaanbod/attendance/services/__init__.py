"""Use cases of attendance: registers.py (the register and head counts), meetings.py (which meetings and
people a register covers), signals.py (drop-out signals), reports.py (with report_counts.py, the counting)
and exports.py.
"""
