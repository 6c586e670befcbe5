"""The routes of participants: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.participants import controllers, support_controllers
from groepsaanbod.participants.pages import own_page, support

API = [*controllers.ROUTES, *support_controllers.ROUTES]
PAGES = [*own_page.ROUTES, *support.ROUTES]
