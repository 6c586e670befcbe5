"""The routes of attendance: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.attendance import controllers, file_controllers, list_controllers, mark_controllers, pages, worker

API = [*controllers.ROUTES, *list_controllers.ROUTES, *file_controllers.ROUTES, *mark_controllers.ROUTES]
PAGES = [*pages.ROUTES, *worker.ROUTES]
