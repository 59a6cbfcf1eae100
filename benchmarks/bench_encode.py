"""Cost of turning a template send into request bytes: the library vs dict + json.dumps.

Both sides start from the same plain values (recipient, template name, three
body texts) and end with the JSON bytes handed to aiohttp, in the same run:

* **library**: build ``Template`` / ``BodyComponent`` / ``TextParameter`` Structs,
  ``build_request`` (all validation, E.164 normalisation, envelope), then the
  transport's msgspec encoder; exactly what ``wa.messages.send`` does before HTTP;
* **baseline**: build the same body as nested dicts and ``json.dumps(...).encode()``,
  with no validation at all.

It prints microseconds per message for both (best of ``--rounds``) and the
ratio baseline / library. Target: the library is faster (ratio > 1).

    python benchmarks/bench_encode.py [--messages 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from whatsapp_async import _codec
from whatsapp_async.types.messages import (
    BodyComponent,
    Language,
    Template,
    TextParameter,
    build_request,
)

NAMES = ["Pablo", "Ana María", "Jürgen", "Zhang Wei", "Olúwaseun", "Sasha", "Ngozi", "Kai"]
ORDERS = [f"#{n:06d}" for n in range(97, 997, 37)]
DATES = ["Mon 3 Mar, 09:00", "Tue 4 Mar, 14:30", "Fri 7 Mar, 18:45"]
TO = "+16505551234"


def inputs(n: int) -> list[tuple[str, str, str]]:
    return [
        (NAMES[i % len(NAMES)], ORDERS[i % len(ORDERS)], DATES[i % len(DATES)])
        for i in range(n)
    ]


def library(rows: list[tuple[str, str, str]]) -> int:
    encode = _codec.encode
    size = 0
    for name, order, when in rows:
        message = Template(
            name="order_update",
            language=Language(code="en_US"),
            components=[BodyComponent(parameters=[
                TextParameter(text=name), TextParameter(text=order), TextParameter(text=when),
            ])],
        )
        size += len(encode(build_request(TO, message)))
    return size


def baseline(rows: list[tuple[str, str, str]]) -> int:
    dumps = json.dumps
    size = 0
    for name, order, when in rows:
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": TO,
            "type": "template",
            "template": {
                "name": "order_update",
                "language": {"code": "en_US"},
                "components": [{"type": "body", "parameters": [
                    {"type": "text", "text": name},
                    {"type": "text", "text": order},
                    {"type": "text", "text": when},
                ]}],
            },
        }
        size += len(dumps(body).encode())
    return size


def best_us(fn: Callable[[list[tuple[str, str, str]]], int], rows: list[tuple[str, str, str]],
            rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn(rows)
        best = min(best, time.perf_counter() - start)
    return best / len(rows) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    rows = inputs(args.messages)
    # Same bodies on both sides (key order aside): compare them once, decoded.
    sample = rows[:1]
    lib_body = json.loads(_codec.encode(build_request(TO, Template(
        name="order_update", language=Language(code="en_US"),
        components=[BodyComponent(parameters=[TextParameter(text=t) for t in sample[0]])],
    ))))
    base_body = {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": TO,
        "type": "template", "template": {
            "name": "order_update", "language": {"code": "en_US"},
            "components": [{"type": "body", "parameters": [
                {"type": "text", "text": t} for t in sample[0]]}],
        },
    }
    assert lib_body == base_body, (lib_body, base_body)

    library(rows[:1000])  # warm caches (decoder/encoder setup, regex compile)
    baseline(rows[:1000])
    lib = best_us(library, rows, args.rounds)
    base = best_us(baseline, rows, args.rounds)
    print(f"template with 3 body parameters, {args.messages} messages, best of {args.rounds}")
    print(f"  library (Structs + validation + msgspec): {lib:6.2f} µs/message")
    print(f"  baseline (dict + json.dumps):            {base:6.2f} µs/message")
    print(f"  ratio baseline/library: {base / lib:.2f}x "
          f"({'library faster' if lib < base else 'library SLOWER'})")


if __name__ == "__main__":
    main()
