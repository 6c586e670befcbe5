"""API clients: other systems that call the API with a service token of one organisation."""
