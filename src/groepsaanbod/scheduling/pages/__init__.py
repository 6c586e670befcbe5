"""Pages of schedules: schedule.py (a cohort's meetings and their changes, a programme's conflicts),
agenda.py (my meetings, absences, working hours), venues.py (a location's week and its closures);
forms.py reads their dates and times."""
