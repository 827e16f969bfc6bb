#!/usr/bin/env python3
"""`ports scan` where the findings are many (issue 17, SPEC "Performance"):

(a) 10 million findings: a 110 MB log, 5,000,000 lines of two ports each
    (`0000001 :4410 -> 4411`), scanned by

        ports scan app.log                       (every finding printed, text)
        rg -c -w -e '44[0-4][0-9]' app.log       (the target's yardstick: a count)
        rg -n -o -w -e '44[0-4][0-9]' app.log    (every match printed, for reference)

    Targets: ports at most 3x `rg -c`'s time, peak memory (maximum resident set size, from
    `/usr/bin/time -v`) at most 1 GB.
(b) one line of 1 MB holding 200,000 ports (`4418 ` repeated, unregistered): under 2 s.
(c) lines that were quadratic once (for reference; each should cost about what (b) costs):
    a 1 MB Markdown line of `REDIS_PORT=4410 ` (62,500 names and ports), and 1 MB of Rust that is
    all `#[service(a = b ` (claims that never end).
(d) 10 million findings that each name a variable (a 120 MB `.env` of `X_PORT=4411 Y_PORT=4411`,
    every one a `mismatch`): peak memory, where each finding also keeps the name it refers to.

Every command writes to /dev/null, after one warm-up run (the file in the page cache); each is
run `--runs` times, interleaved, and the medians of wall time and of CPU time (user + system, the
steadier figure on a shared machine) are printed, then a Markdown table for the README.

Needs ripgrep (`apt-get install ripgrep`) and GNU time (`apt-get install time`).

Usage: python3 bench/scan-findings.py [--runs 5]
"""
import argparse
import os
import pathlib
import re
import resource
import shutil
import statistics
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench" / "scan-findings"
PATTERN = "44[0-4][0-9]"


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, cwd, ok=(0, 1)):
    """(wall seconds, CPU seconds) of one run, its output discarded."""
    c, t = cpu(), time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall, used = time.perf_counter() - t, cpu() - c
    if r.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({r.returncode}): {r.stderr.decode()[:500]}")
    return wall, used


def peak_rss_mb(cmd, cwd):
    """The maximum resident set size of one run, in MB, as GNU time reports it."""
    r = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    if not m:
        raise SystemExit(f"no RSS from /usr/bin/time: {r.stderr.decode()[-500:]}")
    return int(m.group(1)) / 1024


def medians(cmds, cwd, runs):
    """For each named command: (median wall, median CPU), runs interleaved."""
    for cmd in cmds.values():
        timed(cmd, cwd)  # warm-up
    samples = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            samples[name].append(timed(cmd, cwd))
    return {name: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for name, s in samples.items()}


def write_log(path):
    """5,000,000 lines of 22 bytes, two ports each: 110 MB, 10,000,000 findings."""
    with open(path, "w") as f:
        for chunk in range(0, 5_000_000, 250_000):
            f.write("".join(f"{i:07d} :4410 -> 4411\n" for i in range(chunk, chunk + 250_000)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for tool, package in (("rg", "ripgrep"), ("/usr/bin/time", "time")):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed: apt-get install {package}")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "ports-cli"], cwd=ROOT, check=True)
    ports = str(ROOT / "target" / "release" / "ports")
    if WORK.exists():
        shutil.rmtree(WORK)
    # Its own root (.git), so the embedded registry is the one in force, as in a checkout.
    (WORK / ".git").mkdir(parents=True)
    log = WORK / "app.log"
    write_log(log)
    (WORK / "line.txt").write_text("4418 " * 200_000)
    (WORK / "names.md").write_text("REDIS_PORT=4410 " * 62_500)
    (WORK / "claims.rs").write_text("#[service(a = b " * 65_536)
    rows = []

    # (a) 10 million findings.
    out = subprocess.run([ports, "scan", "app.log"], cwd=WORK, capture_output=True)
    summary = out.stdout.decode().splitlines()[-2]
    assert "10000000 hard-coded" in summary, summary
    m = medians({
        "ports": [ports, "scan", "app.log"],
        "rg -c": ["rg", "-c", "-w", "-e", PATTERN, "app.log"],
        "rg -o": ["rg", "-n", "-o", "-w", "-e", PATTERN, "app.log"],
    }, WORK, args.runs)
    rss = peak_rss_mb([ports, "scan", "app.log"], WORK)
    size = log.stat().st_size / 1e6
    (pw, pc), (cw, cc), (ow, oc) = m["ports"], m["rg -c"], m["rg -o"]
    print(f"(a) {size:.0f} MB log, 10,000,000 findings ({summary})")
    print(f"    ports scan          {pw:6.2f} s wall {pc:6.2f} s CPU   peak RSS {rss:.0f} MB")
    print(f"    rg -c -w            {cw:6.2f} s wall {cc:6.2f} s CPU")
    print(f"    rg -n -o -w         {ow:6.2f} s wall {oc:6.2f} s CPU")
    print(f"    ratio to rg -c: {pw / cw:.2f}x wall, {pc / cc:.2f}x CPU (target <= 3x); "
          f"to rg -n -o: {pw / ow:.2f}x wall; memory {rss:.0f} MB (target <= 1024 MB)")
    rows.append(("10 M findings, 110 MB log: `ports scan app.log`", f"{pw:.2f} s ({pc:.2f} s CPU), {rss:.0f} MB peak",
                 f"`rg -c -w`: {cw:.2f} s ({cc:.2f} s CPU); `rg -n -o -w`: {ow:.2f} s",
                 f"{pw / cw:.1f}x `rg -c` (target 3x); memory target 1 GB"))

    # (b) and (c): one line of many ports, and the lines that were quadratic.
    for name, file, target in (("1 MB line, 200,000 ports", "line.txt", "< 2 s"),
                               ("1 MB Markdown line, 62,500 names and ports", "names.md", "linear"),
                               ("1 MB of unfinished `#[service(` (65,536)", "claims.rs", "linear")):
        (w, c), = medians({"ports": [ports, "scan", file]}, WORK, args.runs).values()
        print(f"{name}: ports scan {w:.2f} s wall, {c:.2f} s CPU (target {target})")
        rows.append((f"{name}: `ports scan {file}`", f"{w:.2f} s ({c:.2f} s CPU)", "", target))

    # (d) 10 million findings with a name each: memory.
    with open(WORK / "vars.env", "w") as f:
        for _ in range(20):
            f.write("X_PORT=4411 Y_PORT=4411\n" * 250_000)
    (vw, vc), = medians({"ports": [ports, "scan", "vars.env"]}, WORK, 1).values()
    vrss = peak_rss_mb([ports, "scan", "vars.env"], WORK)
    print(f"(d) 120 MB .env, 10,000,000 mismatch findings naming a variable: {vw:.2f} s wall, {vc:.2f} s CPU, "
          f"peak RSS {vrss:.0f} MB (target <= 1024 MB)")
    rows.append(("10 M findings naming a variable, 120 MB `.env`: `ports scan vars.env`",
                 f"{vw:.2f} s ({vc:.2f} s CPU), {vrss:.0f} MB peak", "", "memory 1 GB"))
    (WORK / "vars.env").unlink()

    print()
    print(f"Median of {args.runs} runs, release build, output to /dev/null "
          f"({os.cpu_count()} cores; wall and CPU time).")
    print()
    print("| case | ports | ripgrep | target |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
