"""The routes of registration: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.registration import controllers, pages, staff_pages

API = [*controllers.ROUTES]
PAGES = [*pages.ROUTES, *staff_pages.ROUTES]
