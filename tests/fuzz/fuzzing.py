"""A mutator of scenario folders and output paths, and the properties every command keeps.

Used by ``tests/fuzz/test_fuzz.py`` (a few hundred examples in the default run) and by
``benchmarks/fuzz.py`` (the long run). A *case* is a base folder (the tiny office planned,
with plan.json), a list of mutations of its files, a command and an output path. It is
run in-process (typer's CliRunner); :func:`check` returns the failure class, or None.

Properties (issue 11): the exit code is 0, 1, 2 or 3; no traceback; on exit 2 nothing on
the disk changed and the message names the file (and row and column where the message
says there is one); on exit 0, a folder the command wrote validates whenever its input
did. A case runs in English or German (issue 12.13): its error and warning lines are in
that language, with none of the other's words.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import stat
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st
from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.rules.policy import bundled_names, models_dir
from language import foreign_in, without_paths

TINY = Path(__file__).parents[1] / "data" / "tiny"
TABLES = (
    "specialists.csv",
    "customers.csv",
    "slots.csv",
    "absences.csv",
    "appointments.csv",
)
FILES = ("scenario.toml", *TABLES, "plan.json", "rules.toml")
runner = CliRunner()

WEIRD = [
    "",
    " ",
    "x",
    "-1",
    "0",
    "1e309",
    "nan",
    "99999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-12-07T25:00",
    "2026-12-07T08:00+01:00",
    "true",
    "ja",
    "=1+1",
    "@SUM(A1)",
    "Mustermann, Max",
    "A" * 300,
    "B" * 140_000,
    "S1;S2",
    "2026-12-07 08:00",
    "07.12.2026",
    "1,5",
    "-0.5",
    "S2\nS1",
    "é",
    "\x00",
    '"',
    "S1",
    "S2",
    "C1",
    "P20261123-00001",
    "K1",
    "U25",
    "video",
    "phone",
    "held",
    "no_show",
    "case_management",
    "Mon-AM",
    "2026-12-07",
    "2026-12-07T08:00",
    "2026-12-07T09:00",
    "2026-11-20",
    "0.5",
    "2",
]
TODAYS = ["9999-12-31", "0001-01-01", "2026-12-07", "2026-11-30", "2025-01-01", "x", '"x"']
POLICY_VALUES = {
    "lead_days": ["1000000000", "-1", "0", "365", "3"],
    "daily_cap": ["0", "1", "100000", "2"],
    "U25": ["0", "100000000", "12"],
    "min_days_between_contacts": ["100000000", "0", "60"],
    "weekly_volume_per_fte": ["0", "1", "100000"],
    "missed_deadline": ["10_000_000_000_000", "0"],
    "backfill_notice_days": ["0", "400", "1"],
    "id_pattern": ['"("', '"[A-Z]+"', '".*"'],
}


@dataclass
class Case:
    """One fuzzed run: what was changed, the command and where it writes."""

    mutations: list[tuple] = field(default_factory=list)
    command: str = "validate"
    out_kind: str = "fresh"
    extra: tuple = ()
    lang: str = "en"

    def describe(self) -> str:
        return (
            f"{self.command} {self.extra} --out {self.out_kind} --lang {self.lang} "
            f"after {self.mutations}"
        )


# ---------------------------------------------------------------------------
# Strategies


def _mutation() -> st.SearchStrategy[tuple]:
    table = st.sampled_from(TABLES)
    index = st.integers(0, 40)
    return st.one_of(
        st.tuples(st.just("delete_row"), table, index),
        st.tuples(st.just("duplicate_row"), table, index),
        st.tuples(st.just("set_cell"), table, index, index, st.sampled_from(WEIRD)),
        st.tuples(st.just("swap_cells"), table, index, index, index),
        st.tuples(st.just("drop_column"), table, index),
        st.tuples(st.just("extra_column"), table),
        st.tuples(st.just("semicolons"), table),
        st.tuples(st.just("encoding"), st.sampled_from(FILES), st.sampled_from(_ENCODINGS)),
        st.tuples(st.just("truncate"), st.sampled_from(FILES), st.floats(0, 1)),
        st.tuples(st.just("replace_file"), st.sampled_from(FILES), st.sampled_from(_ODD_FILES)),
        st.tuples(st.just("today"), st.sampled_from(TODAYS)),
        st.tuples(
            st.just("policy_value"),
            st.sampled_from(sorted(POLICY_VALUES)),
            st.integers(0, 10),
        ),
        st.tuples(
            st.just("policy_name"),
            st.sampled_from(["ba-2010", "nope", "../x.toml", "a" * 300, "/etc/passwd.toml"]),
        ),
        st.tuples(st.just("plan_json"), st.sampled_from(["{", "[]", '{"disruptions": 3}', ""])),
    )


_ENCODINGS = ["latin-1", "utf-16", "bom", "crlf"]
_ODD_FILES = ["missing", "empty", "folder", "dangling", "fifo", "binary"]

ARGS = [
    "A1",
    "A2",
    "P20261123-00002",
    "NOPE",
    "",
    "-x",
    "2026-12-07",
    "2026-11-01",
    "2026-12-31",
    "0001-01-01",
    "9999-12-31",
    "07.12.2026",
    "2026-02-30",
    "S2",
    "S9",
]
"""A value put in place of the command's id or date argument."""

