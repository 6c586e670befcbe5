"""The routes of API clients: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.api_clients import controllers, pages

API = [*controllers.ROUTES]
PAGES = [*pages.ROUTES]
