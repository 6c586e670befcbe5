"""Cohorts: the groups a programme runs (a due-date group, an open group, a school class), how they are formed, and the
coordinator's work on them.
"""