COMMANDS = [
    "validate",
    "plan",
    "cancel",
    "cancel-near",
    "noshow",
    "status-held",
    "status-voided",
    "absence",
    "replan",
    "standby",
    "export-ics",
    "export-xlsx",
    "report",
]
OUT_KINDS = [
    "fresh",
    "fresh",
    "fresh",
    "in-place",
    "file",
    "fifo",
    "socket",
    "symlink",
    "dangling",
    "foreign",
    "under-file",
    "inside-input",
    "containing-input",
    "dot-dot",
]


@st.composite
def cases(draw) -> Case:
    mutations = draw(st.lists(_mutation(), max_size=3))
    command = draw(st.sampled_from(COMMANDS))
    out_kind = draw(st.sampled_from(OUT_KINDS))
    arg = draw(st.none() | st.none() | st.sampled_from(ARGS))
    lang = draw(st.sampled_from(["en", "de"]))
    return Case(mutations, command, out_kind, (arg,) if arg is not None else (), lang)


# ---------------------------------------------------------------------------
# Applying a case


def base_folder(root: Path) -> Path:
    """The tiny office planned by the greedy solver, with a policy file of its own."""
    folder = root / "base"
    result = runner.invoke(
        app,
        ["plan", str(TINY), "--out", str(folder), "--solver", "greedy", "--quiet"],
    )
    assert result.exit_code == 0, result.output
    shutil.copyfile(models_dir() / "heilbronn-2025.toml", folder / "rules.toml")
    meta = (folder / "scenario.toml").read_text().replace('"heilbronn-2025"', '"rules.toml"')
    (folder / "scenario.toml").write_text(meta)
    return folder


def _rows(path: Path) -> list[str] | None:
    if not path.is_file() or path.is_symlink():
        return None
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (UnicodeDecodeError, OSError):
        return None


def _apply(folder: Path, m: tuple) -> None:
    kind = m[0]
    if kind in ("delete_row", "duplicate_row", "set_cell", "swap_cells", "drop_column"):
        lines = _rows(folder / m[1])
        if lines is None or len(lines) < 2:
            return
        body = [n for n in range(1, len(lines)) if lines[n]]
        if not body and kind != "drop_column":
            return
        if kind == "delete_row":
            del lines[body[m[2] % len(body)]]
        elif kind == "duplicate_row":
            n = body[m[2] % len(body)]
            lines.insert(n, lines[n])
        elif kind == "set_cell":
            n = body[m[2] % len(body)]
            cells = lines[n].split(",")
            value = m[4]
            if any(ch in value for ch in ',"\n'):
                value = '"' + value.replace('"', '""') + '"'
            cells[m[3] % len(cells)] = value
            lines[n] = ",".join(cells)
        elif kind == "swap_cells":
            n = body[m[2] % len(body)]
            cells = lines[n].split(",")
            i, j = m[3] % len(cells), m[4] % len(cells)
            cells[i], cells[j] = cells[j], cells[i]
            lines[n] = ",".join(cells)
        else:
            col = m[2] % len(lines[0].split(","))
            lines = [
                ",".join(c for i, c in enumerate(line.split(",")) if i != col) if line else line
                for line in lines
            ]
        (folder / m[1]).write_text("\n".join(lines), encoding="utf-8")
    elif kind == "extra_column":
        lines = _rows(folder / m[1])
        if lines is None:
            return
        lines = [f"{line},note" if line else line for line in lines]
        (folder / m[1]).write_text("\n".join(lines), encoding="utf-8")
    elif kind == "semicolons":
        lines = _rows(folder / m[1])
        if lines is not None:
            (folder / m[1]).write_text("\n".join(lines).replace(",", ";"), encoding="utf-8")
    elif kind == "encoding":
        _encode(folder / m[1], m[2])
    elif kind == "truncate":
        path = folder / m[1]
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            path.write_bytes(data[: int(len(data) * m[2])])
    elif kind == "replace_file":
        _replace(folder / m[1], m[2])
    elif kind == "today":
        _set_toml(folder / "scenario.toml", "today", m[1])
    elif kind == "policy_value":
        values = POLICY_VALUES[m[1]]
        _set_toml(folder / "rules.toml", m[1], values[m[2] % len(values)])
    elif kind == "policy_name":
        _set_toml(folder / "scenario.toml", "policy", f'"{m[1]}"')
    elif kind == "plan_json":
        path = folder / "plan.json"
        if path.is_file() and not path.is_symlink():
            path.write_text(m[1])


