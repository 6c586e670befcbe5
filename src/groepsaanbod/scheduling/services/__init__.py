"""Use cases of schedules: planning.py (plan a cohort, facilitators, agendas), changes.py (single meetings),
closures.py (a location closed for a while), guest_teachers.py (THINK), staffing.py; notices.py tells people
of a change, views.py reads what the pages and the API show; context.py and facts.py gather what they share.
"""
