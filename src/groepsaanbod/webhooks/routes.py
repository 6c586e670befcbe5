"""The routes of webhooks: what app.py serves."""

from groepsaanbod.webhooks import controllers, pages

API = [*controllers.ROUTES]
PAGES = [*pages.ROUTES]
