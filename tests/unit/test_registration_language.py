"""request_code checks its language with the library's one language-code rule."""

from __future__ import annotations

import json

import pytest
from aioresponses import aioresponses

from tests.support import BASE, NO_RETRY
from whatsapp_async import ValidationError, WhatsAppClient
from whatsapp_async._validation import check_language_code


@pytest.mark.parametrize("language", ["en", "es_419", "zh_CN", "pt_BR"])
async def test_language_and_locale_codes_are_accepted(language: str) -> None:
    async with WhatsAppClient("tok", "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            mock.post(f"{BASE}/42/request_code", payload={"success": True})
            assert await wa.registration.request_code(language=language) is True
            [calls] = mock.requests.values()
            assert json.loads(calls[0].kwargs["data"])["language"] == language


@pytest.mark.parametrize("language", ["en-US", "English", "", "e"])
async def test_a_malformed_code_is_refused_with_the_shared_rule(language: str) -> None:
    with pytest.raises(ValidationError) as shared:
        check_language_code("language", language)
    async with WhatsAppClient("tok", "42", retry=NO_RETRY) as wa:
        with aioresponses() as mock:
            with pytest.raises(ValidationError) as info:
                await wa.registration.request_code(language=language)
            assert mock.requests == {}
    assert (info.value.field, str(info.value)) == ("language", str(shared.value))
