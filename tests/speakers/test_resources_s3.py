"""Speakers' files in an S3-compatible bucket (PEERPOWER_S3_BUCKET, through django-storages):
the storage the settings make from the environment takes the upload under its random name, the
view streams it back with the same headers to who may see it, and removing the file removes the
object. moto plays the bucket, in-process; nothing reaches a network."""

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from moto import mock_aws

from peerpower.speakers import actions
from tests.conftest import ClientFor
from tests.speakers.conftest import PDF, Talk, pdf

BUCKET = "peerpower-test-files"
REGION = "eu-west-2"
ROOT = Path(__file__).resolve().parent.parent.parent


def default_storage_from_environment(tmp_path: Path) -> dict[str, Any]:
    """The default storage that peerpower.settings makes when a bucket is named (read in a
    fresh interpreter, as a server would start)."""
    env = {
        **os.environ,
        "PEERPOWER_S3_BUCKET": BUCKET,
        "PEERPOWER_S3_REGION": REGION,
        "PEERPOWER_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "peerpower.settings",
    }
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))"
    result = subprocess.run(  # noqa: S603 - our own interpreter with a fixed argument list
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    default: dict[str, Any] = json.loads(result.stdout)["default"]
    return default


@pytest.fixture
def bucket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    default = default_storage_from_environment(tmp_path)
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == BUCKET
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        with override_settings(STORAGES={**settings.STORAGES, "default": default}):
            yield client


def keys(client: Any) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_file_goes_to_the_bucket_is_served_by_the_view_and_removed_with_it(
    talk: Talk,
    bucket: Any,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    world = talk.world
    resource = actions.resource_upload(
        booking=talk.booking, upload=pdf("Q3 plan.pdf"), by=world.speaker
    )
    (key,) = keys(bucket)
    assert key == f"media/{resource.file.name}"
    assert key.startswith(f"media/speakers/{talk.booking.uid}/") and "Q3" not in key
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
    assert not (Path(settings.MEDIA_ROOT) / resource.file.name).exists()  # not on the disk

    url = reverse("speakers:resource", args=[resource.pk])
    response = client_for(world.chair).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Q3 plan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert client_for(world.member).get(url).status_code == 404  # not before the talk

    with django_capture_on_commit_callbacks(execute=True):
        actions.resource_delete(resource=resource, by=world.chair)
    assert keys(bucket) == []
