"""Use cases of participants: sign_up.py (register_participant, writing through storage.py), enrolment.py (open
groups), registrations.py (find, withdraw, end), known_person.py, private_links.py.
"""
