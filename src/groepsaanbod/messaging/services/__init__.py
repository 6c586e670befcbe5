"""Use cases of messages: queue.py (queue a message in the receiver's language), delivery.py (the worker delivers
the outbox) and mailbox.py (reading the outbox: the dev mailbox, failed messages).
"""
