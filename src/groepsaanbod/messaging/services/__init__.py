"""Use cases of messages: queue.py (queue a message in the receiver's language) and delivery.py (the worker delivers
the outbox).
"""
