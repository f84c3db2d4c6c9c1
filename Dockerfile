# The production-shaped image. One image runs every role of the stack: the web under gunicorn
# (the default command), the Celery worker and beat, and the one-shot migrations (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (login cards, reports) needs Pango and HarfBuzz from the system, and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 --user-group helpdesk
WORKDIR /app

# Dependencies first, so a change in the code does not reinstall them.
COPY requirements.lock ./
RUN pip install --requirement requirements.lock

COPY . .

# Static files are collected into the image; whitenoise serves them. The settings need a secret
# key and a database address to load, but collectstatic never connects: dummies are enough, and
# they exist only for this one command, not in the running containers.
RUN SECRET_KEY=build-only-not-secret DATABASE_URL=postgres://build@localhost:5432/build \
    python manage.py collectstatic --noinput --verbosity 0

# Uploads go to var/media: a volume in docker-compose.yml, owned by the app's user.
RUN mkdir -p var/media && chown -R helpdesk:helpdesk var

USER helpdesk
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "helpdesk.wsgi"]
