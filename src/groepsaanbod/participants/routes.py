"""The routes of participants: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.participants import change_controllers, controllers, reminder_controllers, support_controllers
from groepsaanbod.participants.pages import changes, own_page, reminders, support

API = [*controllers.ROUTES, *change_controllers.ROUTES, *reminder_controllers.ROUTES, *support_controllers.ROUTES]
PAGES = [*own_page.ROUTES, *changes.ROUTES, *reminders.ROUTES, *support.ROUTES]
