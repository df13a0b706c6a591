# One image for every process of the Procfile; each container runs one of them:
#   web:    docker run -p 8000:8000 --env-file prod.env IMAGE
#   worker: docker run --env-file prod.env IMAGE celery -A config worker --loglevel=INFO
#   beat:   docker run --env-file prod.env IMAGE celery -A config beat --loglevel=INFO   (exactly one)
#   relay:  docker run --env-file prod.env IMAGE python manage.py outbox_relay
# They need DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, SERVICE_URL, DATABASE_URL and
# CELERY_BROKER_URL (see README.md), and web and worker the same uploads volume at /app/var.

FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
# Production settings unless told otherwise: without SECRET_KEY, ALLOWED_HOSTS,
# DATABASE_URL and CELERY_BROKER_URL it refuses to start.
ENV DEBUG=false \
    HOST=0.0.0.0 \
    PORT=8000 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# WeasyPrint (decision letters as PDF) draws text with Pango.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

COPY requirements/base.txt requirements/base.txt
RUN pip install --no-deps --only-binary=:all: -r requirements/base.txt \
    && python -c "import face_recognition, dlib"

COPY --from=assets /build/node_modules/govuk-frontend/dist node_modules/govuk-frontend/dist
# .dockerignore leaves out tests/, bench/ and everything local.
COPY --from=assets /build/node_modules/accessible-autocomplete/dist node_modules/accessible-autocomplete/dist
COPY . .
RUN SECRET_KEY=collectstatic-only SERVICE_URL=https://build.invalid DATABASE_URL=sqlite:////tmp/unused.sqlite3 \
    CELERY_BROKER_URL=redis://unused python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --uid 10001 --home-dir /app app \
    && mkdir -p /app/var \
    && chown app /app/var
USER app
VOLUME ["/app/var"]
EXPOSE 8000

# The web container answers /healthz; worker and beat containers run with
# --no-healthcheck, or --health-cmd "celery -A config inspect ping -d celery@\$HOSTNAME" for a worker.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]

# The Procfile's web process.
CMD ["gunicorn", "config.wsgi", "--config", "python:config.gunicorn"]
