"""The routes of participants: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.participants import (
    absence_controllers,
    change_controllers,
    controllers,
    reminder_controllers,
    sms_controllers,
    support_controllers,
)
from groepsaanbod.participants.pages import absence, changes, own_page, reminders, sms_replies, support

API = [
    *controllers.ROUTES,
    *absence_controllers.ROUTES,
    *change_controllers.ROUTES,
    *reminder_controllers.ROUTES,
    *support_controllers.ROUTES,
    *sms_controllers.ROUTES,
]
PAGES = [
    *own_page.ROUTES,
    *absence.ROUTES,
    *changes.ROUTES,
    *reminders.ROUTES,
    *support.ROUTES,
    *sms_replies.ROUTES,
]
