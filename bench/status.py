#!/usr/bin/env python3
"""`ports status` against `ss -ltnp` and `lsof -nP -i :4400-4449`, same machine, same run.

Builds the CLI in release mode, opens a few listeners in the block (so that `ports status` has
owners to find, as `ss -p` always does), then runs each command `--runs` times and prints the
median wall time and the ratio to `ss`. Target: `ports status` no slower than `ss -ltnp`.

Usage: python3 bench/status.py [--runs 50]
"""
import argparse
import pathlib
import shutil
import socket
import statistics
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def timed(cmd, runs):
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "ports-cli"], cwd=ROOT, check=True)
    ports = str(ROOT / "target" / "release" / "ports")
    held = []
    for port in (4441, 4442, 4443):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
            held.append(s)
        except OSError:
            s.close()
    commands = {
        "ports status": [ports, "status"],
        "ports status (/proc fallback)": ["env", "PORTS_STATUS_PROCFS=1", ports, "status"],
        "ss -ltnp": ["ss", "-ltnp"],
    }
    if shutil.which("lsof"):
        commands["lsof -nP -i :4400-4449"] = ["lsof", "-nP", "-i", ":4400-4449"]
    results = {name: timed(cmd, args.runs) for name, cmd in commands.items()}
    base = results["ss -ltnp"]
    print(f"median of {args.runs} runs, {len(held)} listeners held in the block:")
    for name, ms in results.items():
        print(f"  {name:<32} {ms:8.2f} ms   {ms / base:5.2f}x ss")
    print("target: `ports status` <= 1.00x ss")


if __name__ == "__main__":
    main()
