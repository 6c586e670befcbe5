"""What a browser downloads besides the page: static files under content-hashed names, and
compressed answers (see README: Page weight)."""
