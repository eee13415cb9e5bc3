FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=settings
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
 && SECRET_KEY=build FERNET_KEYS=Z2VvcHJvZC1idWlsZC1vbmx5LWZlcm5ldC1rZXktMDA= python manage.py collectstatic --noinput

RUN useradd --create-home geoprod && mkdir -p /app/media && chown geoprod /app/media
USER geoprod
EXPOSE 8000
CMD ["gunicorn", "geoprod.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
