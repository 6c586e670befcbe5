"""Use cases of staff accounts: staff.py (create, roles, sign in and out), links.py (one-time links), invitations.py,
second_factor.py, code_check.py.
"""
