"""``/{phone-number-id}/message_qrdls``: QR codes and their stand-in images."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._gate import Call, ok
from ._graph import unknown_object
from ._state import FakeStore, PhoneNumberState, StoredQrCode
from ._validate_numbers import check_qr_image_format, check_qr_message

if TYPE_CHECKING:
    from ._server import FakeCloudAPI

__all__ = ["QrRoutes"]

# A 1x1 transparent PNG and a tiny SVG stand in for QR images.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


class QrRoutes:
    """Creates, lists, reads, updates and deletes each number's QR codes.

    Args:
        fake: Whose origin the image URLs point at.
        store: Where QR codes are kept.
    """

    def __init__(self, fake: FakeCloudAPI, store: FakeStore) -> None:
        self._fake = fake
        self._store = store

    async def create(self, call: Call) -> web.Response:
        """``createQrCode``; with a ``code`` in the body, the documented update form."""
        phone_number = call.phone_number
        body = await call.json_object()
        message = check_qr_message(body.get("prefilled_message"))
        fmt = check_qr_image_format(body)
        code = body.get("code")
        if code is not None:
            qr = self._owned(phone_number, str(code))
            qr.prefilled_message = message
            qr.image_format = fmt or qr.image_format
            return ok(self._json(qr))
        store = self._store
        new_code = store.ids.qr_code()
        while new_code in store.qr_codes:
            new_code = store.ids.qr_code()
        qr = store.qr_codes[new_code] = StoredQrCode(new_code, phone_number.id, message, fmt)
        return ok(self._json(qr))

    async def list_codes(self, call: Call) -> web.Response:
        """``listQrCodes``: every code of the number (one page)."""
        phone_number_id = call.phone_number.id
        data = [self._json(q) for q in self._store.qr_codes.values()
                if q.phone_number_id == phone_number_id]
        return ok({"data": data})

    async def get(self, call: Call) -> web.Response:
        """``getQrCode``: wrapped in ``data``, as Meta's own spec answers."""
        return ok({"data": [self._json(self._named(call))]})

    async def update(self, call: Call) -> web.Response:
        """``updateQrCode``: a new prefilled message (and image format)."""
        qr = self._named(call)
        body = await call.json_object()
        qr.prefilled_message = check_qr_message(body.get("prefilled_message"))
        qr.image_format = check_qr_image_format(body) or qr.image_format
        return ok(self._json(qr))

    async def delete(self, call: Call) -> web.Response:
        """``deleteQrCode``."""
        del self._store.qr_codes[self._named(call).code]
        return ok()

    async def image(self, request: web.Request) -> web.Response:
        """The image behind ``qr_image_url`` (no token needed, like a CDN)."""
        code, _, ext = request.match_info["name"].partition(".")
        if code not in self._store.qr_codes or ext not in ("svg", "png"):
            return web.Response(status=404, text="Not Found")
        if ext == "svg":
            return web.Response(body=_SVG, content_type="image/svg+xml")
        return web.Response(body=_PNG, content_type="image/png")

    def _named(self, call: Call) -> StoredQrCode:
        return self._owned(call.phone_number, call.request.match_info["code"])

    def _owned(self, phone_number: PhoneNumberState, code: str) -> StoredQrCode:
        qr = self._store.qr_codes.get(code)
        if qr is None or qr.phone_number_id != phone_number.id:
            raise unknown_object("GET", code)
        return qr

    def _json(self, qr: StoredQrCode) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": qr.code,
            "prefilled_message": qr.prefilled_message,
            "deep_link_url": f"https://wa.me/message/{qr.code}",
        }
        if qr.image_format is not None:
            out["qr_image_url"] = (
                f"{self._fake.url}/_fake/qr/{qr.code}.{qr.image_format.lower()}"
            )
        return out
