"""Who is asking and what they may do: roles, the viewer, who sees what, what a route needs. Pure;
every area may use it."""
