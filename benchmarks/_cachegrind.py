"""Counting a process's instructions under valgrind's cachegrind, for the benchmarks.

An instruction count does not move with the machine's load, unlike wall clock
or CPU time. Cache simulation is off: only user-space instructions are counted.
"""

from __future__ import annotations

import re
import subprocess
import tempfile

_TOTAL = re.compile(r"I\s+refs:\s+([\d,]+)")


def under_cachegrind(out_folder: str, argv: list[str]) -> list[str]:
    """``argv`` run under cachegrind, its output file in ``out_folder``."""
    return ["valgrind", "--tool=cachegrind", "--cache-sim=no",
            f"--cachegrind-out-file={out_folder}/out", *argv]


def instruction_count(valgrind_stderr: str) -> int:
    """The total instruction count valgrind printed on its standard error.

    Raises:
        RuntimeError: The output holds no count (the process did not end normally).
    """
    found = _TOTAL.search(valgrind_stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output: {valgrind_stderr[-400:]}")
    return int(found.group(1).replace(",", ""))


def count_instructions(argv: list[str], timeout: float = 3600) -> int:
    """Run ``argv`` to its end under cachegrind and return its instruction count.

    Raises:
        subprocess.CalledProcessError: The process failed.
        RuntimeError: valgrind printed no count.
    """
    with tempfile.TemporaryDirectory(prefix="wa-bench-cg-") as folder:
        done = subprocess.run(under_cachegrind(folder, argv), capture_output=True, text=True,
                              check=True, timeout=timeout)
    return instruction_count(done.stderr)
