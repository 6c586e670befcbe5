"""The routes of messaging: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.messaging import controllers, pages

API = [*controllers.ROUTES]
PAGES = [*pages.ROUTES]
