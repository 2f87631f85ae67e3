"""Take ``docs/board.png``: the week board of the demo office after its first week is
planned and published, as a team lead sees it (Playwright driving Debian's Chromium).

    python docs/board_screenshot.py
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kontaktplan.web import WebWorkspace, create_app  # noqa: E402
from kontaktplan.web.auth import add_user  # noqa: E402

PASSWORD = "demo-demo"


def main() -> None:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="kp-shot-"))
    ws = WebWorkspace(f"sqlite:///{tmp / 'demo.db'}")
    ws.import_folder(ROOT / "scenarios" / "demo", actor="demo")
    add_user(ws, "demo", "teamlead", PASSWORD)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(ws), port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=120) as c:
        token = c.post("/api/token", json={"name": "demo", "password": PASSWORD}).json()["token"]
        h = {"Authorization": f"Bearer {token}"}
        d = c.post("/api/plan", json={"weeks": 1}, headers=h).json()
        while d["state"] == "running":
            time.sleep(0.5)
            d = c.get(f"/api/plan/{d['id']}", headers=h).json()
        c.post(f"/api/plan/{d['id']}/publish", headers=h).raise_for_status()
        week = d["summary"]["horizon"]["first_day"]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1200, "height": 820}, locale="de-DE")
        page.goto(f"{base}/login")
        page.fill("input[name=name]", "demo")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base}/board?team=T01&week={week}")
        page.locator('a[data-cell^="S001|"]').nth(1).click()
        page.locator("#day-panel").wait_for()
        page.screenshot(path=str(ROOT / "docs" / "board.png"), full_page=True)
        browser.close()
    server.should_exit = True
    print(f"wrote {ROOT / 'docs' / 'board.png'}")


if __name__ == "__main__":
    main()
