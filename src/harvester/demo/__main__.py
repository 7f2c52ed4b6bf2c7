"""The demo world from the command line.

``python -m harvester.demo run [--scale N] [--dir DIR]``: serve the world, harvest it with the
real ``harvester`` command, print the per-channel counts beside the ground truth.
``python -m harvester.demo serve [--scale N] [--seed S] [--config PATH] [--hostile]``: serve it
until Ctrl-C, for trying ``harvester`` commands by hand.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from types import FrameType

from harvester.demo import EXTRA_SITES, build_world, serve_world


def main(argv: list[str] | None = None) -> int:
    """Serve the demo world until Ctrl-C or SIGTERM; write its sources.yaml first."""
    parser = argparse.ArgumentParser(prog="python -m harvester.demo", description="Serve the demo world on 127.0.0.1.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the world and write its sources.yaml")
    serve.add_argument("--scale", type=int, default=1, help="article count multiplier (default 1)")
    serve.add_argument("--seed", type=int, default=0, help="generation seed (default 0)")
    serve.add_argument("--config", type=Path, default=Path("demo-sources.yaml"), help="where to write sources.yaml")
    serve.add_argument("--database", default="harvest.db", help="database path written into sources.yaml")
    serve.add_argument("--delay", type=float, default=0.0, help="fetch.delay written into sources.yaml")
    serve.add_argument("--hostile", action="store_true", help="also serve the hostile site")
    run = commands.add_parser("run", help="serve the world, harvest it, print the counts")
    run.add_argument("--scale", type=int, default=1, help="article count multiplier (default 1)")
    run.add_argument("--seed", type=int, default=0, help="generation seed (default 0)")
    run.add_argument("--dir", type=Path, default=Path("demo-output"), help="where sources.yaml and the database go")
    run.add_argument("--hostile", action="store_true", help="also serve the hostile site")
    for command in (serve, run):
        command.add_argument(
            "--core-only", action="store_true", help="only the VSB, WebPlus and TRS sites (not Hanweb, table, e-paper)"
        )
    args = parser.parse_args(argv)
    extra = () if args.core_only else EXTRA_SITES
    if args.command == "run":
        return run_demo(args.scale, args.seed, args.dir, hostile=args.hostile, extra=extra)
    return serve_forever(args)


WINDOW = (date(2022, 9, 1), date(2023, 8, 31))  # the disclosure year 2022 of the seed report


def run_demo(scale: int, seed: int, folder: Path, *, hostile: bool, extra: tuple[str, ...] = EXTRA_SITES) -> int:
    """Serve the world, run `harvester run` and `harvester count` on it as a user would."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("harvest.db*"):
        stale.unlink()
    with serve_world(build_world(scale=scale, seed=seed, extra=extra), hostile=hostile) as served:
        config = served.write_config(folder / "sources.yaml")
        print(f"demo world (scale {scale}) served on {', '.join(served.origins.values())}", flush=True)
        started = time.monotonic()
        harvest = _harvester(config, "run")
        print(f"harvested in {time.monotonic() - started:.1f} s ({len(served.log)} requests)", flush=True)
        if harvest.returncode != 0:
            return harvest.returncode
        counted = _harvester(config, "count", "--from", WINDOW[0].isoformat(), "--to", WINDOW[1].isoformat())
        expected = served.expected_counts(*WINDOW)
    print("ground truth: " + ", ".join(f"{channel} {n}" for channel, n in expected.items()))
    print(f"database: {(folder / 'harvest.db').resolve()}  (try: harvester --config {config} count --help)")
    return counted.returncode


def _harvester(config: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "harvester.cli", "--config", str(config), *args], check=False)


def serve_forever(args: argparse.Namespace) -> int:
    """Serve until SIGTERM/SIGINT, printing the origins and the sources.yaml path."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    world = build_world(scale=args.scale, seed=args.seed, extra=() if args.core_only else EXTRA_SITES)
    with serve_world(world, hostile=args.hostile) as served:
        path = served.write_config(args.config, database=args.database, delay=args.delay)
        for site, origin in served.origins.items():
            print(f"{site}\t{origin}")
        print(f"config\t{path.resolve()}", flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
