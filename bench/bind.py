#!/usr/bin/env python3
"""`Endpoint::bind()` against a plain `std::net::TcpListener::bind`, same process, same port.

Builds a scratch binary in release mode that depends on ports-core, leases a free test port,
then times rounds of bind + close on 127.0.0.1:<port>, interleaved (each round starting with
another): `TcpListener::bind` of a
`SocketAddr`, of the text "127.0.0.1:<port>", and `Endpoint::bind()`. The median per bind of
each is printed with the ratio to the `SocketAddr` bind. Target: a successful `Endpoint::bind()`
costs what a plain bind costs (it reads no socket table; only the error path does, and that is
timed too, on a port this process holds, for information).

Usage: python3 bench/bind.py [--binds 5000] [--rounds 15]
"""
import argparse
import json
import os
import subprocess

from scratch import ROOT, crate, timed_cargo
WORK = ROOT / "target" / "bench" / "bind"

MAIN = r"""use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::time::Instant;

use ports_core::Endpoint;

fn per_call(n: u32, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_nanos() as f64 / f64::from(n)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    eprintln!("{what}: {e}");
    std::process::exit(1)
}

fn main() {
    let args: Vec<u32> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (binds, rounds) = (args.first().copied().unwrap_or(5000), args.get(1).copied().unwrap_or(15));
    let lease = ports_core::lease_test_port().unwrap_or_else(|e| fail("lease", e));
    let port = lease.local_addr().unwrap_or_else(|e| fail("lease", e)).port();
    drop(lease);
    let endpoint = Endpoint::new("bench", "127.0.0.1", port);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let text = format!("127.0.0.1:{port}");
    let (mut plain, mut plain_text, mut ours) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Each round starts with another of the three, so that none always runs first.
        for k in 0..3 {
            match (round + k) % 3 {
                0 => plain.push(per_call(binds, || drop(TcpListener::bind(addr).unwrap_or_else(|e| fail("plain bind", e))))),
                1 => plain_text.push(per_call(binds, || {
                    drop(TcpListener::bind(text.as_str()).unwrap_or_else(|e| fail("text bind", e)))
                })),
                _ => ours.push(per_call(binds, || drop(endpoint.bind().unwrap_or_else(|e| fail("Endpoint::bind", e))))),
            }
        }
    }
    let held = endpoint.bind().unwrap_or_else(|e| fail("Endpoint::bind", e));
    let mut message = String::new();
    let error = per_call(20, || message = endpoint.bind().err().map(|e| e.to_string()).unwrap_or_default());
    drop(held);
    println!(
        "{{\"plain\": {}, \"plain_text\": {}, \"endpoint\": {}, \"error\": {}, \"message\": {:?}}}",
        median(plain), median(plain_text), median(ours), error, message
    );
}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binds", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    d = crate(WORK, "bind-bench", f'ports-core = {{ path = "{ROOT / "ports-core"}" }}', MAIN)
    env = dict(os.environ, CARGO_TARGET_DIR=str(WORK / "target"))
    env.pop("PORTS_REGISTRY", None)
    timed_cargo(d, ["build", "--release", "--quiet"], env)
    out = subprocess.run([str(WORK / "target" / "release" / "bind-bench"), str(args.binds), str(args.rounds)],
                         cwd=d, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    r = json.loads(out.stdout)
    base = r["plain"]
    print(f"median of {args.rounds} interleaved rounds of {args.binds} binds + closes of 127.0.0.1:<test port>:")
    for name, key in [("TcpListener::bind(SocketAddr)", "plain"), ('TcpListener::bind("127.0.0.1:P")', "plain_text"),
                      ("Endpoint::bind()", "endpoint")]:
        print(f"  {name:<34} {r[key] / 1000:7.2f} us   {r[key] / base:5.2f}x plain")
    print(f"  {'Endpoint::bind(), port taken':<34} {r['error'] / 1000:7.2f} us   (error path: reads the socket table)")
    print(f"  its message: {r['message']}")
    print("target: Endpoint::bind() about 1.00x a plain bind (the success path reads no table)")


if __name__ == "__main__":
    main()
