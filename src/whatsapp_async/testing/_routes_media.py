"""Media: upload, URL lookup, delete, and the download host behind the URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ._gate import Call, Gate, ok
from ._graph import GraphError, bad_token, invalid, unknown_object
from ._state import FakeStore, StoredMedia

if TYPE_CHECKING:
    from ._server import FakeCloudAPI

__all__ = ["MEDIA_LIMITS", "MediaRoutes"]

_MIB = 2**20
_DOCUMENT = ("document", 100 * _MIB)

#: Media the Cloud API accepts, by MIME type: (message kind, max bytes).
MEDIA_LIMITS: dict[str, tuple[str, int]] = {
    "image/jpeg": ("image", 5 * _MIB),
    "image/png": ("image", 5 * _MIB),
    "image/webp": ("sticker", 500 * 2**10),
    "video/mp4": ("video", 16 * _MIB),
    "video/3gpp": ("video", 16 * _MIB),
    "audio/aac": ("audio", 16 * _MIB),
    "audio/amr": ("audio", 16 * _MIB),
    "audio/mpeg": ("audio", 16 * _MIB),
    "audio/mp4": ("audio", 16 * _MIB),
    "audio/ogg": ("audio", 16 * _MIB),
    "text/plain": _DOCUMENT,
    "application/pdf": _DOCUMENT,
    "application/msword": _DOCUMENT,
    "application/vnd.ms-excel": _DOCUMENT,
    "application/vnd.ms-powerpoint": _DOCUMENT,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _DOCUMENT,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _DOCUMENT,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _DOCUMENT,
}

_DOWNLOAD = "downloadMedia"


class MediaRoutes:
    """Stores uploaded media and serves it through expiring download URLs.

    Args:
        fake: Whose settings apply (URL lifetime, origin; read per request).
        store: Where media and download tokens are kept.
        gate: Used by the download host, which is not a Graph route.
    """

    def __init__(self, fake: FakeCloudAPI, store: FakeStore, gate: Gate) -> None:
        self._fake = fake
        self._store = store
        self._gate = gate

    async def upload(self, call: Call) -> web.Response:
        """``uploadMedia``: a multipart file of a type and size the Cloud API takes."""
        phone_number = call.phone_number
        request = call.request
        if not request.content_type.startswith("multipart/"):
            raise invalid("Param file must be sent as multipart/form-data")
        form = await request.post()
        product = form.get("messaging_product")
        if product is None:
            raise invalid("The parameter messaging_product is required.")
        if product != "whatsapp":
            raise invalid("Param messaging_product must be one of {whatsapp}")
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise invalid("The parameter file is required.")
        mime = form.get("type")
        if not isinstance(mime, str) or not mime:
            raise invalid("The parameter type is required.")
        base = mime.split(";", 1)[0].strip().lower()
        if base not in MEDIA_LIMITS:
            raise invalid(
                f"Param file must be a file with one of the following types: "
                f"{', '.join(MEDIA_LIMITS)}. Received file of type '{mime}'."
            )
        data = bytes(file) if isinstance(file, (bytes, bytearray)) else file.file.read()
        kind, limit = MEDIA_LIMITS[base]
        if len(data) > limit:
            raise GraphError(131053, f"{kind} file is too big: {len(data)} bytes, the "
                             f"limit for {base} is {limit} bytes.")
        if not data:
            raise GraphError(131053, "The uploaded file is empty.")
        stored = self.store(phone_number.id, data, mime, getattr(file, "filename", None))
        return ok({"id": stored.id})

    def store(self, phone_number_id: str, data: bytes, mime: str, filename: str | None
              ) -> StoredMedia:
        """Keep ``data`` under a new media id (never one of a business number)."""
        store = self._store
        media_id = store.ids.media_id()
        while media_id in store.media or media_id in store.phone_numbers:
            media_id = store.ids.media_id()
        media = store.media[media_id] = StoredMedia.create(
            media_id, phone_number_id, data, mime, filename, store.now()
        )
        return media

    def download_url(self, media: StoredMedia) -> str:
        """A new download URL for ``media``, valid for ``media_url_ttl`` seconds."""
        store = self._store
        ttl = self._fake.media_url_ttl
        token = store.ids.url_token()
        expires = store.mono() + ttl
        if len(store.download_tokens) > 1000:
            now = store.mono()
            store.download_tokens = {
                k: v for k, v in store.download_tokens.items() if v[1] > now
            }
        store.download_tokens[token] = (media.id, expires)
        return (f"{self._fake.url}/whatsapp_business/attachments/?mid={media.id}"
                f"&ext={int(store.now() + ttl)}&hash={token}")

    async def get_url(self, call: Call) -> web.Response:
        """``getMediaUrl``: a fresh download URL and the file's facts."""
        media = self._owned(call)
        return ok({
            "messaging_product": "whatsapp",
            "url": self.download_url(media),
            "mime_type": media.mime_type,
            "sha256": media.sha256,
            "file_size": media.file_size,
            "id": media.id,
        })

    async def delete(self, call: Call) -> web.Response:
        """``deleteMedia``."""
        media = self._owned(call)
        del self._store.media[media.id]
        return ok()

    def _owned(self, call: Call) -> StoredMedia:
        # A phone_number_id query must name the owner, as on the live API.
        media = self._store.media.get(call.node)
        owner = call.request.query.get("phone_number_id")
        if media is None or (owner is not None and owner != media.phone_number_id):
            raise unknown_object(call.request.method, call.node)
        return media

    async def download(self, request: web.Request) -> web.Response:
        """The media host: the file behind a download URL, until the URL expires."""
        gate = self._gate
        if not gate.authorized(request):
            return gate.refuse(bad_token(), _DOWNLOAD, None)
        fault = await gate.hold(request, _DOWNLOAD)
        if fault is not None and fault.kind in ("server_error", "error"):
            # The media host is not Graph: its failures never carry a Graph body.
            status = fault.status or 502
            self._store.note_refusal(_DOWNLOAD, None, status, None)
            return web.Response(status=status, text="Server Error")
        if fault is not None and fault.kind in ("drop_before", "drop_after"):
            return gate.drop(request)
        store = self._store
        entry = store.download_tokens.get(request.query.get("hash", ""))
        media = store.media.get(entry[0]) if entry is not None else None
        if entry is None or media is None or entry[1] < store.mono():
            store.note_refusal(_DOWNLOAD, None, 404, None)
            return web.Response(status=404, text="Not Found")
        return web.Response(
            body=media.data, content_type=media.mime_type.split(";", 1)[0],
            headers={"Content-Disposition": f"attachment; filename={media.id}"},
        )
