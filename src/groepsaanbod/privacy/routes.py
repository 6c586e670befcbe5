"""The routes of privacy: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.privacy import pages

API = []
PAGES = [*pages.ROUTES]
