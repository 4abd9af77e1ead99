"""Every kind of file a repository can hold, next to a file with a known finding, through the
installed CLI: each hostile one gets a clear one-line message (or a finding of its own), the
run ends, no traceback is printed, and the good file's finding is still reported."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import credlint_executable, run_cli

KEY = "AKIAQ7RWN3HV5D2KT4LM"
GOOD = f'import boto3\n\nboto3.client("s3", region_name="eu-west-1", aws_access_key_id="{KEY}")\n'
GOOD_FINDING = "good.py:3:64: CL101"
# A client with no region: the region rule reads every file that starts with it.
CLIENT = 'import boto3\nboto3.client("s3")\n'


@dataclass(frozen=True)
class Hostile:
    """A file to put beside good.py, what credlint must say of it, and the exit status."""

    name: str
    make: Callable[[Path], None]
    says: str  # a line of stdout or stderr that must appear
    status: int
    options: tuple[str, ...] = ()


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda root: (root / name).write_bytes(data)


def _fifo(root: Path) -> None:
    os.mkfifo(root / "pipe.py")


def _socket(root: Path) -> None:
    # A socket's path must be short; bind in a short directory and move the socket into the tree.
    with tempfile.TemporaryDirectory(dir="/tmp") as short:
        server = socket.socket(socket.AF_UNIX)
        server.bind(os.path.join(short, "s"))
        os.rename(os.path.join(short, "s"), root / "listener.py")
        server.close()


def _links(root: Path) -> None:
    (root / "dangling.py").symlink_to(root / "nowhere.py")
    (root / "loop_a.py").symlink_to(root / "loop_b.py")
    (root / "loop_b.py").symlink_to(root / "loop_a.py")


def _directory_loop(root: Path) -> None:
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)


def _unusual_names(root: Path) -> None:
    for name in ("with space.py", "naïve_ключ.py", "line\nbreak.py"):
        (root / name).write_text(GOOD)


def _sparse(name: str, size: int) -> Callable[[Path], None]:
    """A file of size bytes on disk in an instant: text for the first 10 kB (as far as anyone
    looks to tell text from binary), then a hole."""

    def make(root: Path) -> None:
        with open(root / name, "wb") as handle:
            handle.write(CLIENT.encode() + b"#" * 10_000 + b"\n")
            handle.truncate(size)

    return make


HOSTILE = [
    Hostile("fifo", _fifo, "credlint: warning: pipe.py: a named pipe (FIFO), not a regular file; skipped", 1),
    Hostile("socket", _socket, "credlint: warning: listener.py: a socket, not a regular file; skipped", 1),
    Hostile("broken-symlink", _links, "credlint: warning: dangling.py: broken symbolic link; skipped", 1),
    Hostile("symlink-loop", _links, "credlint: warning: loop_a.py: symbolic link loop; skipped", 1),
    # A linked directory is not followed, as git does not: the loop is never entered.
    Hostile("directory-loop", _directory_loop, GOOD_FINDING, 1),
    Hostile("empty", _write("empty.py", b""), GOOD_FINDING, 1),
    Hostile(
        "nul-bytes", _write("nul.py", CLIENT.encode() + b"x = 1\0\n"), "nul.py: binary file (contains NUL bytes)", 2
    ),
    Hostile(
        "not-utf8",
        _write("latin.py", CLIENT.encode() + "name = 'café'\n".encode("latin-1")),
        "credlint: error: latin.py: is not valid UTF-8 (byte 43); skipped",
        2,
    ),
    Hostile(
        "coding-undefined",
        _write("nocodec.py", b"# coding: undefined\n" + CLIENT.encode()),
        "credlint: error: nocodec.py: declares an encoding that cannot read it (undefined); skipped",
        2,
    ),
    Hostile(
        "coding-line",
        _write("legacy.py", f"# -*- coding: latin-1 -*-\nname = 'café'\nkey = '{KEY}'\n".encode("latin-1")),
        "legacy.py:3:8: CL101",
        1,
    ),
    Hostile("bom", _write("bom.py", b"\xef\xbb\xbf" + f"key = '{KEY}'\n".encode()), "bom.py:1:8: CL101", 1),
    Hostile("crlf", _write("crlf.py", f"x = 1\r\n\r\nkey = '{KEY}'\r\n".encode()), "crlf.py:3:8: CL101", 1),
    Hostile("lone-cr", _write("cr.py", f"x = 1\r\rkey = '{KEY}'\r".encode()), "cr.py:3:8: CL101", 1),
    Hostile(
        "python-2",
        _write("legacy2.py", CLIENT.encode() + b'print "done"\n'),
        "legacy2.py:3:13: CL000 Could not parse the file",
        1,
    ),
    # Grammar of other Pythons that LibCST does not read: each a CL000 at the parser's place.
    *(
        Hostile(f"grammar-{name}", _write(f"{name}.py", CLIENT.encode() + line), f"{name}.py:3:{column}: CL000", 1)
        for name, line, column in (
            ("backticks", b"x = `1`\n", 5),
            ("diamond", b"if 1 <> 2: pass\n", 9),
            ("octal", b"x = 0777\n", 5),
            ("unicode-raw", b'x = ur"a"\n', 10),
            ("exec-statement", b'exec "x = 1"\n', 13),
        )
    ),
    Hostile(
        "unclosed-string",
        _write("unclosed.py", CLIENT.encode() + b'key = "AKIA\n'),
        "unclosed.py:3:7: CL000 Could not parse the file",
        1,
    ),
    Hostile(
        "nested-10000",
        _write("nested.py", CLIENT.encode() + b"x = " + b"(" * 10_000 + b"1" + b")" * 10_000 + b"\n"),
        "CL000 Could not parse the file: too many nested parentheses",
        1,
    ),
    Hostile(
        "unary-10000",
        _write("unary.py", CLIENT.encode() + b"x = " + b"-" * 10_000 + b"1\n"),
        "unary.py:1:1: CL000 Could not parse the file: the code is nested too deeply for Python to compile it",
        1,
    ),
    Hostile(
        "chain-100000",
        _write("chain.py", CLIENT.encode() + b"x = 1" + b" + 1" * 100_000 + b"\n"),
        "chain.py:1:1: CL000 Could not parse the file: the code is nested too deeply for Python to compile it",
        1,
    ),
    # Minified: one line of a megabyte, with a key in the middle of it.
    Hostile(
        "minified-1mb",
        _write("bundle.min.js", b"var a=1;" * 65_000 + f'var k="{KEY}";'.encode() + b"var b=2;" * 65_000),
        "bundle.min.js:1:520008: CL101",
        1,
    ),
    Hostile(
        "huge-50mb",
        _sparse("huge.py", 50_000_000),
        "credlint: error: huge.py: 50,000,000 bytes is over max-file-size (2,000,000); skipped",
        2,
    ),
    Hostile(
        "huge-data",
        _sparse("dump.json", 50_000_000),
        "credlint: warning: dump.json: 50,000,000 bytes is over max-file-size (2,000,000); skipped",
        1,
    ),
    # Valid, but slow to analyse: the time budget stops it and the run goes on.
    Hostile(
        "over-budget",
        _write("table.py", CLIENT.encode() + b"x = [" + b"1," * 60_000 + b"]\n"),
        "credlint: error: table.py: not checked within file-timeout (0.5 s); skipped",
        2,
        ("--file-timeout", "0.5"),
    ),
    Hostile("unusual-names", _unusual_names, "naïve_ключ.py:3:64: CL101", 1),
]


@pytest.fixture(params=HOSTILE, ids=[hostile.name for hostile in HOSTILE])
def hostile(request: pytest.FixtureRequest) -> Hostile:
    return request.param  # type: ignore[no-any-return]


def test_a_hostile_file_is_reported_and_the_others_still_checked(tmp_path: Path, hostile: Hostile) -> None:
    (tmp_path / "good.py").write_text(GOOD)
    hostile.make(tmp_path)
    result = run_cli(["check", "--no-explain", *hostile.options, "."], cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert GOOD_FINDING in result.stdout, result.stderr
    assert hostile.says in result.stdout + result.stderr, result.stdout + result.stderr
    assert result.returncode == hostile.status, result.stderr
    # One line per problem: every message on stderr is a `credlint: level: ...` line.
    assert all(line.startswith("credlint: ") for line in result.stderr.splitlines()), result.stderr


def test_the_issue_tree_finishes(tmp_path: Path) -> None:
    """A FIFO named like a module among links, NUL bytes, a megabyte line and deep nesting."""
    (tmp_path / "good.py").write_text(GOOD)
    for name in ("fifo", "broken-symlink", "directory-loop", "nul-bytes", "minified-1mb", "nested-10000"):
        next(h for h in HOSTILE if h.name == name).make(tmp_path)
    result = run_cli(["check", "--no-explain", "."], cwd=tmp_path)
    assert GOOD_FINDING in result.stdout and "bundle.min.js:1:520008: CL101" in result.stdout
    assert "pipe.py: a named pipe (FIFO)" in result.stderr and result.returncode == 2


def test_a_special_file_named_on_the_command_line_is_an_error(tmp_path: Path) -> None:
    _fifo(tmp_path)
    result = run_cli(["check", "pipe.py"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("credlint: error: pipe.py: a named pipe (FIFO), not a regular file; skipped")


def test_a_path_with_a_line_break_stays_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "line\nbreak.py").write_text(GOOD)
    result = run_cli(["check", "--no-explain", "."], cwd=tmp_path)
    assert any(line.startswith("line\\nbreak.py:3:64: CL101") for line in result.stdout.splitlines())


def test_an_unreadable_file_and_directory(tmp_path: Path) -> None:
    """Root reads every file; as root, the check runs without the capabilities that let it."""
    (tmp_path / "good.py").write_text(GOOD)
    secret = tmp_path / "secret.py"
    secret.write_text(GOOD)
    secret.chmod(0)
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "keys.py").write_text(GOOD)
    (tmp_path / "vault").chmod(0)
    command = [credlint_executable(), "check", "--no-explain", "."]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root reads every file, and setpriv is not here to give that up")
        unread = "-dac_override,-dac_read_search"
        command = [setpriv, f"--bounding-set={unread}", f"--inh-caps={unread}", *command]
    environment = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=environment, timeout=120)
    assert result.stderr.splitlines() == [
        "credlint: error: secret.py: permission denied; skipped",
        "credlint: error: vault: directory cannot be read (Permission denied); skipped",
    ]
    assert GOOD_FINDING in result.stdout and result.returncode == 2
