#!/usr/bin/env python3
"""Per-invocation cost of #[service], measured against hand-written impls in the same run.

For each size N (200, then 800): a registry of N services, a crate with N `#[service]` structs
checked against it, and a crate with the same N structs and hand-written `impl Service` blocks.
Dependencies are built once; then each crate's own `cargo check` is timed (after touching its
source) several times, interleaved; the per-invocation cost is (macro - hand) / N on the
fastest run of each.

Usage: python3 bench/macro-cost.py [--runs 15] [--sizes 200,800]
"""
import argparse
import json
import os
import pathlib
import statistics

from scratch import PORTS_DEPENDENCIES, ROOT, crate, timed_cargo
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


def consumer(name, n, annotated, reg):
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
    return crate(WORK, name, PORTS_DEPENDENCIES, "\n".join(out) + "\n", {"ports.json": json.dumps(reg, indent=1)})


def check(d, env):
    (d / "src" / "main.rs").touch()
    return timed_cargo(d, ["check", "--quiet"], env)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--sizes", default="200,800")
    args = ap.parse_args()
    env = dict(os.environ, CARGO_TARGET_DIR=str(WORK / "target"))
    env.pop("PORTS_REGISTRY", None)
    results = {}
    for n in [int(x) for x in args.sizes.split(",")]:
        reg = registry(n)
        annotated = consumer(f"annotated{n}", n, True, reg)
        hand = consumer(f"hand{n}", n, False, reg)
        check(annotated, env), check(hand, env)  # warm: dependencies built once
        a, h = [], []
        for _ in range(args.runs):  # interleaved, so that drift in the machine's load hits both
            a.append(check(annotated, env))
            h.append(check(hand, env))
        # The minimum is the estimate least disturbed by the machine's other work; the
        # median is printed too, to show the spread.
        am, hm = min(a), min(h)
        per = (am - hm) / n * 1000
        results[n] = per
        print(f"N={n}: #[service] crate {am:.3f}s, hand-written {hm:.3f}s (min of {args.runs}; medians "
              f"{statistics.median(a):.3f}s, {statistics.median(h):.3f}s) -> {per:.3f} ms per invocation")
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        ratio = large / small if small > 0 else float("nan")
        print(f"growth: per-invocation cost at N={sizes[-1]} is {ratio:.2f}x the N={sizes[0]} figure (target <= 1.5x)")
    print(f"target: < 0.5 ms per invocation; measured {max(results.values()):.3f} ms at worst")


if __name__ == "__main__":
    main()
