"""Structs of the message QR codes (``/{phone-number-id}/message_qrdls``)."""

from __future__ import annotations

import msgspec

from .common import GraphPage

__all__ = [
    "QrCode",
    "QrCodeAnswer",
    "QrCodeCreate",
    "QrCodeList",
    "QrCodeUpdate",
]


class QrCode(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A QR code (and deep link) that opens a chat with a prefilled message.

    Attributes:
        code: Its identifier (14 characters of ``A-Z2-7`` on the live API).
        prefilled_message: Text put in the user's composer (up to 140 characters).
        deep_link_url: ``https://wa.me/message/<code>``.
        qr_image_url: URL of the QR image, present when an image format was asked for.
        creation_time: Unix time of creation, when the API gives it.
    """

    code: str
    prefilled_message: str | None = None
    deep_link_url: str | None = None
    qr_image_url: str | None = None
    creation_time: int | None = None


class QrCodeAnswer(QrCode, frozen=True, kw_only=True, omit_defaults=True):
    """Wire shape of one QR code: flat (the project's spec) or wrapped in
    ``{"data": [...]}`` (Meta's spec for the single-code GET); reads both."""

    code: str = ""
    data: list[QrCode] = msgspec.field(default_factory=list)

    def qr_code(self) -> QrCode:
        """The code, unwrapped from ``data`` when it came wrapped."""
        if self.data:
            return self.data[0]
        return QrCode(
            code=self.code,
            prefilled_message=self.prefilled_message,
            deep_link_url=self.deep_link_url,
            qr_image_url=self.qr_image_url,
            creation_time=self.creation_time,
        )


class QrCodeList(GraphPage, frozen=True, kw_only=True):
    """Wire shape of the list answer: one page of codes and its cursors."""

    data: list[QrCode] = msgspec.field(default_factory=list)


class QrCodeCreate(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{phone-number-id}/message_qrdls``."""

    prefilled_message: str
    generate_qr_image: str


class QrCodeUpdate(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Body of ``POST /{phone-number-id}/message_qrdls/{code}``."""

    prefilled_message: str
