"""Serve stored photos with cache-forever headers.

Photo files are named by a hash of their content (spaces.photos), so a URL always means the
same bytes and phones on weak networks may keep them for a year without asking again. Only
files under MEDIA_ROOT/photos/ with an image extension are served; anything else is a 404.
"""

import os
import stat
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils._os import safe_join
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

CACHE_FOREVER = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


def photos_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "photos"


def _resolve(path: str) -> tuple[str, os.stat_result]:
    root = photos_root()
    try:
        full = safe_join(root, path)
        # safe_join compares normalised paths; a symlink could still point elsewhere.
        real = os.path.realpath(full)
        real_root = os.path.realpath(root)
        if os.path.commonpath([real, real_root]) != real_root:
            raise Http404
        info = os.stat(real)
    except (SuspiciousFileOperation, OSError, ValueError):
        raise Http404 from None
    if not stat.S_ISREG(info.st_mode):
        raise Http404
    return real, info


@require_safe
def serve_photo(request: HttpRequest, path: str) -> HttpResponse:
    """GET/HEAD a photo file; 304 on a matching If-None-Match / If-Modified-Since."""
    content_type = CONTENT_TYPES.get(os.path.splitext(path)[1].lower())
    if content_type is None:
        raise Http404
    full, info = _resolve(path)
    etag = f'"{info.st_size:x}-{info.st_mtime_ns:x}"'
    last_modified = int(info.st_mtime)

    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = FileResponse(open(full, "rb"), content_type=content_type)  # noqa: SIM115
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = CACHE_FOREVER
    response["X-Content-Type-Options"] = "nosniff"
    return response
