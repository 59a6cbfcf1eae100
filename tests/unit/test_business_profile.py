"""Business profile: both GET answer shapes, and every update limit."""

from __future__ import annotations

from typing import Any

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY, TOKEN, only_request
from whatsapp_async import BusinessProfile, ValidationError, WhatsAppClient

ALL_FIELDS = "about,address,description,email,profile_picture_url,websites,vertical"
PROFILE = {
    "about": "Fresh produce, every day",
    "address": "1 Market Street, Springfield",
    "description": "Family-run grocery since 1982.",
    "email": "hello@jaspers.example",
    "profile_picture_url": "https://pps.whatsapp.net/v/t61/abc.jpg",
    "websites": ["https://jaspers.example/", "https://shop.jaspers.example/"],
    "vertical": "GROCERY",
    "messaging_product": "whatsapp",
}
EXPECTED = BusinessProfile(
    about="Fresh produce, every day", address="1 Market Street, Springfield",
    description="Family-run grocery since 1982.", email="hello@jaspers.example",
    profile_picture_url="https://pps.whatsapp.net/v/t61/abc.jpg",
    websites=("https://jaspers.example/", "https://shop.jaspers.example/"),
    vertical="GROCERY", messaging_product="whatsapp",
)


async def get_profile(answer: dict[str, Any], **kwargs: Any) -> tuple[BusinessProfile, str]:
    fields = ",".join(kwargs["fields"]) if "fields" in kwargs else ALL_FIELDS
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.get(f"{BASE}/42/whatsapp_business_profile?fields={fields}", payload=answer)
            profile = await wa.business_profile.get(**kwargs)
            ((_, url),) = mock.requests
    return profile, url.path


async def test_get_reads_fields_flat_in_data_as_meta_docs_show() -> None:
    profile, path = await get_profile({"data": [PROFILE]})
    assert path == "/v21.0/42/whatsapp_business_profile"
    assert profile == EXPECTED


async def test_get_reads_fields_nested_under_business_profile_as_meta_spec_shows() -> None:
    profile, _ = await get_profile({"data": [{"business_profile": PROFILE}]})
    assert profile == EXPECTED


async def test_get_with_chosen_fields() -> None:
    profile, _ = await get_profile({"data": [{"about": "Hi"}]}, fields=["about"])
    assert profile == BusinessProfile(about="Hi")


async def test_get_with_empty_data_is_an_empty_profile() -> None:
    profile, _ = await get_profile({"data": []})
    assert profile == BusinessProfile()


async def test_update_sends_only_the_given_fields() -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/whatsapp_business_profile", payload={"success": True})
            ok = await wa.business_profile.update(
                about="Open 8-20", websites=["https://a.example", "http://b.example/x"],
                vertical="RETAIL", profile_picture_handle="4:VGVzdC5wbmc=:aW1hZ2U=:ARa",
            )
            method, url, body = only_request(mock)
    assert ok is True
    assert (method, url.path) == ("POST", "/v21.0/42/whatsapp_business_profile")
    assert body == {
        "messaging_product": "whatsapp", "about": "Open 8-20",
        "websites": ["https://a.example", "http://b.example/x"], "vertical": "RETAIL",
        "profile_picture_handle": "4:VGVzdC5wbmc=:aW1hZ2U=:ARa",
    }


async def test_update_accepts_the_limits_exactly() -> None:
    fields = {"about": "a" * 139, "address": "b" * 256, "description": "c" * 512,
              "email": "x" * 116 + "@example.com"}
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/whatsapp_business_profile", payload={"success": True})
            ok = await wa.business_profile.update(**fields)
            method, url, body = only_request(mock)
    assert ok is True
    assert (method, url.path) == ("POST", "/v21.0/42/whatsapp_business_profile")
    assert body == {"messaging_product": "whatsapp", **fields}


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({}, "business_profile", "at least one"),
        ({"about": ""}, "about", "empty"),
        ({"about": "a" * 140}, "about", "at most 139"),
        ({"address": "b" * 257}, "address", "at most 256"),
        ({"description": "c" * 513}, "description", "at most 512"),
        ({"email": "not-an-email"}, "email", "name@example.com"),
        ({"email": "a b@example.com"}, "email", "name@example.com"),
        ({"email": "x" * 117 + "@example.com"}, "email", "at most 128"),
        ({"websites": ["https://a.example", "https://b.example", "https://c.example"]},
         "websites", "at most 2"),
        ({"websites": "https://a.example"}, "websites", "not one string"),
        ({"websites": ["https://a.example", "ftp://b.example"]}, "websites[1]", "http"),
        ({"websites": ["javascript:alert(1)"]}, "websites[0]", "http"),
        ({"websites": ["https://[a.example"]}, "websites[0]", "http"),
        ({"websites": ["https://" + "a" * 250 + ".com"]}, "websites[0]", "at most 256"),
        ({"vertical": "SPACESHIPS"}, "vertical", "one of"),
    ],
)
async def test_update_refuses_bad_fields_before_sending(
    kwargs: dict[str, Any], field: str, rule: str
) -> None:
    async with WhatsAppClient(TOKEN, "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.business_profile.update(**kwargs)
            assert mock.requests == {}
    assert info.value.field == field
    assert rule in info.value.rule
