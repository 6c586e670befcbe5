"""Pages of the participant's own side, behind her private link; one module per subject.
routes.py gathers their ROUTES."""
