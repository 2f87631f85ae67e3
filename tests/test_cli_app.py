"""The command line builds only the command it runs (:class:`kontaktplan.cli.app._App`):
the same command as in the whole app, and the whole app where no command is named."""

from __future__ import annotations

import copy
import re

import pytest
import typer.main
from typer.testing import CliRunner

from kontaktplan.cli import app

NAMES = sorted(
    {c.name or typer.main.get_command_name(c.callback.__name__) for c in app.registered_commands}
    | {g.name for g in app.registered_groups}
)


def _help(a: typer.Typer, args: list[str]) -> tuple[int, str]:
    r = CliRunner().invoke(a, args, env={"COLUMNS": "100"})
    return r.exit_code, r.output


@pytest.mark.parametrize("name", NAMES)
def test_a_named_command_alone_is_the_same_command(name: str) -> None:
    one = app.only([name])
    assert one is not app
    built = typer.main.get_command(one)
    assert list(built.commands) == [name]  # nothing else built
    assert _help(one, [name, "--help"]) == _help(app, [name, "--help"])


def test_every_command_is_reachable_by_its_name() -> None:
    assert len(NAMES) == len(app.registered_commands) + len(app.registered_groups)
    assert {"cancel", "plan", "status", "db", "export"} <= set(NAMES)


@pytest.mark.parametrize("argv", [[], ["--help"], ["--version"], ["cancl"], ["Cancel"]])
def test_without_a_known_command_name_the_whole_app_is_built(argv: list[str]) -> None:
    assert app.only(argv) is app


def test_a_mistyped_command_still_gets_the_suggestion() -> None:
    code, out = _help(app, ["cancl"])
    assert code == 2
    assert "cancel" in out


@pytest.mark.parametrize(
    "argv", [["--version"], ["--help"], ["cancl"], ["cancel", "--help"], ["db", "import", "--help"]]
)
def test_the_app_built_once_answers_as_the_app_built_per_call(argv: list[str]) -> None:
    """The resident process builds every command once (``app.build()``); each command
    it runs then goes to the click commands made: the same answers as built per call."""
    once = copy.copy(app)
    once.build()
    assert once.built is not None and app.built is None
    assert set(once.built.commands) == set(NAMES)
    assert _help(once, argv) == _help(app, argv)
    assert _help(once, argv) == _help(once, argv)  # and again: the commands are reused


def _commands(command, path: list[str]):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, [*path, name])


COMMANDS = list(_commands(typer.main.get_command(app), []))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_bracketed_word_of_a_help_text_is_shown(path: list[str], command) -> None:
    """The help is rendered with rich markup, which swallows ``[word]`` as a style tag:
    the purge's "([retention])" once showed as "()"."""
    texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
    code, shown = _help(app, [*path, "--help"])
    assert code == 0, shown
    flat = " ".join(shown.replace("│", " ").split())
    for text in texts:
        for word in re.findall(r"\[[^\]\s]+\]", text):
            assert word in flat, (word, shown)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_a_help_text_fills_an_80_column_terminal(path: list[str], command) -> None:
    """Each paragraph of a command's description is wrapped to the terminal, not broken
    where the docstring's lines end: at 80 columns every line of a paragraph but its
    last is more than half full (typer kept the docstring's line breaks, and "... the
    best customer of the same" was followed by "specialist" alone on a line)."""
    r = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    lines = r.output.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Usage:")) + 1
    end = next((i for i, line in enumerate(lines) if line.startswith("╭")), len(lines))
    paragraphs = "\n".join(line.strip() for line in lines[start:end]).strip().split("\n\n")
    for paragraph in paragraphs:
        for line in paragraph.split("\n")[:-1]:
            assert len(line) > 40, (line, r.output)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_a_usage_line_brackets_an_optional_argument_once(path: list[str], command) -> None:
    """An optional argument's name is bracketed by click itself ("[[DIR]]" once); every
    argument is named in capitals, as in the rest of the help ("{file}" before)."""
    code, shown = _help(app, [*path, "--help"])
    usage = next(line for line in shown.split("\n") if "Usage:" in line)
    names = re.findall(r"[\[{]([^\]}]+)[\]}]", usage.split("[OPTIONS]")[-1])
    assert code == 0 and "[[" not in usage, usage
    assert all(n == n.upper() for n in names), usage
