#!/usr/bin/env python3
"""`ports move --dry-run` against `ports scan` on the same large tree (SPEC "Performance": at most
1.5x). Both walk and read every file the same way; the move also attributes every occurrence of
the old port, builds each file's edits and a unified diff of the files it would change.

The tree is the cargo registry's sources on this machine (as bench/scan.py uses), scanned by
path, against a registry written by `ports init` in a scratch directory. Each command runs
`--runs` times, interleaved, after one warm-up (the tree in the page cache); medians printed.

Usage: python3 bench/move.py [--runs 7] [--tree DIR]
"""
import argparse
import pathlib
import statistics
import subprocess
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def timed(cmd, cwd):
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tree", default=str(pathlib.Path.home() / ".cargo" / "registry" / "src"))
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "ports-cli"], cwd=ROOT, check=True)
    ports = str(ROOT / "target" / "release" / "ports")
    with tempfile.TemporaryDirectory() as scratch:
        (pathlib.Path(scratch) / ".git").mkdir()
        subprocess.run([ports, "init"], cwd=scratch, check=True, stdout=subprocess.DEVNULL)
        scan = [ports, "scan", args.tree]
        move = [ports, "move", "zero-gateway", "4433", args.tree, "--dry-run"]
        timed(scan, scratch)
        timed(move, scratch)
        scans, moves = [], []
        for _ in range(args.runs):
            scans.append(timed(scan, scratch))
            moves.append(timed(move, scratch))
    s, m = statistics.median(scans), statistics.median(moves)
    print(f"ports scan            {s * 1000:8.0f} ms")
    print(f"ports move --dry-run  {m * 1000:8.0f} ms")
    print(f"ratio                 {m / s:8.2f}x  (target: at most 1.5x)")


if __name__ == "__main__":
    main()
