"""Cross-cutting defences of the web edge: security headers and CSRF."""
