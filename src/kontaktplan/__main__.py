from kontaktplan.cli import app

app(prog_name="kontaktplan")
