"""Use cases of the participant's own side, one module per subject (place.py: her place and stopping)."""

from groepsaanbod.participants.services.place import OwnPlace, own_place, place_of, stop_taking_part

__all__ = ["OwnPlace", "own_place", "place_of", "stop_taking_part"]
