"""The routes of open data: the open API (no token) and the public programme page."""

from groepsaanbod.opendata import controllers, pages

API = [*controllers.ROUTES]
PAGES = [*pages.ROUTES]
