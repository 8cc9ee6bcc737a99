"""Handing files back: an upload to a user who may have it, a document the system made, a stored photo."""

from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse
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


# Characters a file system or a Content-Disposition header would choke on.
_UNSAFE_IN_FILENAMES = str.maketrans({c: "_" for c in '/\\:*?"<>|\r\n\t'})


def content_disposition(filename: str, fallback: str) -> str:
    """An attachment with the Chinese name (RFC 5987 filename*) and an ASCII name for older clients."""
    name = filename.translate(_UNSAFE_IN_FILENAMES)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def document_download(content, *, content_type: str, filename: str, fallback: str) -> HttpResponse:
    """A document the system made (PDF, Word, Excel; bytes or an open file) as a never-sniffed attachment.

    Caching is the view's to decide: a personal document's view is `never_cache`, a blank form's is not.
    """
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def photo_inline(photo, *, content_type: str, public: bool) -> FileResponse:
    """A stored photo (an ImageField's file) shown inline as an image and nothing else.

    Never sniffed and sandboxed. A public photo may be kept by a browser but is checked again every time
    (a withdrawn consent takes effect at once); a staff preview is never stored.
    """
    try:
        handle = photo.open("rb")
    except FileNotFoundError:
        raise Http404("照片不存在。") from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        patch_cache_control(response, no_cache=True, max_age=0)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
