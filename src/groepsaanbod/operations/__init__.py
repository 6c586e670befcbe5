"""Running the service: request log and request id, Prometheus metrics, health endpoints."""
