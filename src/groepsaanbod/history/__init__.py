"""The registration history: who changed what about a registration or a cohort, and when. Every area that changes them
writes here; nothing here knows those areas.
"""
