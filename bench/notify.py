"""Benchmark: how long ``statusgen notify`` takes on a large site, network aside.

    python bench/notify.py                   # 10,000 incidents
    python bench/notify.py --sizes 1000 10000

For each size it writes bench/run.py's synthetic site with five channels (Slack, Discord,
Teams, a webhook, a team Slack channel), builds it twice (12 hours apart, as the previously
published site and the new one), and then times ``statusgen notify`` in a fresh Python process,
as CI runs it, against an HTTP receiver on 127.0.0.1 that answers at once: so the time is
statusgen's own (start-up, reading, deciding, wording) plus loopback round trips of well under
a millisecond each. A ``--dry-run`` is timed too: everything but the sending.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import NOW, REPO, machine, run_child, write_site  # noqa: E402

CHANNELS = """\
notify:
  - type: slack
    url_env: BENCH_SLACK
  - type: discord
    url_env: BENCH_DISCORD
    components: [platform]
  - type: teams
    url_env: BENCH_TEAMS
    components: [storage]
  - type: webhook
    url_env: BENCH_WEBHOOK
  - type: slack
    url_env: BENCH_TEAM
    audience: team
"""

BUILD = """
import resource, sys, json
from generator.cli import main
code = main(["build", "--source", sys.argv[1], "--output", sys.argv[2], "--now", sys.argv[3]])
assert code == 0, code
print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


class Receiver(BaseHTTPRequestHandler):
    count = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).count += 1
        self.send_response(204 if "discord" in self.path else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def notify_once(
    source: Path, site: Path, previous: Path, env: dict[str, str], *extra: str
) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "notify", "--source", str(source), "--site",
         str(site), "--previous", str(previous), *extra],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"notify failed ({result.returncode}):\n{result.stderr}")
    return seconds


def measure(size: int, work: Path, repeats: int) -> str:
    source = write_site(work / f"site-{size}", size)
    with (source / "site.yaml").open("a", encoding="utf-8") as handle:
        handle.write(CHANNELS)
    previous, current = work / f"previous-{size}", work / f"current-{size}"
    run_child(BUILD, str(source), str(previous), (NOW - timedelta(hours=12)).isoformat())
    run_child(BUILD, str(source), str(current), NOW.isoformat())
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.update({f"BENCH_{n}": f"{base}/{n.lower()}/secret" for n in
                ("SLACK", "DISCORD", "TEAMS", "WEBHOOK", "TEAM")})  # fmt: skip
    try:
        dry = min(notify_once(source, current, previous, env, "--dry-run") for _ in range(repeats))
        Receiver.count = 0
        runs = [notify_once(source, current, previous, env) for _ in range(repeats)]
        sent = Receiver.count // repeats
    finally:
        server.shutdown()
        server.server_close()
    listed = (current / "api" / "notifications.json").read_text(encoding="utf-8").count('"type": ')
    return f"| {size:,} | {listed:,} | {sent} | {min(runs):.2f} – {max(runs):.2f} | {dry:.2f} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000], metavar="N")
    parser.add_argument("--repeats", type=int, default=5, metavar="K", help="runs per size")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    print("| incidents | events listed | messages sent | notify (s) | dry run (s) |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="statusgen-bench-notify-") as folder:
        for run, size in enumerate(args.sizes):
            print(measure(size, Path(folder) / f"run-{run}", args.repeats), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
