"""A user's type checker sees the installed package (``pip install -e .`` or ``pip install .``)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

USER_CODE = '''
from whatsapp_async import WhatsAppClient

async def main() -> None:
    async with WhatsAppClient("token", "1234567890") as wa:
        sent = await wa.messages.send_text("+15551234567", "Hi")
        reveal_type(sent.message_id)
'''


def test_mypy_in_a_users_project_finds_the_package_and_its_types(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(USER_CODE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"MYPYPATH", "PYTHONPATH"}}
    # Run from the user's folder, so only what the install put on the path is found.
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "app.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert "Cannot find implementation or library stub" not in run.stdout, run.stdout
    # Older mypy spells the type "builtins.str", newer "str"; "Any" means it saw no types.
    assert re.search(r'Revealed type is "(builtins\.)?str"', run.stdout), run.stdout
    assert run.returncode == 0, run.stdout + run.stderr
