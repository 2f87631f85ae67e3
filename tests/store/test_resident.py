"""The resident process (``kontaktplan resident start``): a command handed to it prints,
exits and changes the workspace exactly as the same command run on its own; it steps
aside when its code changed; Ctrl-C stops the command. Real processes, a real socket,
real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_store_cli import DEMO, SOLVE, TINY_STEPS, chain, kp, same_folders

import kontaktplan
from kontaktplan.io import read_scenario, write_scenario
from kontaktplan.resident.channel import ping

PACKAGE = Path(kontaktplan.__file__).resolve().parent


def run(
    sock: str | None, *args: str, db: str | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """``kontaktplan ARGS`` as a user types it: through the resident process at ``sock``,
    or on its own (None)."""
    env = {**os.environ, "KONTAKTPLAN_RESIDENT": sock or "off", "COLUMNS": "100"}
    env.pop("KONTAKTPLAN_DB", None)
    if db:
        env["KONTAKTPLAN_DB"] = db
    return subprocess.run(
        [sys.executable, "-m", "kontaktplan", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.fixture
def resident() -> Iterator[str]:
    """A resident process listening on a socket of its own; stopped afterwards."""
    folder = tempfile.mkdtemp(prefix="kpr")  # a socket path must be short (108 bytes)
    sock = os.path.join(folder, "r.sock")
    started = run(sock, "resident", "start")
    assert started.returncode == 0, started.stderr
    pid = ping(sock)
    assert pid is not None and f"pid {pid}" in started.stdout
    yield sock
    run(sock, "resident", "stop")
    shutil.rmtree(folder, ignore_errors=True)


def test_the_chain_through_the_resident_process_equals_folder_mode(
    resident, db_url, office, tmp_path
):
    canonical = write_scenario(read_scenario(office).scenario, tmp_path / "canonical")
    folder = tmp_path / "folder"
    kp("plan", canonical, "--out", folder, "--weeks", "1", *SOLVE, "-q")
    chain(folder, None, TINY_STEPS)
    for step in (
        ["db", "init", "--db", db_url],
        ["db", "import", canonical, "--db", db_url],
        ["plan", "--weeks", "1", *SOLVE],
        *TINY_STEPS,
    ):
        done = run(resident, *step, "-q", db=db_url)
        assert done.returncode == 0, done.stderr
    exported = tmp_path / "exported"
    assert run(resident, "db", "export", "--out", exported, "--db", db_url).returncode == 0
    same_folders(folder, exported)


def test_output_and_exit_codes_are_those_of_the_command_on_its_own(resident, tmp_path):
    db, other = tmp_path / "a.db", tmp_path / "b.db"
    url = f"sqlite:///{db}"
    for path in (db, other):
        assert run(None, "db", "init", "--db", f"sqlite:///{path}").returncode == 0
        assert run(None, "db", "import", DEMO, "--db", f"sqlite:///{path}").returncode == 0
    cases = [
        ["cancel", "P0003", "--on", "2026-11-23"],
        ["cancel", "P0003", "--on", "2026-11-23"],  # again: bad input, exit 2
        ["cancel", "NOPE", "--lang", "de"],
        ["status", "P0002", "held", "--on", "2027-01-31", "--lang", "de"],
        ["log"],
        ["cancl"],
        ["cancel", "--help"],
    ]
    for case in cases:
        here = run(None, *case, db=url)
        there = run(resident, *case, db=f"sqlite:///{other}")
        assert (there.returncode, _timeless(there.stdout), there.stderr) == (
            here.returncode,
            _timeless(here.stdout.replace(str(db), str(other))),
            here.stderr.replace(str(db), str(other)),
        ), case


def _timeless(text: str) -> str:
    return re.sub(r"\d\d:\d\d:\d\d", "hh:mm:ss", text)  # the log's times of the events


def test_standard_input_reaches_the_command(resident, tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    assert run(resident, "db", "init", "--db", url).returncode == 0
    added = run(
        resident, "user", "add", "tl1", "--role", "teamlead", "--password-stdin", db=url,
        stdin="a-long-password-1\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = run(None, "user", "list", db=url)
    assert "tl1" in listed.stdout


def test_changed_code_makes_it_step_aside_and_stop(resident):
    source = PACKAGE / "launcher.py"
    before = source.stat()
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    try:
        done = run(resident, "--version")
    finally:
        os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert done.returncode == 0 and done.stdout.startswith("kontaktplan ")  # ran here
    deadline = time.monotonic() + 10
    while ping(resident) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ping(resident) is None  # the old code does not serve another command


def test_ctrl_c_stops_the_command_and_the_resident_process_stays(resident, tmp_path):
    out = tmp_path / "planned"
    env = {**os.environ, "KONTAKTPLAN_RESIDENT": resident}
    p = subprocess.Popen(
        [sys.executable, "-m", "kontaktplan", "plan", DEMO, "--weeks", "4", "--out", out],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert p.returncode != 0
    assert "Traceback" not in err
    assert not out.exists()  # nothing written
    assert ping(resident) is not None


def test_status_start_and_stop_say_what_is(tmp_path):
    sock = os.path.join(tempfile.mkdtemp(prefix="kpr"), "r.sock")
    none = run(sock, "resident", "status")
    assert (none.returncode, none.stdout.strip()) == (1, f"no resident process at {sock}")
    assert run(sock, "resident", "start").returncode == 0
    try:
        again = run(sock, "resident", "start", "--lang", "de")
        assert again.returncode == 0 and again.stdout.startswith("Hintergrundprozess läuft")
        assert oct(os.stat(sock).st_mode & 0o777) == "0o600"
        assert oct(os.stat(os.path.dirname(sock)).st_mode & 0o777) == "0o700"
    finally:
        stopped = run(sock, "resident", "stop")
    assert stopped.stdout.strip() == f"resident process stopped: {sock}"
    assert ping(sock) is None and not os.path.exists(sock)


def test_files_are_made_with_the_callers_umask(resident, tmp_path):
    modes = {}
    for how, sock in (("here", None), ("resident", resident)):
        env = {**os.environ, "KONTAKTPLAN_RESIDENT": sock or "off"}
        out = tmp_path / how
        done = subprocess.run(
            [sys.executable, "-m", "kontaktplan", "scenario", "generate", "--out", str(out),
             "--specialists", "2", "--seed", "3", "-q"],
            env=env, capture_output=True, text=True, preexec_fn=lambda: os.umask(0o027),
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        modes[how] = {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()}
    assert modes["resident"] == modes["here"]
    assert all(mode & 0o007 == 0 for mode in modes["here"].values())  # the umask held


LISTENER = """
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
c.settimeout(10)
print(len(c.recv(1 << 16)), flush=True)
"""


@pytest.mark.skipif(
    os.getuid() != 0 or not os.access("/usr/bin/python3", os.X_OK),
    reason="a listener of another user needs root (to become nobody) and /usr/bin/python3",
)
def test_a_listener_of_another_user_is_told_nothing():
    # someone else's process at the socket's path: the launcher checks who listens
    # (SO_PEERCRED) before it sends the environment, which may hold a database password
    folder = tempfile.mkdtemp(prefix="kpr")
    os.chmod(folder, 0o777)
    sock = os.path.join(folder, "r.sock")
    listener = subprocess.Popen(
        ["/usr/bin/python3", "-c", LISTENER, sock],
        stdout=subprocess.PIPE, text=True, preexec_fn=lambda: os.setuid(65534),
    )  # fmt: skip
    try:
        assert listener.stdout.readline().strip() == "ready"
        done = run(sock, "--version")
        assert done.returncode == 0 and done.stdout.startswith("kontaktplan ")  # ran here
        assert listener.stdout.readline().strip() == "0"  # connected, and got no byte
    finally:
        listener.kill()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(os.getuid() != 0, reason="a folder of another user needs root (chown)")
def test_it_does_not_listen_in_a_folder_of_another_user():
    parent = tempfile.mkdtemp(prefix="kpr")
    folder = os.path.join(parent, "theirs")
    os.mkdir(folder, 0o777)
    os.chown(folder, 65534, 65534)
    sock = os.path.join(folder, "r.sock")
    try:
        started = time.monotonic()
        done = run(sock, "resident", "start")
        assert done.returncode == 1
        assert "resident process ended or did not answer" in done.stderr
        assert time.monotonic() - started < 20  # it says so as soon as it ended
        assert not os.path.exists(sock)
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def test_a_command_killed_in_the_resident_process_ends_with_a_message(resident, tmp_path):
    env = {**os.environ, "KONTAKTPLAN_RESIDENT": resident}
    p = subprocess.Popen(
        [sys.executable, "-m", "kontaktplan", "plan", DEMO, "--weeks", "4", "--out",
         tmp_path / "planned"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    parent = ping(resident)
    children: list[int] = []
    deadline = time.monotonic() + 20
    while not children and time.monotonic() < deadline:
        time.sleep(0.2)
        children = [
            int(d) for d in os.listdir("/proc") if d.isdigit() and _parent_of(int(d)) == parent
        ]
    assert len(children) == 1  # the copy running the plan
    os.kill(children[0], signal.SIGKILL)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 1
    assert err.strip().endswith("error: the resident process ended the command without an answer")
    assert ping(resident) == parent  # the resident process itself goes on


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None