def _encode(path: Path, encoding: str) -> None:
    if not path.is_file() or path.is_symlink():
        return
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return
    text = text.replace("tiny", "Büro tiny").replace("leave", "Urlaub ä")
    if encoding == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    elif encoding == "crlf":
        path.write_bytes(text.replace("\n", "\r\n").encode())
    else:
        path.write_bytes(text.encode(encoding, errors="replace"))


def _replace(path: Path, odd: str) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    if odd == "empty":
        path.write_bytes(b"")
    elif odd == "folder":
        path.mkdir()
    elif odd == "dangling":
        path.symlink_to(path.with_name("nowhere"))
    elif odd == "fifo":
        os.mkfifo(path)
    elif odd == "binary":
        path.write_bytes(bytes(range(256)) * 4)


def _set_toml(path: Path, key: str, value: str) -> None:
    lines = _rows(path)
    if lines is None:
        return
    out = []
    for line in lines:
        if line.split("=")[0].strip() == key:
            comment = line.split("#", 1)[1] if "#" in line else None
            line = f"{key} = {value}" + (f" # {comment}" if comment else "")
        out.append(line)
    path.write_text("\n".join(out), encoding="utf-8")


def _make_out(root: Path, kind: str, src: Path) -> Path:
    if kind == "in-place":
        return src
    if kind == "file":
        (root / "file.txt").write_text("mine")
        return root / "file.txt"
    if kind == "fifo":
        os.mkfifo(root / "fifo")
        return root / "fifo"
    if kind == "socket":
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(str(root / "sock"))
        return root / "sock"
    if kind == "symlink":
        (root / "target").mkdir()
        (root / "link").symlink_to(root / "target")
        return root / "link"
    if kind == "dangling":
        (root / "dangling").symlink_to(root / "nowhere")
        return root / "dangling"
    if kind == "foreign":
        (root / "foreign").mkdir()
        (root / "foreign" / "notes.txt").write_text("keep")
        return root / "foreign"
    if kind == "under-file":
        (root / "file.txt").write_text("mine")
        return root / "file.txt" / "out"
    if kind == "inside-input":
        return src / "sub"
    if kind == "containing-input":
        return root
    if kind == "dot-dot":
        (root / "x" / "sub").mkdir(parents=True)
        (root / "x" / "mine.txt").write_text("keep")
        return root / "x" / "sub" / ".."
    return root / "out"


def _args(command: str, src: Path, out: Path) -> list[str]:
    s, o = str(src), str(out)
    cancel = [
        *("cancel", s, "P20261123-00001", "--on", "2026-11-23", "--out", o),
    ]
    table: dict[str, list[str]] = {
        "validate": ["validate", s],
        "plan": ["plan", s, "--out", o, "--solver", "greedy", "--workers", "1"],
        "cancel": cancel,
        "cancel-near": [
            *("cancel", s, "P20261123-00003", "--on", "2026-12-04", "--out", o, "--fill")
        ],
        "noshow": ["noshow", s, "P20261123-00002", "--out", o],
        "status-held": ["status", s, "P20261123-00001", "held", "--out", o],
        "status-voided": ["status", s, "P20261123-00002", "voided", "--out", o],
        "absence": [
            *("absence", s, "S1", "--from", "2026-12-07", "--to", "2026-12-08", "--out", o),
            *("--time-limit", "1"),
        ],
        "replan": ["replan", s, "--out", o, "--time-limit", "1", "--workers", "1"],
        "standby": ["standby", s, "--day", "2026-12-07"],
        "export-ics": ["export", "ics", s, "--out", o],
        "export-xlsx": ["export", "xlsx", s, "--out", o + ".xlsx" if out.name == "out" else o],
        "report": ["report", s, "--out", o + ".html" if out.name == "out" else o],
    }
    return table[command]


