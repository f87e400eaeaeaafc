#!/usr/bin/env python
"""Peak memory of `handout batch --combined` for a large roster against a small one, and the
time of the combining step (issue 13: the ratio at most 1.2x, memory flat).

    python benchmarks/combined_memory.py                  # 20 and 2,000 rows (15 to 30 min)
    python benchmarks/combined_memory.py --large 200      # a quicker look

Each roster runs as one fresh `python -m handout batch ROSTER --out DIR --combined all.pdf
--jobs N` process; its process tree's memory is sampled every 50 ms from /proc (RSS and
PSS summed over the tree, as benchmarks/run.py does), and the batch process's own peak
(VmHWM) is read as it ends: the combined file is put together in that process, after the
workers have gone, so its peak is where a combining step that held every client would
show. The combining step's time is the one the command reports ("combining took X s").

Writes benchmarks/combined_memory.json and benchmarks/combined_memory.md. A separate script
from benchmarks/run.py (whose batch section measures the rows without --combined); it
reuses that script's roster and /proc helpers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402  (benchmarks/run.py: only the standard library at its top)

TARGET = 1.2


def _parent_peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def measure(rows: int, jobs: int, work: Path) -> dict:
    roster = work / f"roster-{rows}.csv"
    bench.write_roster(roster, rows)
    out, combined = work / f"out-{rows}", work / f"all-{rows}.pdf"
    shutil.rmtree(out, ignore_errors=True)
    args = [sys.executable, "-m", "handout", "batch", str(roster), "--out", str(out),
            "--jobs", str(jobs), "--brand", str(bench.BRAND), "--combined", str(combined)]
    peak_rss = peak_pss = parent_peak = 0
    with bench.Load() as load:
        started = time.perf_counter()
        proc = subprocess.Popen(args, cwd=work, env=bench.clean_env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        while proc.poll() is None:
            totals = [bench._memory(pid) for pid in bench._tree(proc.pid)]
            peak_rss = max(peak_rss, sum(t[0] for t in totals))
            peak_pss = max(peak_pss, sum(t[2] for t in totals))
            parent_peak = max(parent_peak, _parent_peak_kb(proc.pid))
            time.sleep(0.05)
        _, stderr = proc.communicate()
        wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"batch of {rows} rows failed ({proc.returncode}):\n{stderr[-2000:]}")
    took = re.search(r"combining took ([\d.]+) s", stderr)
    pages = re.findall(r"combined: .*?, (\d+) pages", stderr)
    result = {
        "rows": rows, "jobs": jobs, "wall_s": round(wall, 1),
        "combining_s": float(took.group(1)) if took else None,
        "combined_pages": sum(int(p) for p in pages),
        "combined_mb": round(combined.stat().st_size / 2**20, 1) if combined.exists() else None,
        "peak_rss_tree_mb": round(peak_rss / 1024, 1),
        "peak_pss_tree_mb": round(peak_pss / 1024, 1),
        "batch_process_peak_mb": round(parent_peak / 1024, 1),
        "foreign_cores": round(load.foreign_cores, 2),
    }
    shutil.rmtree(out, ignore_errors=True)
    combined.unlink(missing_ok=True)
    return result


def report(small: dict, large: dict) -> tuple[dict, str]:
    ratios = {key: round(large[key] / small[key], 3) for key in
              ("peak_rss_tree_mb", "peak_pss_tree_mb", "batch_process_peak_mb")}
    met = ratios["peak_rss_tree_mb"] <= TARGET
    lines = [
        "# batch --combined: peak memory, large roster / small roster",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by "
        f"benchmarks/combined_memory.py on {os.cpu_count()} cores.",
        "",
        "| rows | wall s | combining s | pages | combined MB | peak RSS tree MB | "
        "peak PSS tree MB | batch process peak MB | other load (cores) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in (small, large):
        lines.append(f"| {r['rows']} | {r['wall_s']} | {r['combining_s']} | "
                     f"{r['combined_pages']} | {r['combined_mb']} | {r['peak_rss_tree_mb']} | "
                     f"{r['peak_pss_tree_mb']} | {r['batch_process_peak_mb']} | "
                     f"{r['foreign_cores']} |")
    lines += [
        "",
        f"Ratio {large['rows']} / {small['rows']} rows: RSS of the tree "
        f"{ratios['peak_rss_tree_mb']}x (target <= {TARGET}x: {'met' if met else 'NOT met'}), "
        f"PSS {ratios['peak_pss_tree_mb']}x, the batch process alone (where the combined file "
        f"is built) {ratios['batch_process_peak_mb']}x.",
        "",
    ]
    return {"small": small, "large": large, "ratios": ratios, "target": TARGET, "met": met}, \
        "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="combined-memory-") as tmp:
        work = Path(tmp)
        results = []
        for rows in (args.small, args.large):
            bench.say(f"batch --combined: {rows} rows, --jobs {args.jobs}")
            results.append(measure(rows, args.jobs, work))
            bench.say(f"  {results[-1]}")
    data, text = report(*results)
    print(text)
    if not args.no_save:
        (HERE / "combined_memory.json").write_text(json.dumps(data, indent=2) + "\n")
        (HERE / "combined_memory.md").write_text(text)


if __name__ == "__main__":
    main()
