#!/usr/bin/env bash
# Type-check (clippy, warnings are errors) the workspace for macOS and Windows from Linux, with
# no internet beyond Debian's package archive: Debian's rustc-web toolchain (rustc, cargo,
# clippy and the std source of the same version) unpacked under target/cross-tools (cached
# there between runs), and -Zbuild-std building the targets' std from that source. Nothing is
# installed system-wide. About 5 minutes on 2 cores from a clean target directory.
# The recipe is the project's shared tools/cross-check.sh, kept here so CI has it.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${TOOLS:-$PWD/target/cross-tools}"
DEBS="$TOOLS/debs"; ROOT="$TOOLS/root"
if [ ! -x "$ROOT/usr/bin/cargo" ]; then
    mkdir -p "$DEBS/partial" "$ROOT"
    # Getting the toolchain needs Debian's archive: when it cannot be reached, say so and skip
    # (the check did not run; it did not pass). Lint errors below still fail the run.
    if ! { apt-get update -qq && apt-get install -y -qq --download-only --no-install-recommends \
        -o Dir::Cache::archives="$DEBS" rustc-web cargo-web rust-web-src rust-web-clippy; }; then
        echo "note: Debian's archive is unreachable; the macOS/Windows check was NOT run"
        exit 0
    fi
    for deb in "$DEBS"/*.deb; do dpkg-deb -x "$deb" "$ROOT"; done
fi
export PATH="$ROOT/usr/bin:$PATH"
export LD_LIBRARY_PATH="$ROOT/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export RUSTC_BOOTSTRAP=1           # -Z flags on a stable toolchain
export CARGO_TARGET_DIR="${CROSS_TARGET_DIR:-$PWD/target/cross}"
rustc -V; cargo -V
cargo clippy -Zbuild-std=std,panic_abort \
    --target x86_64-apple-darwin --target aarch64-apple-darwin --target x86_64-pc-windows-msvc \
    --workspace --all-targets --locked --keep-going -- -D warnings
