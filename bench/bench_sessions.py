"""Concurrent sessions: how long N simultaneous new sessions wait for their first page.

Usage::

    python bench/bench_sessions.py --db /tmp/pw100k.duckdb                   # reuse a database
    python bench/bench_sessions.py --articles 100000 --db /tmp/pw100k.duckdb # build it first
    python bench/bench_sessions.py --db FILE --sessions 1,5,10 --check       # assert the budget

What is timed: a real ``streamlit run app.py`` server over the database, and N new
sessions that open it at the same moment without a browser. Each session is a websocket
client speaking the browser's own protocol on ``/_stcore/stream`` (protobuf ``BackMsg`` up,
``ForwardMsg`` down): it connects, sends the ``rerun_script`` request a browser sends for
its first page (the page's name, query string and URL), and its time is from the start of
the connection to the ``script_finished`` message of a run that finished successfully (a
run ended early for a rerun does not count), so it is the server's whole work for that
first page: session start-up, the script run, and every element sent.

For every N the server is started afresh. The first round of N sessions meets a cold
server (nothing cached yet: the first sessions ever); the following ``--rounds`` rounds
are N more new sessions each on the now warm server (what the next visitors meet). The
server's CPU seconds per round (from /proc) are printed too: they depend less on the
other jobs of a shared machine than the wall clock does.

Budget (issue 11): on the 100k database the first page of 10 simultaneous new sessions
<= 3 s at p95, cold and warm. ``--check`` exits 1 when the largest N's p95 of either is
over it. Figures are indicative on a shared machine: the load average is printed beside
every round.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosedError

REPO_ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 3.0
FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR


@dataclass
class SessionResult:
    """One session's first page: how long it took and what arrived."""

    seconds: float
    runs: int = 0  # script runs started (a rerun before the page counts too)
    elements: int = 0
    bytes: int = 0
    errors: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"streamlit did not become healthy at {url} within {timeout:.0f} s")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    # after the command name: state is field 3, utime 14 and stime 15 (1-based)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _element_errors(msg: ForwardMsg) -> list[str]:
    """Exceptions and error boxes a delta draws (the page did not work for that session)."""
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return []
    el = msg.delta.new_element
    kind = el.WhichOneof("type")
    if kind == "exception":
        return [f"exception: {el.exception.type}: {el.exception.message}"]
    if kind == "alert" and el.alert.format == el.alert.ERROR:
        return [f"error: {el.alert.body}"]
    return []


async def first_page(base_url: str, page: str, query: str, timeout: float) -> SessionResult:
    """Open one new session like a browser does and wait for its first finished page."""
    ws_url = base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
    result = SessionResult(seconds=float("nan"))
    start = time.perf_counter()
    async with connect(ws_url, subprotocols=["streamlit"], max_size=None) as ws:  # type: ignore[list-item]
        back = BackMsg()
        state = back.rerun_script
        state.query_string = query
        state.page_name = page
        state.context_info.url = f"{base_url}/{page}" + (f"?{query}" if query else "")
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        await ws.send(back.SerializeToString())
        try:
            async with asyncio.timeout(timeout):
                await _read_first_page(ws, result)
        except TimeoutError:
            result.errors.append(f"no page within {timeout:g} s")
        except ConnectionClosedError as exc:
            result.errors.append(f"the connection broke: {exc}")
        result.seconds = time.perf_counter() - start
    return result


async def _read_first_page(ws: ClientConnection, result: SessionResult) -> None:
    """Read ForwardMsgs until a run finishes successfully (or cannot run at all)."""
    async for data in ws:
        raw = data if isinstance(data, bytes) else data.encode()
        result.bytes += len(raw)
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            result.runs += 1
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            result.elements += 1
            result.errors += _element_errors(msg)
        elif kind == "script_finished":
            if msg.script_finished == FINISHED:
                return
            if msg.script_finished == COMPILE_ERROR:
                result.errors.append("the script did not compile")
                return
    result.errors.append("the server closed the connection before the page")


async def _round(
    base_url: str, n: int, page: str, query: str, timeout: float
) -> list[SessionResult]:
    return list(
        await asyncio.gather(*(first_page(base_url, page, query, timeout) for _ in range(n)))
    )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclass
class Round:
    """One round's figures: N sessions opened at once."""

    label: str
    sessions: int
    p50_s: float
    p95_s: float
    max_s: float
    server_cpu_s: float
    load_1min: float
    elements: int  # the fewest any session received (the queue merges some updates)
    errors: list[str]

    @property
    def cpu_per_session_s(self) -> float:
        """The server's CPU seconds per session in this round."""
        return self.server_cpu_s / self.sessions


