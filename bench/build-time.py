#!/usr/bin/env python3
"""Clean build time of a consumer of ports-core + ports-macros against a consumer of serde +
serde_json alone (the same run, the same machine). Target: at most 1.25x.

Each consumer is a tiny binary crate with its own target directory; each build is clean
(`cargo clean` first) and timed `--runs` times; the medians are compared.

Usage: python3 bench/build-time.py [--runs 3]
"""
import argparse
import os
import pathlib
import statistics
import subprocess

from scratch import PORTS_DEPENDENCIES, ROOT, crate, timed_cargo
WORK = ROOT / "target" / "bench" / "build-time"

PORTS_MAIN = """use ports_core::Service;

#[ports_macros::service(port = 4410, group = "rust")]
struct ZeroGateway;

ports_macros::ports! {
    struct Ports {
        gateway: ZeroGateway,
        api: "codecoder-api",
    }
}

fn main() {
    let ports = Ports::resolve().unwrap();
    println!("{} {} {}", ZeroGateway::PORT, ports.gateway, ports.api);
}
"""

SERDE_MAIN = """#[derive(serde::Serialize, serde::Deserialize)]
struct Endpoint {
    host: String,
    port: u16,
}

fn main() {
    let e: Endpoint = serde_json::from_str(r#"{"host":"127.0.0.1","port":4410}"#).unwrap();
    println!("{}", serde_json::to_string(&e).unwrap());
}
"""


def clean_build(d):
    env = dict(os.environ, CARGO_TARGET_DIR=str(d / "target"))
    env.pop("PORTS_REGISTRY", None)
    subprocess.run(["cargo", "clean", "--quiet"], cwd=d, env=env, check=True)
    return timed_cargo(d, ["build", "--quiet"], env)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    ports = crate(WORK, "ports-consumer", PORTS_DEPENDENCIES, PORTS_MAIN)
    serde = crate(WORK, "serde-consumer", 'serde = { version = "1", features = ["derive"] }\nserde_json = "1"', SERDE_MAIN)
    p = [clean_build(ports) for _ in range(args.runs)]
    s = [clean_build(serde) for _ in range(args.runs)]
    pm, sm = statistics.median(p), statistics.median(s)
    print(f"clean build, median of {args.runs}: ports consumer {pm:.2f}s, serde + serde_json consumer {sm:.2f}s")
    print(f"ratio {pm / sm:.2f}x (target <= 1.25x)")


if __name__ == "__main__":
    main()
