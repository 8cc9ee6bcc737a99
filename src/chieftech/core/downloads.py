"""Handing an uploaded file back to a user who may have it."""

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control


def upload_download(upload) -> FileResponse:
    """An uploaded file (with `file`, `original_name`, `content_type`) as an attachment, never shown inline.

    The browser must not interpret an uploaded file: it is always downloaded, never sniffed, never cached.
    """
    try:
        handle = upload.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在。") from None
    response = FileResponse(
        handle, as_attachment=True, filename=upload.original_name, content_type=upload.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
