"""The routes of scheduling: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.scheduling import appointment_controllers, controllers
from groepsaanbod.scheduling.pages import agenda, appointments, schedule, venues

API = [*controllers.ROUTES, *appointment_controllers.ROUTES]
PAGES = [*schedule.ROUTES, *agenda.ROUTES, *venues.ROUTES, *appointments.ROUTES]
