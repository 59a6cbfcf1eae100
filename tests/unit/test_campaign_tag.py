"""Every broadcast send carries its campaign and row in ``biz_opaque_callback_data``."""

from __future__ import annotations

from pathlib import Path

import pytest

from whatsapp_async import ValidationError, WhatsAppClient
from whatsapp_async.bulk import (
    CALLBACK_DATA_MAX,
    CampaignTag,
    Recipient,
    campaign_key,
    campaign_tag,
    parse_tag,
)
from whatsapp_async.journal import Journal
from whatsapp_async.testing import FakeCloudAPI


def test_a_tag_names_the_campaign_by_key_and_the_row() -> None:
    tag = campaign_tag("spring-sale", 41)
    assert tag == f"wa1:{campaign_key('spring-sale')}:41"
    assert parse_tag(tag) == CampaignTag(campaign_key("spring-sale"), 41, None)


def test_a_users_value_is_kept_after_the_tag_and_read_back() -> None:
    tag = campaign_tag("c", 3, "order=991|note")
    assert parse_tag(tag) == CampaignTag(campaign_key("c"), 3, "order=991|note")


def test_the_longest_tag_fits_metas_512_characters() -> None:
    tag = campaign_tag("a" * 10_000, 10**14 - 1, "x" * CALLBACK_DATA_MAX)
    assert len(tag) == 512
    assert parse_tag(tag) is not None


def test_a_users_value_over_the_room_left_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        campaign_tag("c", 0, "x" * (CALLBACK_DATA_MAX + 1))
    assert info.value.field == "callback_data"


@pytest.mark.parametrize("data", [None, "", "order-17", "wa1:xyz:1", "wa1:0123456789ab:"])
def test_values_that_are_not_tags_parse_to_none(data: str | None) -> None:
    assert parse_tag(data) is None


async def _broadcast(rows: list[Recipient], **kwargs: object) -> FakeCloudAPI:
    async with FakeCloudAPI(pair_limit=None) as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url,
        messages_per_second=1000,
    ) as wa:
        await wa.broadcast(rows, template="hello", **kwargs)  # type: ignore[arg-type]
    return fake


async def test_every_broadcast_send_carries_its_campaign_and_row() -> None:
    rows = [Recipient(f"+1555000{i:04d}") for i in range(5)]
    fake = await _broadcast(rows, campaign="spring")
    tags = {m.to: parse_tag(m.body["biz_opaque_callback_data"]) for m in fake.sent}
    assert tags == {
        f"+1555000{i:04d}": CampaignTag(campaign_key("spring"), i, None) for i in range(5)
    }


async def test_a_journal_given_as_an_object_tags_with_its_own_campaign(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db", campaign="from-journal")
    fake = await _broadcast([Recipient("+15550000001")], journal=journal)
    tag = parse_tag(fake.sent[0].body["biz_opaque_callback_data"])
    assert tag is not None and tag.key == campaign_key("from-journal")


async def test_a_rows_own_callback_data_rides_after_the_tag() -> None:
    fake = await _broadcast([Recipient("+15550000001", callback_data="crm:77")], campaign="c")
    assert fake.sent[0].body["biz_opaque_callback_data"] == campaign_tag("c", 0, "crm:77")


async def test_a_row_whose_callback_data_is_too_long_is_skipped_before_any_send() -> None:
    rows = [Recipient("+15550000001", callback_data="x" * (CALLBACK_DATA_MAX + 1)),
            Recipient("+15550000002")]
    async with FakeCloudAPI(pair_limit=None) as fake, WhatsAppClient(
        fake.access_token, fake.phone_number_id, base_url=fake.base_url,
    ) as wa:
        outcomes = {o.to: o async for o in wa.broadcast(rows, template="hello")}
    assert outcomes["+15550000001"].status == "skipped"
    assert outcomes["+15550000001"].error is not None
    assert "callback_data" in outcomes["+15550000001"].error.message
    assert [m.to for m in fake.sent] == ["+15550000002"]
