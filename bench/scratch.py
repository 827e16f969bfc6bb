"""A scratch consumer crate for the benchmarks: its own workspace, the repository's Cargo.lock
(so versions match the tree under test), path dependencies on this checkout."""
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent


def crate(work, name, dependencies, main, files=None):
    d = work / name
    if d.exists():
        shutil.rmtree(d)
    (d / "src").mkdir(parents=True)
    (d / "Cargo.toml").write_text(f"""[package]
name = "{name}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
{dependencies}

[workspace]
""")
    shutil.copy(ROOT / "Cargo.lock", d / "Cargo.lock")
    (d / "src" / "main.rs").write_text(main)
    for rel, text in (files or {}).items():
        (d / rel).write_text(text)
    return d


PORTS_DEPENDENCIES = (f'ports-core = {{ path = "{ROOT / "ports-core"}" }}\n'
                      f'ports-macros = {{ path = "{ROOT / "ports-macros"}" }}')


def timed_cargo(d, args, env):
    """Seconds taken by `cargo <args>` in `d`; exits with cargo's stderr on failure."""
    import subprocess
    import time
    t = time.perf_counter()
    r = subprocess.run(["cargo", *args], cwd=d, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"cargo {' '.join(args)} failed in {d}:\n{r.stderr}")
    return time.perf_counter() - t
