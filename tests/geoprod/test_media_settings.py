"""MEDIA_STORAGE picks where media live: MEDIA_ROOT by default, a private S3-compatible bucket on demand."""

from __future__ import annotations

import json

from tests.prod import PROD_ENV, manage

SHOW_STORAGE = """
import json
from django.core.files.storage import storages
s = storages["default"]
url = s.url("factures/1/2026/F-2026-0001.pdf")
print(json.dumps({"class": type(s).__name__, "bucket": getattr(s, "bucket_name", None),
                  "endpoint": getattr(s, "endpoint_url", None), "signed": "Signature=" in url,
                  "overwrite": getattr(s, "file_overwrite", None), "url": url}))
"""
S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "geoprod-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.fr",
    "AWS_S3_REGION_NAME": "fr-par",
    "AWS_ACCESS_KEY_ID": "cle-acces",
    "AWS_SECRET_ACCESS_KEY": "cle-secrete-s3",
}


def storage(**env) -> dict:
    result = manage("shell", "--no-imports", "-c", SHOW_STORAGE, **PROD_ENV, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_media_stay_on_the_filesystem_by_default():
    assert storage()["class"] == "FileSystemStorage"


def test_s3_keeps_media_in_a_private_bucket_reached_by_signed_urls():
    shown = storage(**S3_ENV)
    assert (shown["class"], shown["bucket"], shown["endpoint"]) == (
        "S3Storage",
        "geoprod-media",
        "https://s3.example.fr",
    )
    assert shown["signed"] and shown["overwrite"] is False
    assert "cle-secrete-s3" not in shown["url"]


def test_s3_without_a_bucket_refuses_to_start():
    result = manage("check", **PROD_ENV, MEDIA_STORAGE="s3")
    assert "AWS_STORAGE_BUCKET_NAME est requis" in result.stderr


def test_unknown_media_storage_refuses_to_start():
    assert (
        "MEDIA_STORAGE doit valoir filesystem ou s3"
        in manage("check", **PROD_ENV, MEDIA_STORAGE="nfs").stderr
    )