def _summary(label: str, n: int, results: list[SessionResult], cpu: float) -> Round:
    secs = [r.seconds for r in results]
    errors = {e for r in results for e in r.errors}
    if any(r.elements == 0 for r in results):
        errors.add("a session drew nothing")
    return Round(
        label=label,
        sessions=n,
        p50_s=round(statistics.median(secs), 3),
        p95_s=round(_pct(secs, 0.95), 3),
        max_s=round(max(secs), 3),
        server_cpu_s=round(cpu, 2),
        load_1min=round(os.getloadavg()[0], 2),
        elements=min(r.elements for r in results),
        errors=sorted(errors)[:5],
    )


def measure(
    db: Path, n: int, rounds: int, page: str, query: str, timeout: float, log_dir: Path
) -> list[Round]:
    """A fresh server over ``db``; one cold round of ``n`` sessions, then ``rounds`` warm ones."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PRESSWATCH_DB": str(db)}
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log = log_dir / f"streamlit-{n}-{port}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    rows: list[Round] = []
    try:
        _wait_healthy(base_url, server)
        for i in range(1 + rounds):
            cpu0 = _cpu_seconds(server.pid)
            results = asyncio.run(_round(base_url, n, page, query, timeout))
            cpu = _cpu_seconds(server.pid) - cpu0
            rows.append(_summary("cold" if i == 0 else f"warm{i}", n, results, cpu))
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="database file (built if absent)")
    parser.add_argument("--articles", type=int, default=None, help="build a demo DB of N articles")
    parser.add_argument("--sessions", default="1,5,10", help="the Ns, comma-separated")
    parser.add_argument("--rounds", type=int, default=2, help="warm rounds after the cold one")
    parser.add_argument("--page", default="", help='URL path of the page ("" = the start page)')
    parser.add_argument("--query", default="", help="the URL's query string, without '?'")
    parser.add_argument("--timeout", type=float, default=300.0, help="per session, seconds")
    parser.add_argument("--check", action="store_true", help=f"exit 1 over {BUDGET_S} s p95")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--logs", type=Path, default=None, help="keep the server logs here")
    args = parser.parse_args(argv)
    if not args.db.exists():
        if not args.articles:
            parser.error(f"{args.db} does not exist; pass --articles N to build a demo database")
        cmd = [sys.executable, "-m", "presswatch.cli", "demo", "--articles", str(args.articles),
               "--db", str(args.db)]  # fmt: skip
        subprocess.run(cmd, check=True)
    ns = [int(s) for s in args.sessions.split(",") if s.strip()]
    if not ns or min(ns) < 1:
        parser.error("--sessions needs positive numbers")
    print(f"{args.db}: page /{args.page}{'?' + args.query if args.query else ''}, "
          f"{os.cpu_count()} cores, sessions {ns}, {args.rounds} warm rounds")  # fmt: skip
    print(f"{'N':>3s} {'round':6s} {'p50 s':>7s} {'p95 s':>7s} {'max s':>7s} "
          f"{'srv cpu s':>9s} {'cpu/sess':>8s} {'load':>5s}  notes")  # fmt: skip
    rows: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="pw-sessions-") as tmp:
        log_dir = args.logs or Path(tmp)
        log_dir.mkdir(parents=True, exist_ok=True)
        for n in ns:
            db = args.db.resolve()
            for r in measure(db, n, args.rounds, args.page, args.query, args.timeout, log_dir):
                rows.append(r)
                notes = "; ".join(r.errors) or f"{r.elements} elements"
                print(f"{n:3d} {r.label:6s} {r.p50_s:7.2f} {r.p95_s:7.2f} {r.max_s:7.2f} "
                      f"{r.server_cpu_s:9.2f} {r.cpu_per_session_s:8.3f} {r.load_1min:5.2f}  "
                      f"{notes}", flush=True)  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = [{**asdict(r), "cpu_per_session_s": r.cpu_per_session_s} for r in rows]
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    top = max(ns)
    failed = [r for r in rows if r.sessions == top and (r.errors or r.p95_s > BUDGET_S)]
    for r in failed:
        print(f"N={top} {r.label}: p95 {r.p95_s:.2f} s (budget {BUDGET_S} s) {'; '.join(r.errors)}")
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
