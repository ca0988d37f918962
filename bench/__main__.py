"""``python -m bench``: run the benchmark and print its table (``--quick`` for the CI-sized run)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

from bench import machine
from bench.api_rows import api_rows
from bench.batch_rows import file_rows, memory_rows, text_rows
from bench.config import FULL, QUICK, Config
from bench.dask_rows import dask_rows
from bench.measure import BenchError, Row, product_env
from bench.table import format_report
from bench.training_rows import training_rows

GROUPS: dict[str, Callable[[Config, Path, dict[str, str]], list[Row]]] = {
    "text": text_rows, "dask": dask_rows, "files": file_rows, "memory": memory_rows, "api": api_rows,
    "training": training_rows,
}
ALIASES = {"batch": ("text", "dask", "files", "memory"), "startup": ("api",)}


def _groups(value: str) -> list[str]:
    chosen: list[str] = []
    for name in (v.strip() for v in value.split(",") if v.strip()):
        for group in ALIASES.get(name, (name,)):
            if group not in GROUPS:
                raise argparse.ArgumentTypeError(
                    f"unknown group {name!r}; choose from {', '.join([*GROUPS, *ALIASES])}")
            if group not in chosen:
                chosen.append(group)
    return chosen


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="tiny corpora, 1 repeat, 1 s load runs, training on a sample: proves "
                             "the benchmark works, measures nothing worth quoting")
    parser.add_argument("--only", type=_groups, default=list(GROUPS),
                        help=f"comma-separated groups: {', '.join(GROUPS)} (batch = text,files,memory; "
                             "startup = api)")
    parser.add_argument("--repeats", type=int, help="repeats per row (default 3; 1 with --quick)")
    parser.add_argument("--load-seconds", type=float, help="seconds per API load run (default 15)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    return parser.parse_args(argv)


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cfg = QUICK if args.quick else FULL
    if args.repeats:
        cfg = replace(cfg, repeats=args.repeats)
    if args.load_seconds:
        cfg = replace(cfg, load_seconds=args.load_seconds)
    started = time.perf_counter()
    report = {"mode": "quick" if args.quick else "full", "repeats": cfg.repeats,
              "started": datetime.now(UTC).isoformat(timespec="seconds"),
              "groups": args.only, "commit": machine.commit(), "machine": machine.describe(), "load_before": machine.load_average()}
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory(prefix="rfp-bench-") as tmp:
            work = Path(tmp)
            env = product_env(work)
            for group in args.only:
                _log(f"{group} ...")
                rows += GROUPS[group](cfg, work, env)
    except BenchError as exc:
        _log(f"failed: {exc}")
        return 1
    report.update(load_after=machine.load_average(), seconds=time.perf_counter() - started,
                  config=asdict(cfg), rows=[r.to_dict() for r in rows])
    print(format_report(report, rows))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
