"""Use cases of programmes: set_up.py (create, change, revise, publish) and catalogue.py (what participants see)."""
