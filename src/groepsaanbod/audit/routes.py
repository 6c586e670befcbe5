"""The routes of audit: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.audit import pages

API: list[object] = []  # no JSON API
PAGES = [*pages.ROUTES]
