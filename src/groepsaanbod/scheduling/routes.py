"""The routes of scheduling: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.scheduling import controllers
from groepsaanbod.scheduling.pages import agenda, due_date_groups, schedule, venues

API = [*controllers.ROUTES]
PAGES = [*schedule.ROUTES, *agenda.ROUTES, *venues.ROUTES, *due_date_groups.ROUTES]
