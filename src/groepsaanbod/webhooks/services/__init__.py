"""Webhooks' use cases: record.py (record_event, in the caller's transaction), subscriptions.py
(manage receivers), log.py (the delivery log, send again), delivery.py (the worker's sending)."""
