"""The routes of api_design: the API's landing resource and its document."""

from groepsaanbod.api_design import controllers

API = [*controllers.ROUTES]
PAGES: list = []
