FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=settings
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
# collectstatic needs settings that start; these throwaway values exist only during the build.
RUN SECRET_KEY=build FERNET_KEYS=Z2VvcHJvZC1idWlsZC1vbmx5LWZlcm5ldC1rZXktMDA= CHORUS_ENV=production \
    PISTE_CLIENT_ID=build PISTE_CLIENT_SECRET=build python manage.py collectstatic --noinput -v 0

RUN useradd --create-home geoprod && mkdir -p /app/media && chown geoprod /app/media
USER geoprod
EXPOSE 8000
# web | worker | beat | migrate | healthcheck | manage … (see scripts/entrypoint.sh)
ENTRYPOINT ["sh", "/app/scripts/entrypoint.sh"]
CMD ["web"]
