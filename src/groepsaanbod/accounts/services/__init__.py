"""Use cases of staff accounts: staff.py (create, roles, sign in and out), links.py (one-time links), invitations.py
(inviting) and invitation_answers.py (answering), team.py (reading a team), second_factor.py, code_check.py.
"""
