"""Mutation score per module from the last ``mutmut run`` (docs/mutation-testing.md).

Run from the repository root after ``mutmut run``::

    python tools/mutation_scores.py            # every module mutmut knows of
    python tools/mutation_scores.py retry      # modules whose name contains "retry"

The score is killed / (killed + survived): a mutant that made a test time out
counts as killed, and mutants not checked yet (or without a covering test) are
shown apart, not counted. It reads ``mutmut results --all true``, whose lines
are ``<module>.<function>__mutmut_<n>: <status>``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict

# The mangled function part starts with "x_" (a function) or "xǁ" (a method).
_LINE = re.compile(r"^\s*(?P<name>\S+?)\.(?:x_|xǁ)\S*__mutmut_\d+: (?P<status>.+)$")
_KILLED = {"killed", "timeout", "caught by type check"}


def scores(lines: list[str]) -> dict[str, Counter[str]]:
    """Count the statuses per module from ``mutmut results --all true`` lines.

    Args:
        lines: The command's output lines.

    Returns:
        Module name -> count per status.
    """
    per_module: dict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:
        match = _LINE.match(line)
        if match:
            per_module[match["name"]][match["status"].strip()] += 1
    return per_module


def main(argv: list[str]) -> int:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    wanted = argv[1:]
    print(f"{'module':45} {'killed':>6} {'survived':>8} {'other':>6}  score")
    for module, counts in sorted(scores(out).items()):
        if wanted and not any(w in module for w in wanted):
            continue
        killed = sum(n for status, n in counts.items() if status in _KILLED)
        survived = counts.get("survived", 0)
        other = sum(counts.values()) - killed - survived
        tested = killed + survived
        score = f"{100 * killed / tested:5.1f}%" if tested else "    -"
        print(f"{module:45} {killed:6} {survived:8} {other:6}  {score}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
