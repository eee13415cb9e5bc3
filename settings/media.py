"""Where media files live, read from the environment: STORAGES["default"] for settings/__init__.py."""

from __future__ import annotations

import environ
from django.core.exceptions import ImproperlyConfigured


def media_storage(env: environ.Env) -> dict:
    """The storage of invoice PDFs, reminder letters and logos: MEDIA_STORAGE=filesystem (MEDIA_ROOT, one host)
    or s3 (a private S3-compatible bucket, AWS_* variables). Raises ImproperlyConfigured otherwise."""
    kind = env("MEDIA_STORAGE", default="filesystem")
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured("MEDIA_STORAGE doit valoir filesystem ou s3.")
    if not env("AWS_STORAGE_BUCKET_NAME", default=""):
        raise ImproperlyConfigured("AWS_STORAGE_BUCKET_NAME est requis quand MEDIA_STORAGE vaut s3.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            # Empty values fall back to boto3's own defaults (AWS endpoint, instance role credentials).
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "location": env("AWS_LOCATION", default=""),
            # Objects inherit the bucket's (private) policy and are reached only through short-lived signed
            # URLs; an issued PDF is never replaced.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
