"""Pages of staff accounts: sign_in.py (password, sign out, one-time links), second_factor.py, team.py (the admin's
team).
"""
