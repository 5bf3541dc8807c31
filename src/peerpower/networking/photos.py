"""Profile photos: read by their content with Pillow (never by name or declared type),
refused when too large, made square and small, and stored as JPEG under a random name
through Django's storage API."""

import secrets
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
SIDE = 400
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def store(upload: UploadedFile) -> str:
    """Check `upload`, resize it and store it; return its name in the default storage.
    Raises ValidationError (on "photo") for anything that is not a photo of a sensible size."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError({"photo": "Choose a photo of at most 5 MB."})
    try:
        with Image.open(upload) as probe:
            if probe.format not in FORMATS:
                raise ValidationError({"photo": "Choose a JPEG, PNG, WebP or GIF photo."})
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    {"photo": "This photo has too many pixels; choose a smaller one."}
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            square = ImageOps.fit(ImageOps.exif_transpose(opened).convert("RGB"), (SIDE, SIDE))
            out = BytesIO()
            square.save(out, "JPEG", quality=85)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise ValidationError(
            {"photo": "This file is not a photo we can read (JPEG, PNG, WebP or GIF)."}
        ) from error
    return default_storage.save(
        f"networking/photos/{secrets.token_hex(16)}.jpg", ContentFile(out.getvalue())
    )


def remove(name: str) -> None:
    if name:
        default_storage.delete(name)
