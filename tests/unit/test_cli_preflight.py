"""``whatsapp-async broadcast`` checks every row against the template before the first send."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_cli import write_csv
from whatsapp_async.cli import main
from whatsapp_async.testing import FakeCloudAPI

ORDER_UPDATE: dict[str, Any] = {
    "name": "order_update", "language": "en_US", "category": "UTILITY", "status": "APPROVED",
    "components": [{"type": "BODY", "text": "Hi {{1}}, order {{2}} shipped",
                    "example": {"body_text": [["Ann", "4711"]]}}],
}


class ThreadedFake:
    """A fake knowing ``order_update``, on its own loop so the CLI can run asyncio.run()."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.fake = FakeCloudAPI(messages_per_second=5000, pair_limit=None,
                                 templates=[ORDER_UPDATE])
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> FakeCloudAPI:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.fake.start(), self.loop).result(30)
        return self.fake

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.aclose(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)
        self.loop.close()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCloudAPI]:
    with ThreadedFake() as server:
        monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", server.access_token)
        monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", server.phone_number_id)
        monkeypatch.setenv("WHATSAPP_BASE_URL", server.base_url)
        monkeypatch.setenv("WHATSAPP_BUSINESS_ACCOUNT_ID", server.waba_id)
        yield server


@pytest.fixture
def people(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "people.csv", [
        ["phone", "name", "order"],
        ["+15550000001", "Ana", "A1"],
        ["+15550000002", "Ben", "B2"],
    ])


def broadcast(csv_path: Path, *params: str, extra: tuple[str, ...] = ()) -> int:
    flags = [f for p in params for f in ("--param", p)]
    return main(["broadcast", str(csv_path), "--template", "order_update", *flags,
                 "--quiet", "--plain", *extra])


def test_one_parameter_per_row_exits_2_before_any_send(
    fake: FakeCloudAPI, people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert broadcast(people, "name") == 2
    err = capsys.readouterr().err
    assert "line 2" in err and "'order_update'" in err and "BODY expects 2" in err
    assert "nothing was sent" in err
    assert fake.sent == []


def test_two_parameters_per_row_are_sent(fake: FakeCloudAPI, people: Path) -> None:
    assert broadcast(people, "name", "order") == 0
    assert len(fake.sent) == 2


def test_no_preflight_leaves_the_check_to_the_api(fake: FakeCloudAPI, people: Path) -> None:
    assert broadcast(people, "name", extra=("--no-preflight",)) == 1
    assert fake.sent == [] and fake.count_refusals(132000) == 2


def test_an_unknown_template_exits_2(fake: FakeCloudAPI, people: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["broadcast", str(people), "--template", "spring_sale", "--quiet", "--plain"])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
    assert fake.sent == []


def test_dry_run_runs_the_preflight_too(fake: FakeCloudAPI, people: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert broadcast(people, "name", extra=("--dry-run",)) == 2
    assert "BODY expects 2" in capsys.readouterr().err
    assert broadcast(people, "name", "order", extra=("--dry-run",)) == 0
    assert "pre-flight: 2 row(s) fit" in capsys.readouterr().out
    assert fake.sent == []


def test_without_an_account_the_check_is_skipped_with_a_note(
    fake: FakeCloudAPI, people: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("WHATSAPP_BUSINESS_ACCOUNT_ID")
    assert broadcast(people, "name", "order") == 0
    assert "pre-flight check skipped" in capsys.readouterr().err


def test_a_sandbox_with_templates_checks_rows(people: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "templates.json"
    file.write_text(json.dumps([ORDER_UPDATE]), encoding="utf-8")
    assert broadcast(people, "name", extra=("--sandbox", "--templates", str(file))) == 2
    assert "BODY expects 2" in capsys.readouterr().err
    assert broadcast(people, "name", "order", extra=("--sandbox", "--templates", str(file))) == 0


def test_a_sandbox_without_templates_says_it_accepts_any(
    people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert broadcast(people, "name", extra=("--sandbox",)) == 0
    err = capsys.readouterr().err
    assert "pre-flight check skipped: this sandbox accepts any template" in err
    assert "--templates FILE" in err and "no business account id" not in err


def test_a_bad_templates_file_is_a_usage_error(people: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "templates.json"
    file.write_text('{"name": "x"}', encoding="utf-8")
    assert broadcast(people, "name", extra=("--sandbox", "--templates", str(file))) == 2
    assert "JSON list" in capsys.readouterr().err


def test_marketing_messages_flag_sends_through_that_path(
    fake: FakeCloudAPI, people: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # order_update is a utility template: pre-flight refuses it for the marketing path,
    # and without pre-flight the fake refuses each row there.
    assert broadcast(people, "name", "order", extra=("--marketing-messages",)) == 2
    assert "UTILITY" in capsys.readouterr().err
    assert broadcast(people, "name", "order",
                     extra=("--marketing-messages", "--no-preflight")) == 1
    assert fake.sent == [] and fake.count_refusals(100) == 2
