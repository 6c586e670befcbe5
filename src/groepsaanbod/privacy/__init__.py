"""AVG (GDPR): a participant's own data as JSON, erasure on request, and automatic
erasure some time after their group's last meeting."""
