"""Refusals of the webhooks area, translated at the edge."""

from groepsaanbod.refusals import NotFound, Refused


class WebhookRefused(Refused):
    """A subscription's fields are not acceptable (its URL, events or scopes)."""


class SubscriptionNotFound(NotFound):
    """No such subscription for this admin (unknown, or another organisation's)."""


class DeliveryNotFound(NotFound):
    """No such delivery in this subscription's log."""
