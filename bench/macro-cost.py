#!/usr/bin/env python3
"""Per-invocation cost of #[service], measured against hand-written impls in the same run.

For each size N (200, then 800): a registry of N services, a crate with N `#[service]` structs
checked against it, and a crate with the same N structs and hand-written `impl Service` blocks.
Dependencies are built once; then each crate's own `cargo check` is timed (after touching its
source) several times, and the per-invocation cost is (macro - hand) / N.

Usage: python3 bench/macro-cost.py [--runs 5] [--sizes 200,800]
"""
import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench" / "macro-cost"


def registry(n):
    groups, services = [], []
    start = 10000
    for g in range((n + 99) // 100):
        gs = start + g * 100
        groups.append({"id": f"g{g}", "start": gs, "end": gs + 99, "title": f"Group {g}"})
    for i in range(n):
        port = start + i
        services.append({"port": port, "id": f"svc{i}", "name": f"Service {i}", "group": f"g{i // 100}",
                         "env": f"SVC{i}_PORT", "config": f"svc{i}"})
    return {"name": "bench", "block": {"start": start, "end": start + len(groups) * 100 - 1},
            "groups": groups, "services": services}


def crate(name, n, annotated, reg):
    d = WORK / name
    if d.exists():
        shutil.rmtree(d)
    (d / "src").mkdir(parents=True)
    (d / "Cargo.toml").write_text(f"""[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
ports-core = {{ path = "{ROOT / 'ports-core'}" }}
ports-macros = {{ path = "{ROOT / 'ports-macros'}" }}

[workspace]
""")
    shutil.copy(ROOT / "Cargo.lock", d / "Cargo.lock")
    (d / "ports.json").write_text(json.dumps(reg, indent=1))
    out = ["#![allow(dead_code)]", "use ports_core::{Registry, Service};"]
    for s in reg["services"][:n]:
        i = s["id"][3:]
        if annotated:
            out.append(f'#[ports_macros::service(port = {s["port"]}, group = "{s["group"]}")]\npub struct Svc{i};')
        else:
            out.append(f"""pub struct Svc{i};
impl Service for Svc{i} {{
    const ID: &'static str = "{s['id']}";
    const NAME: &'static str = "{s['name']}";
    const PORT: u16 = {s['port']};
    const GROUP: &'static str = "{s['group']}";
    const ENV: Option<&'static str> = Some("{s['env']}");
    const CONFIG: Option<&'static str> = Some("{s['config']}");
    fn registry() -> &'static Registry {{ Registry::embedded() }}
}}""")
    out.append("fn main() { let _ = <Svc0 as Service>::PORT; }")
    (d / "src" / "main.rs").write_text("\n".join(out) + "\n")
    return d


def check(d, env):
    (d / "src" / "main.rs").touch()
    t = time.perf_counter()
    r = subprocess.run(["cargo", "check", "--quiet"], cwd=d, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"cargo check failed in {d}:\n{r.stderr}")
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="200,800")
    args = ap.parse_args()
    env = dict(os.environ, CARGO_TARGET_DIR=str(WORK / "target"))
    env.pop("PORTS_REGISTRY", None)
    results = {}
    for n in [int(x) for x in args.sizes.split(",")]:
        reg = registry(n)
        annotated = crate(f"annotated{n}", n, True, reg)
        hand = crate(f"hand{n}", n, False, reg)
        check(annotated, env), check(hand, env)  # warm: dependencies built once
        a = [check(annotated, env) for _ in range(args.runs)]
        h = [check(hand, env) for _ in range(args.runs)]
        am, hm = statistics.median(a), statistics.median(h)
        per = (am - hm) / n * 1000
        results[n] = per
        print(f"N={n}: #[service] crate {am:.3f}s, hand-written {hm:.3f}s (median of {args.runs}) "
              f"-> {per:.3f} ms per invocation")
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        ratio = large / small if small > 0 else float("nan")
        print(f"growth: per-invocation cost at N={sizes[-1]} is {ratio:.2f}x the N={sizes[0]} figure (target <= 1.5x)")
    print(f"target: < 0.5 ms per invocation; measured {max(results.values()):.3f} ms at worst")


if __name__ == "__main__":
    main()
