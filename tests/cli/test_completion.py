"""Shell completion: the script verify prints completes commands in a real bash, and installs where bash reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VERIFY = Path(sys.executable).parent / "verify"  # the console script pip installed, as a user runs it
BASH = shutil.which("bash")

pytestmark = [
    pytest.mark.skipif(not VERIFY.exists(), reason="the verify script is not installed next to this Python"),
    pytest.mark.skipif(BASH is None, reason="bash is not installed"),
]


def complete(home: Path, line: str) -> list[str]:
    """What bash offers for ``line`` (words so far, the last one being completed) with verify's script loaded."""
    words = line.split(" ")
    script = (
        f'source <("{VERIFY}" --show-completion bash)\n'
        f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
        '_verify_completion verify\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "HOME": str(home), "PATH": f"{VERIFY.parent}:{os.environ['PATH']}"}
    done = subprocess.run([BASH, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=True)
    return [w for w in done.stdout.splitlines() if w]


def test_the_help_offers_completion():
    done = subprocess.run([VERIFY, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--install-completion" in done.stdout and "--show-completion" in done.stdout


def test_bash_completes_commands_and_options(tmp_path):
    assert complete(tmp_path, "verify cla") == ["claim"]
    assert set(complete(tmp_path, "verify claim s")) == {"show", "signoff"}
    assert complete(tmp_path, "verify evidence suggest --all-c") == ["--all-claims"]


def test_install_completion_writes_the_script_bash_loads(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": BASH or "bash"}
    done = subprocess.run([VERIFY, "--install-completion", "bash"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "bash completion installed in" in done.stdout
    script = tmp_path / ".bash_completions" / "verify.sh"
    assert "_verify_completion" in script.read_text()
    assert str(script) in (tmp_path / ".bashrc").read_text()
