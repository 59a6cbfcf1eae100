"""Parsing a 1,000-update webhook batch: typed Structs vs ``json.loads`` into dicts.

Meta may batch up to 1,000 updates in one POST. This builds such a body (60%
inbound messages of five kinds with their ``contacts``, 40% statuses, split
over 10 changes as Meta does per business number) and times, in the same run:

1. ``json.loads(body)``: the baseline, plain dicts, nothing validated;
2. ``parse_notification(body)``: the library's typed decode (fast pass);
3. ``parse_notification`` on the same batch with one unknown message type per
   change, which forces the slower per-value fallback;
4. ``parse_notification`` on the same batch with one key no Struct models in
   one message per change, which the lossless path sets aside into
   ``unmodelled``;
5. ``verify_signature`` on the body, for scale (it runs before parsing).

It prints microseconds per update for each and the ratio to the baseline.
The best of ``--rounds`` rounds of ``--loops`` calls is kept.

Run: ``python benchmarks/bench_webhooks.py [--updates 1000] [--rounds 7] [--loops 20]
[--clock wall|cpu]``
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from whatsapp_async.webhooks import parse_notification, sign, verify_signature

SECRET = "bench-secret"


def _message(i: int, kind: str) -> dict[str, Any]:
    base: dict[str, Any] = {"from": f"4477009{i:05d}", "id": f"wamid.HBgMNDQ3NzAwOTAw{i:08d}",
                            "timestamp": str(1750412345 + i), "type": kind}
    if kind == "text":
        base["text"] = {"body": f"Hello, is item {i} still available? \u2705"}
    elif kind == "image":
        base["image"] = {"caption": "receipt", "mime_type": "image/jpeg", "id": str(10**15 + i),
                         "sha256": "q2Zk1m3nB8yV0cX7eR4tW6uI9oP5aS2dF1gH3jK8lLQ="}
        base["context"] = {"forwarded": True}
    elif kind == "interactive":
        base["interactive"] = {"type": "button_reply",
                               "button_reply": {"id": f"btn-{i}", "title": "Reschedule"}}
        base["context"] = {"from": "15550001234", "id": f"wamid.BUSINESS{i:08d}"}
    elif kind == "reaction":
        base["reaction"] = {"message_id": f"wamid.BUSINESS{i:08d}", "emoji": "\U0001f44d"}
    elif kind == "location":
        base["location"] = {"latitude": 53.79, "longitude": -1.54, "name": "Leeds"}
    else:  # an unknown type, forcing the fallback pass
        base[kind] = {"anything": [1, 2, 3]}
    return base


def _status(i: int) -> dict[str, Any]:
    status: dict[str, Any] = {
        "id": f"wamid.SENT{i:08d}", "status": ("sent", "delivered", "read")[i % 3],
        "timestamp": str(1750412345 + i), "recipient_id": f"4477009{i:05d}",
        "biz_opaque_callback_data": f"order-{i}",
    }
    if status["status"] != "read":
        status["pricing"] = {"billable": True, "pricing_model": "PMP", "type": "regular",
                             "category": "utility"}
        status["conversation"] = {"id": f"conv{i:028d}", "origin": {"type": "utility"}}
    return status


def build_batch(updates: int, *, unknown_per_change: bool = False,
                unmodelled_per_change: bool = False) -> bytes:
    """A compact, Meta-style body with ``updates`` messages and statuses."""
    kinds = ("text", "text", "image", "interactive", "reaction", "location")
    changes = []
    per_change = max(1, updates // 10)
    for start in range(0, updates, per_change):
        ids = range(start, min(start + per_change, updates))
        messages = [_message(i, kinds[i % len(kinds)]) for i in ids if i % 5 < 3]
        if unknown_per_change and messages:
            messages[0] = _message(ids[0], "poll_creation")
        if unmodelled_per_change and messages:
            messages[0]["brand_new_key"] = {"added": "by Meta"}
        statuses = [_status(i) for i in ids if i % 5 >= 3]
        value: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001234",
                         "phone_number_id": "109876543210987"},
        }
        if messages:
            value["contacts"] = [{"profile": {"name": f"User {m['from']}"}, "wa_id": m["from"]}
                                 for m in messages]
            value["messages"] = messages
        if statuses:
            value["statuses"] = statuses
        changes.append({"value": value, "field": "messages"})
    payload = {"object": "whatsapp_business_account",
               "entry": [{"id": "214367980012345", "changes": changes}]}
    # Meta's rendering: compact, non-ASCII escaped as \\uXXXX.
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()


def best_time(func: Callable[[], object], rounds: int, loops: int,
              clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds per call, best of ``rounds`` rounds of ``loops`` calls."""
    best = float("inf")
    for _ in range(rounds):
        start = clock()
        for _ in range(loops):
            func()
        best = min(best, (clock() - start) / loops)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--loops", type=int, default=20)
    # On a machine shared with other work, wall time measures the neighbours
    # too; this process's CPU time much less so.
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = parser.parse_args()
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    body = build_batch(args.updates)
    fallback_body = build_batch(args.updates, unknown_per_change=True)
    unmodelled_body = build_batch(args.updates, unmodelled_per_change=True)
    signature = sign(body, SECRET)
    parsed = parse_notification(body)
    count = sum(1 for _ in parsed.messages()) + sum(1 for _ in parsed.statuses())
    assert count == args.updates, count
    assert sum(1 for m in parse_notification(fallback_body).messages() if m.kind == "unknown")

    def timed(func: Callable[[], object]) -> float:
        return best_time(func, args.rounds, args.loops, clock)

    baseline = timed(lambda: json.loads(body))
    typed = timed(lambda: parse_notification(body))
    fallback = timed(lambda: parse_notification(fallback_body))
    unmodelled = timed(lambda: parse_notification(unmodelled_body))
    hmac_time = timed(lambda: verify_signature(body, signature, SECRET))

    def row(name: str, seconds: float) -> None:
        per_update = seconds / count * 1e6
        print(f"{name:<46} {per_update:8.3f} us/update  {seconds * 1e3:8.3f} ms/batch  "
              f"ratio {seconds / baseline:5.2f}")

    print(f"batch: {count} updates, {len(body):,} bytes")
    row("json.loads into dicts (baseline)", baseline)
    row("parse_notification (typed Structs)", typed)
    row("parse_notification, 1 unknown type per change", fallback)
    row("parse_notification, 1 unmodelled key per change", unmodelled)
    row("verify_signature (HMAC-SHA256)", hmac_time)


if __name__ == "__main__":
    main()
