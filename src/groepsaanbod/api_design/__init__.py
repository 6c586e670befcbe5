"""The NL API Design Rules (Logius ADR 2.x) for /api/v1: problem+json answers, the API-Version
header and the served OpenAPI document, each made in one place."""
