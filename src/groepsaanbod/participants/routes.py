"""The routes of participants: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.participants import absence_controllers, controllers, sms_controllers
from groepsaanbod.participants.pages import absence, own_page, sms_replies

API = [*controllers.ROUTES, *absence_controllers.ROUTES, *sms_controllers.ROUTES]
PAGES = [*own_page.ROUTES, *absence.ROUTES, *sms_replies.ROUTES]
