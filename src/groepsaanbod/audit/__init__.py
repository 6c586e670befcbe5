"""Who read or changed a participant's personal data or attendance, and when."""
