#!/usr/bin/env python3
"""`ports scan` against ripgrep for the block pattern, same tree, same run.

Builds the CLI in release mode, then times, interleaved, `--runs` times each (after one warm-up
run of each, so both read from the page cache):

    rg --hidden --no-require-git -n -w -e '44[0-4][0-9]' TREE
    ports scan TREE

and prints the medians and the ratio. Target: at most 1.5x ripgrep's time. `--no-require-git`
makes ripgrep honour .gitignore files outside a git repository, as `ports scan` does, so both
walk the same files. The default tree is the cargo registry's sources on this machine (every
crate the workspace and its tools depend on); `--copies N` scans N copies of it, for a tree of
hundreds of MB.

Usage: python3 bench/scan.py [--runs 11] [--tree DIR] [--copies 4]
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def timed(cmd, cwd):
    t = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed ({r.returncode}): {r.stderr.decode()[:500]}")
    return time.perf_counter() - t


def tree_size(path):
    total, files = 0, 0
    for dirpath, _, names in os.walk(path):
        for n in names:
            try:
                total += os.lstat(os.path.join(dirpath, n)).st_size
                files += 1
            except OSError:
                pass
    return total, files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--tree", default=str(pathlib.Path.home() / ".cargo" / "registry" / "src"))
    ap.add_argument("--copies", type=int, default=4)
    args = ap.parse_args()
    if not shutil.which("rg"):
        raise SystemExit("ripgrep (rg) is needed: apt-get install ripgrep")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "ports-cli"], cwd=ROOT, check=True)
    ports = ROOT / "target" / "release" / "ports"
    work = ROOT / "target" / "bench" / "scan"
    tree = work / "tree"
    if args.copies > 1:
        if tree.exists():
            shutil.rmtree(tree)
        tree.mkdir(parents=True)
        for i in range(args.copies):
            shutil.copytree(args.tree, tree / f"copy{i}", symlinks=True)
    else:
        tree = pathlib.Path(args.tree)
    size, files = tree_size(tree)
    # Run from a directory with no root above the tree's own files, as a user would scan a checkout.
    cwd = work
    cwd.mkdir(parents=True, exist_ok=True)
    rg = ["rg", "--hidden", "--no-require-git", "-n", "-w", "-e", "44[0-4][0-9]", str(tree)]
    scan = [str(ports), "scan", str(tree)]
    timed(rg, cwd), timed(scan, cwd)  # warm the page cache
    r, s = [], []
    for _ in range(args.runs):
        r.append(timed(rg, cwd))
        s.append(timed(scan, cwd))
    rm, sm = statistics.median(r), statistics.median(s)
    print(f"tree: {tree} ({size / 1e6:.0f} MB, {files} files)")
    print(f"rg --hidden -n -w '44[0-4][0-9]': {rm * 1000:.0f} ms (median of {args.runs})")
    print(f"ports scan:                        {sm * 1000:.0f} ms (median of {args.runs})")
    print(f"ratio: {sm / rm:.2f}x ripgrep (target <= 1.5x)")


if __name__ == "__main__":
    main()
