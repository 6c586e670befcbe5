"""The routes of privacy: what app.py serves (its API under a JSON body limit, its pages under a form one).
The accessibility statement lives here too: like the privacy statement, a public statement of the service."""

from litestar.types import ControllerRouterHandler

from groepsaanbod.privacy import accessibility, pages

#: Empty: its two API routes take no body and are served with its pages (pages.ROUTES).
API: list[ControllerRouterHandler] = []
PAGES = [*pages.ROUTES, *accessibility.ROUTES]
