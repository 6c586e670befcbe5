"""The participant's own side, behind their private link: their place, their group's meetings, stopping.
Above scheduling on the ladder, because a person's page shows the meetings of their group."""
