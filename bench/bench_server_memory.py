"""Served dashboard memory: a real Streamlit server and five concurrent browser sessions.

Starts `streamlit run app.py` on a database (e.g. one built with `presswatch demo
--articles 1000000`), opens five headless-Chromium sessions that each visit every analysis
page with different filters at the same time, and samples the server's proportional set
size (PSS) twice a second. Target (issue 4): peak under 2 GB at 1,000,000 articles.

Run: `.venv/bin/python bench/bench_server_memory.py --db FILE [--check]`
(needs Debian's chromium at /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[1]
BUDGET_MB = 2048
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# One list of pages, five filter variants: each session sees a different slice.
PAGES = [
    "",
    "mentions?e=CN&e=RU&gran=year",
    "cooccurrence?scope=sentence&measure=npmi",
    "terms?mode=distinctive",
    "articles?q=joint%20exercise*",
]
VARIANTS = [
    "",
    "country=UA",
    "from=2020-01-01&to=2023-12-31",
    "capitals=0",
    "country=CN&country=US",
]


def _pss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
        return sum(int(line.split()[1]) for line in fh if line.startswith("Pss:"))


def _wait_healthy(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not become healthy")


def measure(db: Path, port: int, sessions: int) -> float:
    """Peak server PSS in MB while `sessions` browsers visit every page."""
    env = {**os.environ, "PRESSWATCH_DB": str(db)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    server = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak_kb = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_kb
        while not done.is_set():
            try:
                peak_kb = max(peak_kb, _pss_kb(server.pid))
            except OSError:
                pass
            time.sleep(0.5)

    sampler = threading.Thread(target=sample)
    try:
        _wait_healthy(port)
        sampler.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            tabs = [browser.new_context().new_page() for _ in range(sessions)]
            for page in PAGES:
                for i, tab in enumerate(tabs):
                    variant = VARIANTS[i % len(VARIANTS)]
                    sep = "&" if "?" in page else "?"
                    url = f"http://127.0.0.1:{port}/{page}{sep + variant if variant else ''}"
                    tab.goto(url, wait_until="commit")
                for tab in tabs:
                    tab.wait_for_selector("text=articles", timeout=120_000)
                time.sleep(8)  # let every session's reruns finish
            browser.close()
    finally:
        done.set()
        if sampler.is_alive():
            sampler.join()
        server.terminate()
        server.wait()
    return peak_kb / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8597)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--check", action="store_true", help=f"exit 1 at >= {BUDGET_MB} MB")
    args = parser.parse_args()
    peak = measure(args.db.resolve(), args.port, args.sessions)
    verdict = "PASS" if peak < BUDGET_MB else "OVER BUDGET"
    print(f"{args.db}: {args.sessions} sessions, server peak PSS {peak:,.0f} MB "
          f"(budget {BUDGET_MB:,} MB): {verdict}")  # fmt: skip
    return 1 if args.check and peak >= BUDGET_MB else 0


if __name__ == "__main__":
    sys.exit(main())
