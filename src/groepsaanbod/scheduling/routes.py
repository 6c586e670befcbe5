"""The routes of scheduling: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.scheduling import (
    appointment_controllers,
    controllers,
    guest_teacher_controllers,
    series_controllers,
)
from groepsaanbod.scheduling.pages import (
    agenda,
    appointments,
    due_date_groups,
    guest_teachers,
    rota,
    schedule,
    series,
    venues,
)

API = [
    *controllers.ROUTES,
    *series_controllers.ROUTES,
    *appointment_controllers.ROUTES,
    *guest_teacher_controllers.ROUTES,
]
PAGES = [
    *schedule.ROUTES,
    *agenda.ROUTES,
    *venues.ROUTES,
    *series.ROUTES,
    *rota.ROUTES,
    *appointments.ROUTES,
    *guest_teachers.ROUTES,
    *due_date_groups.ROUTES,
]
