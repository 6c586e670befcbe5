"""The routes of participants: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.participants import change_controllers, controllers
from groepsaanbod.participants.pages import changes, own_page

API = [*controllers.ROUTES, *change_controllers.ROUTES]
PAGES = [*own_page.ROUTES, *changes.ROUTES]
