//! Running trybuild cases against one registry file named by `PORTS_REGISTRY`.
//!
//! `PORTS_REGISTRY` applies to the whole build, so each registry gets its own test binary with a
//! single test: setting the variable there touches no other test.

/// Runs `tests/ui/<dir>/*.rs` checked against `registries/<dir>.json`: the `pass` files must
/// compile and run, every other file must fail with its reviewed `.stderr`.
pub fn run_against_registry(dir: &str, pass: &[&str]) {
    let registry = format!("{}/registries/{dir}.json", env!("CARGO_MANIFEST_DIR"));
    std::env::set_var("PORTS_REGISTRY", registry);
    let t = trybuild::TestCases::new();
    let cases = std::fs::read_dir(format!("{}/tests/ui/{dir}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut files: Vec<String> = cases
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs"))
        .collect();
    files.sort();
    for file in files {
        let path = format!("tests/ui/{dir}/{file}");
        if pass.contains(&file.as_str()) {
            t.pass(path);
        } else {
            t.compile_fail(path);
        }
    }
}
