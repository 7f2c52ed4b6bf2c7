"""``python -m harvester.demo serve [--scale N] [--seed S] [--config PATH] [--hostile]``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from harvester.demo import build_world, serve_world


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
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    world = build_world(scale=args.scale, seed=args.seed)
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
