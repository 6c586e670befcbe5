"""The routes of accounts: what app.py serves (its API under a JSON body limit, its pages under a form one)."""

from groepsaanbod.accounts import controllers, policy_controllers
from groepsaanbod.accounts.pages import second_factor as second_factor_pages
from groepsaanbod.accounts.pages import sign_in as sign_in_pages
from groepsaanbod.accounts.pages import team as team_pages

API = [*controllers.ROUTES, *policy_controllers.ROUTES]
PAGES = [*sign_in_pages.ROUTES, *second_factor_pages.ROUTES, *team_pages.ROUTES]
