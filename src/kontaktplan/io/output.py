"""Where a command may write, and how a folder is written without losing anything.

An output folder (``--out``) is either absent, empty, the input itself (in place), or a
folder this product wrote: it holds a manifest (``.kontaktplan.json``) naming the files it
owns, with their SHA-256, the command that wrote it and the folder it was made from.
Anything else — a file, a device, a FIFO, a socket, a symbolic link, a path under a file,
a non-empty folder of someone else, a folder containing the input or inside it — is
refused before any work (:class:`OutputError`, exit 2). A result folder written from
another input or by another command is replaced only with ``--force``.

Writing replaces only the files the folder's manifest owns (for a hand-made scenario
folder written in place: ``scenario.toml``, the tables and ``plan.json``); a user's other
files stay. A writer takes an exclusive ``fcntl`` lock on ``.kontaktplan.lock`` in the
folder, checks that the folder is still the version it saw before its work
(:class:`Conflict`, exit 3, nothing written otherwise), writes every file into a
temporary folder inside it, records a journal, and moves the files in. A write cut off
half-way is finished by the next command that touches the folder (the journal lists
what was complete); a temporary folder without a journal is removed. Readers hold a
shared lock while they read, so they never see half of a commit. A folder of calendar
files (``export ics``) is written the same way; it may hold nothing but ``.ics`` files,
and every one of them is the export's to replace.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kontaktplan.i18n import Phrase
from kontaktplan.i18n.errors import os_reason
from kontaktplan.io.csvtable import FILES, InputError

__all__ = [
    "MANIFEST",
    "Conflict",
    "OutputError",
    "Target",
    "calendar_folder",
    "commit",
    "output_file",
    "output_folder",
    "reading",
    "recover",
    "regular_file",
]

MANIFEST = ".kontaktplan.json"
LOCK = ".kontaktplan.lock"
JOURNAL = ".kontaktplan.journal"
TMP_PREFIX = ".kontaktplan.tmp-"
_INTERNAL = frozenset({MANIFEST, LOCK, JOURNAL, JOURNAL + ".new"})
SCENARIO_FILES = ("scenario.toml", *(t.file for t in FILES.values()), "plan.json")
"""What a scenario folder without a manifest owns (a hand-made folder written in place)."""


class OutputError(InputError):
    """An output path that must not be written (exit 2, before any work)."""


class Conflict(Exception):
    """The output folder changed since the command looked at it (exit 3, nothing written)."""


@dataclass(frozen=True)
class Target:
    """A checked output folder: where, what it held when checked, and who writes it."""

    path: Path
    version: tuple
    in_place: bool
    command: str | None = None
    made_from: str | None = None
    source: str | None = None
    """SHA-256 over the input's files when checked: the same command on the same input
    and options may replace its own earlier result without ``--force``."""
    owns: frozenset[str] | None = None
    """The files a write replaces or deletes, where not those the folder's manifest or
    the scenario files name (a calendar folder: every ``.ics`` file in it)."""


def _internal(name: str) -> bool:
    return name in _INTERNAL or name.startswith(TMP_PREFIX)


def _normal(out: Path, option: str) -> Path:
    """The absolute real path ``out`` names; a link, or a path under a file, is refused."""
    text = str(out)
    if not text or "\0" in text:
        raise OutputError(option, Phrase("err.out_empty"))
    if out.is_symlink():
        raise OutputError(str(out), Phrase("err.out_link", option=option))
    try:
        real = Path(os.path.realpath(out))
    except OSError as e:
        reason = os_reason(e, str(e))
        raise OutputError(str(out), Phrase("err.at", where=option, message=reason)) from None
    except ValueError as e:
        raise OutputError(str(out), f"{option}: {e}") from None
    for parent in reversed(real.parents):
        if parent.exists() and not parent.is_dir():
            raise OutputError(str(out), Phrase("err.out_under_file", option=option, parent=parent))
    if len(real.name.encode()) > 255 - len(TMP_PREFIX) - 16:
        raise OutputError(str(out), Phrase("err.out_long", option=option))
    return real


def _kind(path: Path) -> str | None:
    """None for a regular file or folder (not a link), else what it is."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return Phrase("what.link")
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    for test, what in (
        (stat.S_ISFIFO, "what.fifo"),
        (stat.S_ISSOCK, "what.socket"),
        (stat.S_ISCHR, "what.device"),
        (stat.S_ISBLK, "what.device"),
    ):
        if test(mode):
            return Phrase(what)
    return Phrase("what.not_regular")


