#!/usr/bin/env python3
"""Per-invocation cost of #[service], measured against hand-written impls in the same run.

For each size N (200, then 800): a registry of N services, a crate with N `#[service]` structs
checked against it, and a crate with the same N structs and hand-written `impl Service` blocks.
Dependencies are built once; then each crate's own `cargo check` is timed (after touching its
source) several times, interleaved; the per-invocation cost is (macro - hand) / N on the
fastest run of each.

The same run also measures `#[derive(serde::Serialize)]` on the N structs and the bare structs,
so that the macro's cost per struct is compared with a derive's on the same machine, in the same
minute (target: `#[service]` costs at most what `#[derive(Serialize)]` costs).

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


DEPENDENCIES = PORTS_DEPENDENCIES + '\nserde = { version = "1", features = ["derive"] }'


def consumer(name, n, annotated, reg):
    out = ["#![allow(dead_code)]", "use ports_core::{Registry, Service};"]
    for s in reg["services"][:n]:
        i = s["id"][3:]
        if annotated == "derive":
            out.append(f"#[derive(serde::Serialize)]\npub struct Svc{i};")
        elif annotated == "bare":
            out.append(f"pub struct Svc{i};")
        elif annotated:
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
    if annotated in ("derive", "bare"):
        out.append("fn main() { let _ = Svc0; let _ = Registry::embedded(); fn _t<T: Service>() {} }")
    else:
        out.append("fn main() { let _ = <Svc0 as Service>::PORT; }")
    return crate(WORK, name, DEPENDENCIES, "\n".join(out) + "\n", {"ports.json": canonical(reg)})


def canonical(reg):
    """The registry in the layout `ports init` and `ports add` write: one group or service per line."""
    one = lambda v: json.dumps(v, ensure_ascii=False, separators=(", ", ": "))
    return ("{\n" + ",\n".join([
        f'  "name": {one(reg["name"])}',
        f'  "block": {one(reg["block"])}',
        '  "groups": [\n    ' + ",\n    ".join(one(g) for g in reg["groups"]) + "\n  ]",
        '  "services": [\n    ' + ",\n    ".join(one(s) for s in reg["services"]) + "\n  ]",
    ]) + "\n}\n")


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
        derive = consumer(f"derive{n}", n, "derive", reg)
        bare = consumer(f"bare{n}", n, "bare", reg)
        for d in (annotated, hand, derive, bare):
            check(d, env)  # warm: dependencies built once
        a, h, dv, b = [], [], [], []
        for _ in range(args.runs):  # interleaved, so that drift in the machine's load hits all
            a.append(check(annotated, env))
            h.append(check(hand, env))
            dv.append(check(derive, env))
            b.append(check(bare, env))
        # The minimum is the estimate least disturbed by the machine's other work; the
        # median is printed too, to show the spread.
        am, hm = min(a), min(h)
        per = (am - hm) / n * 1000
        results[n] = per
        print(f"N={n}: #[service] crate {am:.3f}s, hand-written {hm:.3f}s (min of {args.runs}; medians "
              f"{statistics.median(a):.3f}s, {statistics.median(h):.3f}s) -> {per:.3f} ms per invocation")
        bm, dm = min(b), min(dv)
        service_over_bare = (am - bm) / n * 1000
        derive_over_bare = (dm - bm) / n * 1000
        print(f"N={n}: over bare structs ({bm:.3f}s): #[service] +{service_over_bare:.3f} ms per struct, "
              f"#[derive(serde::Serialize)] +{derive_over_bare:.3f} ms per struct "
              f"(target: #[service] <= derive; ratio {service_over_bare / derive_over_bare if derive_over_bare > 0 else float('nan'):.2f})")
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        ratio = large / small if small > 0 else float("nan")
        print(f"growth: per-invocation cost at N={sizes[-1]} is {ratio:.2f}x the N={sizes[0]} figure (target <= 1.5x)")
    print(f"target: < 0.5 ms per invocation; measured {max(results.values()):.3f} ms at worst")


if __name__ == "__main__":
    main()