def _with_arg(args: list[str], value: str) -> list[str]:
    """``args`` with its id (third word) or its first date option replaced by ``value``."""
    out = list(args)
    for option in ("--on", "--day", "--from", "--to"):
        if option in out:
            out[out.index(option) + 1] = value
            return out
    if out[0] in ("cancel", "noshow", "status", "absence"):
        out[2] = value
    return out


WRITES_FOLDER = {
    "plan",
    "cancel",
    "cancel-near",
    "noshow",
    "status-held",
    "status-voided",
    "absence",
    "replan",
}


def snapshot(root: Path) -> dict[str, object]:
    """Every entry under ``root``: a regular file's bytes, else its kind (and link)."""
    out: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            mode = p.lstat().st_mode
            if stat.S_ISLNK(mode):
                out[str(p)] = ("link", os.readlink(p))
            elif stat.S_ISREG(mode):
                out[str(p)] = p.read_bytes()
            else:
                out[str(p)] = ("kind", stat.S_IFMT(mode))
    return out


def run_case(case: Case, root: Path, base: Path) -> str | None:
    """Run ``case`` in the empty folder ``root``; the failure class, or None if it held."""
    src = root / "in"
    shutil.copytree(base, src, symlinks=True)
    for m in case.mutations:
        with contextlib.suppress(OSError):
            _apply(src, m)
    out = _make_out(root, case.out_kind, src)
    before = snapshot(root)
    input_ok = None
    if case.out_kind == "in-place" and case.command in WRITES_FOLDER:
        input_ok = _validates(src)
        if snapshot(root) != before:
            return "validate changed the disk"
    args = _args(case.command, src, out)
    if case.extra:
        args = _with_arg(args, case.extra[0])
    args += ["--lang", case.lang]
    result = runner.invoke(app, args)
    return check(result, args, root, before, input_ok, case, src)


def _validates(folder: Path) -> bool:
    return runner.invoke(app, ["validate", str(folder), "--quiet"]).exit_code == 0


def check(result, args, root, before, input_ok, case: Case, src: Path) -> str | None:
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"traceback:{type(result.exception).__name__}"
    if code not in (0, 1, 2, 3):
        return f"exit {code}"
    if (mixed := _other_language(result.stderr, case.lang)) is not None:
        return mixed
    if code == 2:
        if snapshot(root) != before:
            return "exit 2 but the disk changed"
        if not _names_where(result.output, args, case.lang):
            return "exit 2 without naming the file"
    if code == 0 and case.command in WRITES_FOLDER:
        out = Path(args[args.index("--out") + 1])
        checked = runner.invoke(app, ["validate", str(out), "--quiet"])
        if checked.exit_code != 0 and (input_ok if input_ok is not None else _validates(src)):
            return f"output does not validate: {checked.output.strip()[:160]}"
    return None


ERROR = {"en": "error:", "de": "Fehler:"}
WARNING = {"en": "warning:", "de": "Warnung:"}
PLACE = {
    # a row, its column, the one message that names a row without a column, the header row
    "en": (", row ", "column", "cells but", "row 1"),
    "de": (", Zeile ", "Spalte", "Zellen, aber", "Zeile 1"),
}


def _other_language(stderr: str, lang: str) -> str | None:
    """Why the error and warning lines are not all in ``lang``, or None."""
    other = "de" if lang == "en" else "en"
    lines = stderr.splitlines()
    if any(line.startswith((ERROR[other], WARNING[other])) for line in lines):
        return f"an {other} error line under --lang {lang}"
    ours = [line for line in lines if line.startswith((ERROR[lang], WARNING[lang]))]
    words = re.sub(r"'[^']*'", "", without_paths("\n".join(ours)))  # not the data quoted
    for name in bundled_names():  # nor the rule sets' names (simulation-default)
        words = words.replace(name, "")
    if foreign := foreign_in(words, lang):
        return f"{other} words under --lang {lang}: {foreign}"
    return None


def _names_where(output: str, args: list[str], lang: str = "en") -> bool:
    """The error names a file of the folder, an option, or a path given."""
    if "Usage:" in output and "Error" in output:
        return True  # typer's own usage error: it names the argument or option
    error = [line for line in output.splitlines() if line.startswith(ERROR[lang])]
    if not error:
        return False
    text = error[0]
    if any(f"{a} " in text or f"{a!r}" in text for a in args[2:3] if a):
        return True  # a refused id names the id given
    names = (*FILES, "--out", "--on", "--from", "--to", "--day", ".xlsx", "nowhere")
    if any(n in text for n in names) or any(a in text for a in args if "/" in a):
        row, column, cells, header = PLACE[lang]
        if row in text and column not in text and cells not in text:
            return header in text or "CSV" in text  # a row without its column
        return True
    return False
