"""Use cases of schedules: planning.py (plan a cohort, facilitators, agendas), changes.py (single meetings),
guest_teachers.py (THINK), staffing.py; context.py and facts.py gather what they share.
"""
