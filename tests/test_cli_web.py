"""`kontaktplan user add|list` and `kontaktplan serve`'s refusals, with CliRunner."""

from __future__ import annotations

from typer.testing import CliRunner

from kontaktplan.cli import app
from kontaktplan.web import WebWorkspace
from kontaktplan.web.auth import verify
from web_office import cheap_argon2  # noqa: F401  (an autouse fixture)

runner = CliRunner()


def test_user_add_stores_an_argon2_hash_and_the_user_can_log_in(tmp_path):
    db = f"sqlite:///{tmp_path / 'office.db'}"
    r = runner.invoke(
        app,
        ["user", "add", "anna", "--role", "teamlead", "--db", db, "--password-stdin"],
        input="ein-langes-passwort\n",
    )
    assert r.exit_code == 0, r.output
    ws = WebWorkspace(db)
    user = verify(ws, "anna", "ein-langes-passwort")
    assert user is not None and user.role == "teamlead"
    assert verify(ws, "anna", "falsch") is None
    with ws.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar()
    assert stored.startswith("$argon2id$") and "ein-langes-passwort" not in stored
    listed = runner.invoke(app, ["user", "list", "--db", db])
    assert listed.exit_code == 0 and "anna\tteamlead" in listed.output
    assert (tmp_path / "office.db").stat().st_mode & 0o777 == 0o600


def test_user_add_refuses_bad_role_short_password_and_a_second_user_of_the_name(tmp_path):
    db = f"sqlite:///{tmp_path / 'office.db'}"
    args = ["user", "add", "anna", "--db", db, "--password-stdin"]
    bad = runner.invoke(app, [*args, "--role", "admin"], input="ein-langes-passwort\n")
    assert bad.exit_code == 2 and "role must be one of planner, teamlead, viewer" in bad.output
    short = runner.invoke(app, [*args, "--role", "viewer"], input="kurz\n")
    assert short.exit_code == 2 and "at least 8 characters" in short.output
    assert (
        runner.invoke(app, [*args, "--role", "viewer"], input="ein-langes-passwort\n").exit_code
        == 0
    )
    again = runner.invoke(app, [*args, "--role", "planner"], input="ein-langes-passwort\n")
    assert again.exit_code == 2 and "exists already" in again.output
    assert "Traceback" not in again.output


def test_serve_without_workspace_or_office_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("KONTAKTPLAN_DB", raising=False)
    r = runner.invoke(app, ["serve"])
    assert r.exit_code == 2 and "--db" in r.output
    empty = runner.invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'e.db'}"])
    assert empty.exit_code == 2 and "holds no office" in empty.output
    bad = runner.invoke(
        app, ["serve", "--db", str(tmp_path / "x.db"), "--demo", str(tmp_path / "nope")]
    )
    assert bad.exit_code == 2 and "Traceback" not in bad.output
