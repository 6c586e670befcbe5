"""The routes of privacy: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from litestar.types import ControllerRouterHandler

from groepsaanbod.privacy import pages

#: Empty: its two API routes take no body and are served with its pages (pages.ROUTES).
API: list[ControllerRouterHandler] = []
PAGES = [*pages.ROUTES]