def _inside(a: Path, b: Path) -> bool:
    """``a`` lies strictly inside ``b``."""
    return a != b and b in a.parents


def _real_inputs(inputs: Iterable[Path | None]) -> list[Path]:
    return [Path(os.path.realpath(p)) for p in inputs if p is not None]


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest, or None where it has none (or an unreadable one)."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    return data


def version(folder: Path) -> tuple:
    """What the folder holds now, cheaply: name, size, modification time and inode of
    every entry but the writer's own (lock, journal, temporary folders)."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return ()
    out = []
    for e in entries:
        if _internal(e.name) and e.name != MANIFEST:
            continue
        try:
            st = e.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        out.append((e.name, st.st_size, st.st_mtime_ns, st.st_ino))
    return tuple(sorted(out))


def output_folder(
    out: Path,
    *,
    inputs: Iterable[Path | None] = (),
    force: bool = False,
    command: str | None = None,
    option: str = "--out",
) -> Target:
    """Check ``out`` as a folder to write a scenario to; :class:`OutputError` if it must
    not be written (see the module's rules). Call it before any work."""
    real = _normal(Path(out), option)
    what = _kind(real)
    if what is None and real.is_dir() and _leftovers(real):
        recover(real)
    if what is not None or (real.exists() and not real.is_dir()):
        what = what or Phrase("what.file")
        raise OutputError(str(out), Phrase("err.out_not_folder", option=option, what=what))
    sources = _real_inputs(inputs)
    for src in sources:
        if _inside(real, src):
            raise OutputError(str(out), Phrase("err.out_inside", option=option, input=src))
        if _inside(src, real):
            raise OutputError(str(out), Phrase("err.out_contains", option=option, input=src))
    in_place = real in sources
    made_from = str(sources[0]) if sources else None
    source = source_digest(sources)
    if real.is_dir() and not in_place:
        _check_replaceable(real, str(out), option, force, (command, made_from, source))
    return Target(real, version(real), in_place, command, made_from, source)


def source_digest(sources: Iterable[Path]) -> str | None:
    """SHA-256 over the scenario files of the input folders (or the input files)."""
    h = hashlib.sha256()
    found = False
    for src in sources:
        names = [n for n in SCENARIO_FILES if (src / n).is_file()] if src.is_dir() else [""]
        for name in names:
            path = src / name if name else src
            try:
                data = path.read_bytes()
            except OSError:
                continue
            found = True
            h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest() if found else None


def _check_replaceable(
    real: Path, shown: str, option: str, force: bool, origin: tuple[str | None, ...]
) -> None:
    names = [n for n in os.listdir(real) if not _internal(n)]
    manifest = read_manifest(real)
    if not names and manifest is None:
        return
    if manifest is None and "scenario.toml" not in names:
        raise OutputError(shown, Phrase("err.out_foreign", option=option))
    if force:
        return
    if manifest is None:
        raise OutputError(shown, Phrase("err.out_hand_made", option=option))
    if tuple(manifest.get(k) for k in ("command", "made_from", "source")) != origin:
        by = manifest.get("command") or Phrase("err.out_by_library")
        source = manifest.get("made_from") or Phrase("err.out_no_input")
        raise OutputError(shown, Phrase("err.out_other", option=option, by=by, source=source))


def output_file(
    out: Path,
    *,
    ours: Callable[[Path], bool],
    force: bool = False,
    suffix: str | None = None,
    option: str = "--out",
) -> Path:
    """Check ``out`` as a file to write: absent, or a regular file this product wrote
    (``ours``), or any regular file with ``force``. Returns the real path."""
    real = _normal(Path(out), option)
    if suffix and real.suffix.lower() != suffix:
        raise OutputError(str(out), Phrase("err.out_suffix", option=option, suffix=suffix))
    what = _kind(real)
    if what is not None or real.is_dir():
        what = what or Phrase("what.folder")
        raise OutputError(str(out), Phrase("err.out_not_file", option=option, what=what))
    if real.exists() and not force and not ours(real):
        raise OutputError(str(out), Phrase("err.out_foreign_file", option=option))
    return real


def calendar_folder(out: Path, *, command: str | None = None, option: str = "--out") -> Target:
    """Check ``out`` as a folder of calendar files: absent, or a folder holding nothing
    but ``.ics`` files (an earlier export) and the writer's own files; anything else is
    refused (:class:`OutputError`): an export must never delete other work. An
    interrupted earlier export there is finished (or its leftovers removed) first."""
    real = _normal(Path(out), option)
    what = _kind(real)
    if what is not None or (real.exists() and not real.is_dir()):
        what = what or Phrase("what.file")
        raise OutputError(str(out), Phrase("err.out_give_folder", option=option, what=what))
    if real.is_dir() and _leftovers(real):
        recover(real)
    names = [n for n in os.listdir(real) if not _internal(n)] if real.is_dir() else []
    foreign = sorted(n for n in names if not (n.endswith(".ics") and (real / n).is_file()))
    if foreign:
        what = Phrase("err.out_not_ics", option=option, files=foreign[:3])
        raise OutputError(str(out), what)
    return Target(real, version(real), in_place=False, command=command, owns=frozenset(names))


def regular_file(path: Path, name: str) -> bool:
    """True if ``path`` is a regular readable file, False if there is no file; anything
    else (a dangling link, a folder, a FIFO, a device, unreadable) is :class:`InputError`."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.lexists(path):
            raise InputError(name, Phrase("err.dangling_link")) from None
        return False
    except OSError as e:
        raise InputError(name, Phrase("err.unreadable", reason=os_reason(e))) from None
    if not stat.S_ISREG(mode):
        what = Phrase("what.folder") if stat.S_ISDIR(mode) else _kind(path)
        raise InputError(name, Phrase("err.not_a_file", what=what or Phrase("what.not_regular")))
    if not os.access(path, os.R_OK):
        raise InputError(name, Phrase("err.no_permission"))
    return True


# ---------------------------------------------------------------------------
# Locking, committing, recovering


@contextlib.contextmanager
def _locked(folder: Path, mode: int) -> Iterator[None]:
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def reading(folder: Path) -> Iterator[None]:
    """While reading ``folder``: finish an interrupted write first, and hold a shared lock
    (if a writer ever made one) so that a commit is never seen half-done."""
    if _leftovers(folder):
        recover(folder)
    lock = folder / LOCK
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        if _leftovers(folder):  # a writer was cut off after we looked
            os.close(fd)
            fd = -1
            recover(folder)
        yield
    finally:
        if fd >= 0:
            os.close(fd)


def _leftovers(folder: Path) -> bool:
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(n == JOURNAL or n.startswith(TMP_PREFIX) or n == JOURNAL + ".new" for n in names)


def recover(folder: Path) -> list[str]:
    """Finish a write that was cut off, or remove one that never reached its journal.

    Returns what was done, one line each. :class:`InputError` if the folder cannot be
    written to finish it (the user then knows why it looks half-done).
    """
    try:
        with _locked(folder, fcntl.LOCK_EX):
            return _recover_locked(folder)
    except OSError as e:
        what = Phrase("err.cannot_recover", reason=os_reason(e))
        raise InputError(str(folder), what) from None


def _recover_locked(folder: Path) -> list[str]:
    done: list[str] = []
    journal = folder / JOURNAL
    if journal.exists():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            tmp = folder / plan["tmp"]
            _move_in(tmp, folder, plan["files"], plan["remove"])
        except (ValueError, KeyError, TypeError):
            pass  # a journal we cannot read was never complete: the old files stand
        else:
            done.append(f"{folder}: finished an interrupted write")
        journal.unlink(missing_ok=True)
    (folder / (JOURNAL + ".new")).unlink(missing_ok=True)
    for name in os.listdir(folder):
        if name.startswith(TMP_PREFIX):
            shutil.rmtree(folder / name, ignore_errors=True)
            if not done:
                done.append(f"{folder}: removed the leftovers of an interrupted write")
    return done


def _move_in(tmp: Path, folder: Path, files: list[str], remove: list[str]) -> None:
    """Move each file still in ``tmp`` into ``folder`` (the manifest last), then delete
    the owned files the new version no longer has. Safe to repeat."""
    for name in sorted(files, key=lambda n: n == MANIFEST):
        src = tmp / name
        if src.exists():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, folder / name)
    for name in remove:
        path = folder / name
        if path.is_file() or path.is_symlink():
            path.unlink(missing_ok=True)


def _safe_name(name: str) -> bool:
    p = Path(name)
    return not p.is_absolute() and ".." not in p.parts and bool(p.parts) and not _internal(name)


def owned(folder: Path) -> set[str]:
    """The files a writer may replace or delete in ``folder``."""
    manifest = read_manifest(folder)
    if manifest is None:
        return {n for n in SCENARIO_FILES if (folder / n).is_file()}
    return {n for n in manifest["files"] if _safe_name(n)}


def commit(target: Target, files: Mapping[str, bytes | Path]) -> None:
    """Write ``files`` (name -> content, or a file to copy) into the target folder.

    Under the folder's lock: :class:`Conflict` if it changed since ``target`` was checked;
    otherwise the files are written to a temporary folder, a journal is recorded, and they
    replace the owned files (an owned file the new version lacks is deleted). A user's
    other files stay.
    """
    folder = target.path
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with _locked(folder, fcntl.LOCK_EX):
            _recover_locked(folder)
            if version(folder) != target.version:
                raise Conflict(Phrase("err.changed_meanwhile", folder=folder))
            _commit_locked(target, folder, files)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                (folder / LOCK).unlink()
                folder.rmdir()
        raise


def _commit_locked(target: Target, folder: Path, files: Mapping[str, bytes | Path]) -> None:
    before = owned(folder) if target.owns is None else set(target.owns)
    # A file of the user's that happens to carry the name of one we add (the copy of the
    # rule set) is left alone: that file is not written, nor listed as ours.
    files = {
        n: c
        for n, c in files.items()
        if n in before or n in SCENARIO_FILES or not _foreign(folder / n, c)
    }
    tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=folder))
    try:
        sums: dict[str, str] = {}
        for name, content in files.items():
            if not _safe_name(name):
                raise ValueError(f"refusing to write {name!r} outside the folder")
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, path)
                data = path.read_bytes()
            else:
                data = content
                path.write_bytes(data)
            _usual(path, 0o666)
            sums[name] = hashlib.sha256(data).hexdigest()
        manifest = {
            "written_by": "kontaktplan",
            "command": target.command,
            "made_from": target.made_from,
            "source": target.source,
            "files": sums,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        _usual(tmp / MANIFEST, 0o666)
        names = [*files, MANIFEST]
        remove = sorted(before - set(names))
        plan = {"tmp": tmp.name, "files": names, "remove": remove}
        new = folder / (JOURNAL + ".new")
        with open(new, "w", encoding="utf-8") as f:
            f.write(json.dumps(plan))
            f.flush()
            os.fsync(f.fileno())
        os.replace(new, folder / JOURNAL)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        (folder / (JOURNAL + ".new")).unlink(missing_ok=True)
        raise
    _move_in(tmp, folder, names, remove)
    (folder / JOURNAL).unlink()
    shutil.rmtree(tmp, ignore_errors=True)


def _foreign(path: Path, content: bytes | Path) -> bool:
    """``path`` exists and holds something else than ``content``."""
    if not os.path.lexists(path):
        return False
    if not path.is_file() or path.is_symlink():
        return True
    data = content.read_bytes() if isinstance(content, Path) else content
    return path.read_bytes() != data


def _usual(path: Path, mode: int) -> None:
    """mkstemp/mkdtemp make private files; give them what ``open``/``mkdir`` would."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(mode & ~umask)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
