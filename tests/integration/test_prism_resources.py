"""Conformance: every non-message operation of the spec, through the library, against Prism.

Prism (started by ``tests/prism_server.py``) validates each request against
``whatsapp_async.testing.OPENAPI_SPEC`` and answers 422/400/415/401 when it
does not match; a 2xx answer therefore means the library sent what the spec
asks for. The operation list is read from the spec itself, so an operation
added there without a case here fails :func:`test_every_operation_has_a_case`.

Quirks of the mock and how they are met:

* Quirk 5 - Prism serves the paths at the root, without ``/v21.0``: the
  client's ``base_url`` is the bare Prism URL.
* Quirk 1 - ``GET /<id>`` always means ``getPhoneNumber`` on the default
  server, so ``getMediaUrl`` runs against ``prism_media_url`` (the copy of the
  spec with ``/{media-id}`` moved last).
* Quirk 3 - the spec's own ``BusinessProfile.email`` example is not an email,
  so with ``--errors`` a valid profile GET answers 500. The profile GET sends
  ``Prefer: dynamic=true`` (Prism then generates a schema-valid answer); the
  header comes from an ``aiohttp.ClientSession`` handed to the client, which
  the client borrows without changing, so no test hook is needed in the library.
* Static answers are the spec's examples or placeholders (``"string"``,
  ``"example_value"``): the checks below look at shapes and types, not values.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
import yaml

from tests.support import TOKEN
from whatsapp_async import (
    APIError,
    BusinessProfile,
    MediaInfo,
    PhoneNumber,
    QrCode,
    RetryPolicy,
    WhatsAppClient,
)
from whatsapp_async.testing import OPENAPI_SPEC
from whatsapp_async.types.common import Success
from whatsapp_async.types.phone_numbers import TwoStepPinRequest

SPEC = OPENAPI_SPEC
NUMBER = "106540352242922"
QR = "ANED2T5QRU7HG1"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2048

Case = Callable[[WhatsAppClient, Path], Awaitable[None]]


async def upload_media(wa: WhatsAppClient, tmp: Path) -> None:
    photo = tmp / "photo.jpg"
    photo.write_bytes(JPEG)
    media_id = await wa.media.upload(photo)
    assert isinstance(media_id, str) and media_id


async def get_media_url(wa: WhatsAppClient, tmp: Path) -> None:
    raise AssertionError("runs against prism_media_url, see test_get_media_url")


async def delete_media(wa: WhatsAppClient, tmp: Path) -> None:
    assert isinstance(await wa.media.delete("1037543291543636"), bool)


async def get_phone_number(wa: WhatsAppClient, tmp: Path) -> None:
    number = await wa.phone_numbers.get()
    assert isinstance(number, PhoneNumber)
    assert number.quality_rating in ("GREEN", "YELLOW", "RED", "UNKNOWN")


async def set_two_step(wa: WhatsAppClient, tmp: Path) -> None:
    assert await wa.phone_numbers.set_two_step_pin("150954") is True


async def get_business_profile(wa: WhatsAppClient, tmp: Path) -> None:
    raise AssertionError("needs Prefer: dynamic=true, see test_get_business_profile")


async def update_business_profile(wa: WhatsAppClient, tmp: Path) -> None:
    ok = await wa.business_profile.update(
        about="Fresh produce, every day", address="1 Market Street",
        description="Family-run grocery.", email="hello@jaspers.example",
        websites=["https://jaspers.example/"], vertical="GROCERY",
    )
    assert ok is True


async def request_code(wa: WhatsAppClient, tmp: Path) -> None:
    assert await wa.registration.request_code(method="VOICE", language="en_US") is True


async def verify_code(wa: WhatsAppClient, tmp: Path) -> None:
    assert await wa.registration.verify_code("246810") is True


async def register(wa: WhatsAppClient, tmp: Path) -> None:
    assert await wa.registration.register("150954", data_localization_region="DE") is True


async def deregister(wa: WhatsAppClient, tmp: Path) -> None:
    assert await wa.registration.deregister() is True


async def create_qr(wa: WhatsAppClient, tmp: Path) -> None:
    code = await wa.qr_codes.create("Show me Cyber Monday deals!", image_format="PNG")
    assert isinstance(code, QrCode) and code.code


async def list_qr(wa: WhatsAppClient, tmp: Path) -> None:
    codes = await wa.qr_codes.list()
    assert codes and all(isinstance(c, QrCode) for c in codes)


async def get_qr(wa: WhatsAppClient, tmp: Path) -> None:
    assert isinstance(await wa.qr_codes.get(QR), QrCode)


async def update_qr(wa: WhatsAppClient, tmp: Path) -> None:
    assert isinstance(await wa.qr_codes.update(QR, "New offers inside"), QrCode)


async def delete_qr(wa: WhatsAppClient, tmp: Path) -> None:
    assert await wa.qr_codes.delete(QR) is True


CASES: dict[str, Case] = {
    "uploadMedia": upload_media,
    "getMediaUrl": get_media_url,
    "deleteMedia": delete_media,
    "getPhoneNumber": get_phone_number,
    "setTwoStepVerification": set_two_step,
    "getBusinessProfile": get_business_profile,
    "updateBusinessProfile": update_business_profile,
    "requestVerificationCode": request_code,
    "verifyCode": verify_code,
    "registerPhoneNumber": register,
    "deregisterPhoneNumber": deregister,
    "createQrCode": create_qr,
    "listQrCodes": list_qr,
    "getQrCode": get_qr,
    "updateQrCode": update_qr,
    "deleteQrCode": delete_qr,
}
#: Operations needing their own server or header (quirks 1 and 3).
SPECIAL = {"getMediaUrl", "getBusinessProfile"}
#: Covered by the messages resource's own conformance tests.
NOT_HERE = {"sendMessage"}


def spec_operations() -> set[str]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return {
        op["operationId"]
        for methods in spec["paths"].values()
        for op in methods.values()
        if isinstance(op, dict) and "operationId" in op
    }


def test_every_operation_has_a_case() -> None:
    assert spec_operations() - NOT_HERE == set(CASES)


@pytest.fixture
async def wa(prism_url: str) -> AsyncIterator[WhatsAppClient]:
    # No retries: a first answer that is not 2xx must fail the test, not be retried away.
    async with WhatsAppClient(TOKEN, NUMBER, base_url=prism_url,
                              retry=RetryPolicy.disabled()) as client:
        yield client


@pytest.mark.parametrize("operation", sorted(set(CASES) - SPECIAL))
async def test_operation_answers_2xx(operation: str, wa: WhatsAppClient, tmp_path: Path) -> None:
    await CASES[operation](wa, tmp_path)


async def test_get_media_url(prism_media_url: str) -> None:
    # Quirk 1: on this server GET /<id> is getMediaUrl.
    async with WhatsAppClient(TOKEN, NUMBER, base_url=prism_media_url,
                              retry=RetryPolicy.disabled()) as wa:
        info = await wa.media.get("1037543291543636", phone_number_id=NUMBER)
    assert isinstance(info, MediaInfo)
    assert info.url and isinstance(info.file_size, int)


async def test_get_business_profile(prism_url: str) -> None:
    # Quirk 3: the static example fails the response schema (500); ask for a
    # generated, schema-valid answer instead.
    async with (
        aiohttp.ClientSession(headers={"Prefer": "dynamic=true"}) as session,
        WhatsAppClient(TOKEN, NUMBER, base_url=prism_url, session=session,
                       retry=RetryPolicy.disabled()) as wa,
    ):
        profile = await wa.business_profile.get()
    assert isinstance(profile, BusinessProfile)
    assert len(profile.websites) <= 2


async def test_the_mock_really_validates_requests(wa: WhatsAppClient) -> None:
    # Guards the meaning of the 2xx checks above: a body that breaks the spec
    # (a 5-digit PIN, sent around the library's own check) is refused with 422.
    with pytest.raises(APIError) as info:
        await wa.phone_numbers._request("POST", NUMBER, cast_to=Success,
                                        body=TwoStepPinRequest(pin="12345"))
    assert info.value.status == 422
