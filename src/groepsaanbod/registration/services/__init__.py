"""Use cases of participants: sign_up.py (register_participant, reading through sign_up_reads.py and writing through
storage.py), enrolment.py (open groups), registrations.py (find, withdraw, end), known_person.py, private_links.py.
"""
