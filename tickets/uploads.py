"""Checking photos and screenshots by their content, not by their name or the browser's word.

A photo is opened with Pillow, must be a JPEG, PNG, GIF or WebP of sensible size, and is saved
again from its pixels: that drops whatever else the file carried, such as the place where a
phone took the photo (EXIF), or a script hidden behind the image data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str
    original_name: str


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("This photo is too large. It can be at most 5 MB."), code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            if image_format not in FORMATS:
                raise ValidationError(_("This is not a photo. Choose a JPG, PNG, GIF or WebP file."), code="format")
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise ValidationError(_("This photo has too many pixels. Make it smaller."), code="pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            clean = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and clean.mode not in ("RGB", "L"):
                clean = clean.convert("RGB")
            output = io.BytesIO()
            clean.save(output, format=image_format)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This is not a photo. Choose a JPG, PNG, GIF or WebP file."), code="format") from error
    content_type, extension = FORMATS[image_format]
    name = (upload.name or "photo").rsplit("/", 1)[-1][:150]
    return CleanPhoto(content=output.getvalue(), content_type=content_type, extension=extension, original_name=name)
