# groepsaanbod: one image for the app, the migration step and the worker (see compose.yaml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY locale ./locale
COPY migrations ./migrations
RUN pip install --no-cache-dir . && useradd --system --uid 10001 groepsaanbod
USER groepsaanbod
EXPOSE 8000
CMD ["groepsaanbod", "serve", "--host", "0.0.0.0", "--port", "8000"]
