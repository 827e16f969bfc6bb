//! The real `ports` binary on temp registries: every command's success and failure paths, exit
//! codes, and `--json` parsed back.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod support;

use support::{json, project, run as ports};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn small_registry(start: u16) -> String {
    format!(
        r#"{{
  "name": "Small",
  "block": {{ "start": {start}, "end": {end} }},
  "groups": [
    {{ "id": "web", "start": {start}, "end": {web_end}, "title": "Web", "reserved": "later" }},
    {{ "id": "jobs", "start": {jobs}, "end": {end}, "title": "Jobs" }}
  ],
  "services": [
    {{ "port": {start}, "id": "shop", "name": "Shop", "group": "web", "env": "SHOP_PORT", "config": "shop" }},
    {{ "port": {jobs}, "id": "mailer", "name": "Mailer", "group": "jobs" }}
  ]
}}
"#,
        end = start + 19,
        web_end = start + 9,
        jobs = start + 10
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

// ---- list ----

#[test]
fn list_shows_the_embedded_registry() {
    let dir = project();
    let o = ports(dir.path(), &["list"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("PORT  ID"), "{out}");
    assert!(
        out.contains(
            "4410  zero-gateway          Zero Gateway          rust      -               GATEWAY_PORT   gateway"
        ),
        "{out}"
    );
    assert_eq!(out.lines().count(), 11);
    // Which registry: the last line says (issue 20, item 9).
    assert_eq!(out.lines().last(), Some("registry: the embedded registry"));
    assert!(!out.contains('\x1b'), "no colour off a terminal");
}

#[test]
fn list_json_and_group_filter() {
    let dir = project();
    let o = ports(dir.path(), &["list", "--group", "rust", "--json"]);
    assert_eq!(code(&o), 0);
    let v = json(&o);
    assert_eq!(v["registry"], "the embedded registry");
    let ids: Vec<&str> = v["services"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["zero-gateway", "zero-channels", "zero-workflow"]);
    assert_eq!(v["services"][2]["config"], "workflow.webhook");
    let o = ports(dir.path(), &["list", "--group", "rsut"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown group `rsut`; did you mean `rust`?"), "{}", stderr(&o));
}

// ---- discovery and --registry ----

#[test]
fn discovery_finds_ports_json_and_ports_registry_and_registry_flag() {
    let dir = project();
    write(dir.path(), "ports.json", &small_registry(47000));
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let o = ports(&dir.path().join("sub"), &["list", "--json"]);
    assert_eq!(json(&o)["registry"], "ports.json");
    assert_eq!(json(&o)["services"][0]["id"], "shop");

    write(dir.path(), "other.json", &small_registry(48000));
    let o = Command::new(env!("CARGO_BIN_EXE_ports"))
        .args(["next", "web"])
        .current_dir(dir.path().join("sub"))
        .env("PORTS_REGISTRY", "other.json")
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "48001\n", "PORTS_REGISTRY is relative to the root");

    let o = ports(dir.path(), &["--registry", "other.json", "next", "jobs"]);
    assert_eq!(stdout(&o), "48011\n");
    let o = ports(dir.path(), &["--registry", "missing.json", "list"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no registry at missing.json; run `ports init`"), "{}", stderr(&o));
}

// ---- check ----

#[test]
fn check_valid_registry() {
    let dir = project();
    write(dir.path(), "ports.json", &small_registry(47000));
    let o = ports(dir.path(), &["check"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "ok ports.json: valid (2 services in 2 groups, block 47000-47019)\n");
    let v = json(&ports(dir.path(), &["check", "--json"]));
    assert_eq!((v["valid"].as_bool(), v["problems"].as_array().map(Vec::len)), (Some(true), Some(0)));
}

#[test]
fn check_reports_every_problem_and_exits_1() {
    let dir = project();
    let bad = small_registry(47000).replace("\"port\": 47010", "\"port\": 47000").replace("SHOP_PORT", "shop_port");
    write(dir.path(), "ports.json", &bad);
    let o = ports(dir.path(), &["check"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.starts_with("invalid ports.json is invalid (3 problems):"), "{out}");
    assert!(out.contains("env var `shop_port` is not a valid name"), "{out}");
    assert!(out.contains("duplicate port 47000: registered to both `shop` and `mailer`"), "{out}");
    assert!(out.contains("service `mailer`: port 47000 is outside its group `jobs` (47010-47019)"), "{out}");
    let v = json(&ports(dir.path(), &["check", "--json"]));
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"].as_array().unwrap().len(), 3);
}

#[test]
fn check_malformed_names_line_and_column() {
    let dir = project();
    write(dir.path(), "ports.json", "{\n  \"name\": \"x\",\n  \"block\": { \"start\": 1 \"end\": 2 }\n}\n");
    let o = ports(dir.path(), &["check"]);
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "invalid ports.json:3:25: at `block`: expected `,` or `}`\n");
    let v = json(&ports(dir.path(), &["check", "--json"]));
    assert_eq!((v["problems"][0]["line"].as_u64(), v["problems"][0]["column"].as_u64()), (Some(3), Some(25)));
    // Every other command refuses a malformed registry with exit 1 too.
    assert_eq!(code(&ports(dir.path(), &["list"])), 1);
}

#[test]
fn check_names_every_value_of_the_wrong_shape() {
    let dir = project();
    let bad = small_registry(47000)
        .replace("\"port\": 47000", "\"port\": 70000")
        .replace("\"name\": \"Mailer\"", "\"name\": \"Mailer\", \"owner\": \"ops\"");
    write(dir.path(), "ports.json", &bad);
    let o = ports(dir.path(), &["check"]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        "invalid ports.json is invalid (2 problems):\n  \
         - 9:19: at `services[0].port` (service `shop`): port 70000 is not a port (1-65535)\n  \
         - at `services[1]` (service `mailer`): unknown field `owner`, expected one of `port`, `id`, `name`, `group`, `description`, `stack`, `protocol`, `env`, `config`\n"
    );
    let v = json(&ports(dir.path(), &["check", "--json"]));
    assert_eq!(v["problems"][0]["at"], "services[0].port");
    assert_eq!((v["problems"][0]["line"].as_u64(), v["problems"][0]["column"].as_u64()), (Some(9), Some(19)));
    assert_eq!(v["problems"][1]["at"], "services[1]");
    assert_eq!(v["problems"][1]["line"], serde_json::Value::Null);
    // The registry refused the same way by every command, and by the macros.
    let o = ports(dir.path(), &["list"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("port 70000 is not a port (1-65535)"), "{}", stderr(&o));
}

// ---- next ----

#[test]
fn next_free_port_full_and_unknown() {
    let dir = project();
    let o = ports(dir.path(), &["next", "rust"]);
    assert_eq!((code(&o), stdout(&o)), (0, "4413\n".to_owned()));
    let v = json(&ports(dir.path(), &["next", "integration", "--json"]));
    assert_eq!(
        v,
        serde_json::json!({ "registry": "the embedded registry", "group": "integration", "start": 4430, "end": 4439, "port": 4430 })
    );
    // The port alone on standard output; the registry named on standard error.
    assert_eq!(stderr(&ports(dir.path(), &["next", "rust"])), "registry: the embedded registry\n");
    let o = ports(dir.path(), &["next", "databases"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown group `databases` (groups: core (4400-4409)"), "{}", stderr(&o));

    let services: Vec<String> =
        (47010..=47019).map(|p| format!(r#"{{ "port": {p}, "id": "j{p}", "name": "J", "group": "jobs" }}"#)).collect();
    let full = small_registry(47000)
        .replace(r#"{ "port": 47010, "id": "mailer", "name": "Mailer", "group": "jobs" }"#, &services.join(",\n    "));
    write(dir.path(), "ports.json", &full);
    let o = ports(dir.path(), &["next", "jobs"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("group jobs (47010-47019) is full"), "{}", stderr(&o));
}

// ---- init ----

#[test]
fn init_writes_the_standard_and_never_overwrites() {
    let dir = project();
    std::fs::create_dir(dir.path().join("deep")).unwrap();
    let o = ports(&dir.path().join("deep"), &["init"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let written = std::fs::read_to_string(dir.path().join("ports.json")).unwrap();
    assert_eq!(written, ports_core::Registry::EMBEDDED_JSON, "written at the root");
    std::fs::write(dir.path().join("ports.json"), "mine").unwrap();
    let o = ports(dir.path(), &["init"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("already exists; not overwriting it"));
    assert_eq!(std::fs::read_to_string(dir.path().join("ports.json")).unwrap(), "mine");
    let o = ports(dir.path(), &["init", "custom.json"]);
    assert_eq!(code(&o), 0);
    assert!(dir.path().join("custom.json").exists());
}

// ---- add ----

#[test]
fn add_writes_the_next_free_port_as_a_one_line_diff() {
    let dir = project();
    assert_eq!(code(&ports(dir.path(), &["init"])), 0);
    let before = std::fs::read_to_string(dir.path().join("ports.json")).unwrap();
    let o = ports(
        dir.path(),
        &[
            "add",
            "zero-scheduler",
            "--group",
            "rust",
            "--name",
            "Zero Scheduler",
            "--env",
            "SCHEDULER_PORT",
            "--config",
            "scheduler",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "added `zero-scheduler` on port 4413 (group rust) to ports.json\n");
    let after = std::fs::read_to_string(dir.path().join("ports.json")).unwrap();
    let added: Vec<&str> = after.lines().filter(|l| !before.lines().any(|b| b == *l)).collect();
    assert_eq!(
        added,
        [
            r#"    { "port": 4413, "id": "zero-scheduler", "name": "Zero Scheduler", "group": "rust", "env": "SCHEDULER_PORT", "config": "scheduler" },"#
        ]
    );
    assert_eq!(after.lines().count(), before.lines().count() + 1);
    // It lands after 4412, in port order.
    let order: Vec<u16> = ports_core::Registry::parse(&after).unwrap().services.iter().map(|s| s.port).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn add_refuses_taken_id_or_port_and_leaves_the_file_untouched() {
    let dir = project();
    let path = write(dir.path(), "ports.json", &small_registry(47000));
    let cases: [(&[&str], i32, &str); 6] = [
        (&["add", "shop", "--group", "web", "--name", "S"], 1, "service `shop` is already registered, on port 47000"),
        (
            &["add", "x", "--group", "web", "--name", "X", "--port", "47000"],
            1,
            "port 47000 belongs to `shop` (Shop), not `x`; the next free port in `web` is 47001; nothing written",
        ),
        (
            &["add", "x", "--group", "web", "--name", "X", "--port", "47015"],
            1,
            "port 47015 is outside group `web` (47000-47009); it lies in group `jobs` (47010-47019); the next free port in `web` is 47001",
        ),
        (&["add", "x", "--group", "nope", "--name", "X"], 2, "unknown group `nope`"),
        (
            &["add", "x", "--group", "web", "--name", "X", "--env", "bad-env"],
            1,
            "env var `bad-env` is not a valid name",
        ),
        (
            &["add", "x", "--group", "web", "--name", "X", "--env", "SHOP_PORT"],
            1,
            "duplicate env var `SHOP_PORT`: used by both `shop` and `x`",
        ),
    ];
    for (args, expected, message) in cases {
        let o = ports(dir.path(), args);
        assert_eq!(code(&o), expected, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), small_registry(47000), "{args:?} changed the file");
    }
    let o = ports(dir.path(), &["add", "x", "--group", "web", "--name", "X", "--port", "47005"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains(r#"{ "port": 47005, "id": "x", "name": "X", "group": "web" }"#));
}

#[test]
fn add_without_a_file_says_run_init() {
    let dir = project();
    let o = ports(dir.path(), &["add", "x", "--group", "rust", "--name", "X"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("run `ports init`"), "{}", stderr(&o));
    let o = ports(dir.path(), &["--registry", "nope.json", "add", "x", "--group", "rust", "--name", "X"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no registry at nope.json; run `ports init`"), "{}", stderr(&o));
}

#[test]
fn six_concurrent_adds_give_six_distinct_entries() {
    let dir = project();
    let path = write(dir.path(), "ports.json", &small_registry(47000));
    let children: Vec<_> = (0..6)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_ports"))
                .args(["add", &format!("svc-{i}"), "--group", "web", "--name", &format!("Service {i}")])
                .current_dir(dir.path())
                .env_remove("PORTS_REGISTRY")
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let registry = ports_core::Registry::load(&path).unwrap();
    let mut added: Vec<(String, u16)> =
        registry.services.iter().filter(|s| s.id.starts_with("svc-")).map(|s| (s.id.clone(), s.port)).collect();
    added.sort();
    assert_eq!(added.len(), 6, "{added:?}");
    let mut ports_used: Vec<u16> = added.iter().map(|(_, p)| *p).collect();
    ports_used.sort_unstable();
    assert_eq!(ports_used, (47001..=47006).collect::<Vec<_>>());
}

// ---- resolve ----

#[test]
fn resolve_every_service_and_one_with_sources() {
    let dir = project();
    write(dir.path(), "ports.json", &small_registry(47000));
    let config = write(dir.path(), "cc.json", r#"{ "shop": { "port": 47008, "host": "0.0.0.0" } }"#);
    let o = Command::new(env!("CARGO_BIN_EXE_ports"))
        .args(["resolve"])
        .current_dir(dir.path())
        .env("CODECODER_CONFIG", &config)
        .env_remove("PORTS_REGISTRY")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(&format!("shop    0.0.0.0:47008    {}: shop.port", config.display())), "{out}");
    assert!(out.contains("mailer  127.0.0.1:47010  registry default"), "{out}");

    let o = Command::new(env!("CARGO_BIN_EXE_ports"))
        .args(["resolve", "shop", "--json"])
        .current_dir(dir.path())
        .env("CODECODER_CONFIG", &config)
        .env("SHOP_PORT", "47009")
        .env_remove("PORTS_REGISTRY")
        .output()
        .unwrap();
    let v = json(&o);
    assert_eq!(v["services"][0]["endpoint"], "0.0.0.0:47009");
    assert_eq!(v["services"][0]["source"], serde_json::json!({ "kind": "env", "var": "SHOP_PORT", "value": "47009" }));
    assert_eq!(v["config"], config.display().to_string());

    // No file at the config path: none read, and none named.
    let o = Command::new(env!("CARGO_BIN_EXE_ports"))
        .args(["resolve", "--json"])
        .current_dir(dir.path())
        .env("CODECODER_CONFIG", dir.path().join("absent.json"))
        .env_remove("PORTS_REGISTRY")
        .output()
        .unwrap();
    let v = json(&o);
    assert_eq!(v["config"], serde_json::Value::Null);
    assert_eq!(v["services"][0]["source"], serde_json::json!({ "kind": "default" }));
}

#[test]
fn resolve_bad_override_exits_1_naming_it_and_unknown_id_exits_2() {
    let dir = project();
    write(dir.path(), "ports.json", &small_registry(47000));
    for (value, message) in [("abc", "SHOP_PORT=\"abc\""), ("47010", "gives port 47010 to `mailer` (Mailer)")] {
        let o = Command::new(env!("CARGO_BIN_EXE_ports"))
            .args(["resolve", "shop"])
            .current_dir(dir.path())
            .env("SHOP_PORT", value)
            .env("HOME", dir.path())
            .env_remove("PORTS_REGISTRY")
            .env_remove("CODECODER_CONFIG")
            .output()
            .unwrap();
        assert_eq!(code(&o), 1);
        assert!(stdout(&o).contains(message), "{}", stdout(&o));
    }
    let o = ports(dir.path(), &["resolve", "shopp"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no service `shopp` in the registry; did you mean `shop`?"), "{}", stderr(&o));
}

// ---- status ----

/// Listeners the test opens itself, on a temp registry's block (ports nothing else uses), on
/// 127.0.0.1 and ::1: one on a registered port, one on an unregistered port.
#[test]
fn status_sees_real_listeners_and_flags_unregistered_ones() {
    let dir = project();
    let start = 26200;
    write(dir.path(), "ports.json", &small_registry(start));
    let registered = TcpListener::bind(("127.0.0.1", start)).unwrap();
    let unregistered = TcpListener::bind(("::1", start + 3)).ok();
    let unregistered_v4 = TcpListener::bind(("127.0.0.1", start + 4)).unwrap();
    for procfs in [false, true] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ports"));
        cmd.args(["status", "--json"]).current_dir(dir.path()).env_remove("PORTS_REGISTRY");
        if procfs {
            cmd.env("PORTS_STATUS_PROCFS", "1");
        }
        let o = cmd.output().unwrap();
        assert_eq!(code(&o), 1, "an unregistered listener exits 1: {}", stderr(&o));
        let v = json(&o);
        let port = |p: u16| v["ports"].as_array().unwrap().iter().find(|e| e["port"] == p).unwrap().clone();
        assert_eq!(v["ports"].as_array().unwrap().len(), 20);
        let shop = port(start);
        assert_eq!((shop["state"].as_str(), shop["service"].as_str()), (Some("listening"), Some("shop")));
        assert_eq!(shop["unregistered"], false);
        assert_eq!(shop["addresses"], serde_json::json!(["127.0.0.1"]));
        assert_eq!(shop["processes"][0]["pid"], std::process::id(), "procfs={procfs}: {shop}");
        let stray = port(start + 4);
        assert_eq!((stray["state"].as_str(), stray["unregistered"].as_bool()), (Some("listening"), Some(true)));
        if unregistered.is_some() {
            let v6 = port(start + 3);
            assert_eq!(v6["addresses"], serde_json::json!(["::1"]), "procfs={procfs}");
            assert_eq!(v6["unregistered"], true);
        }
        assert_eq!(port(start + 10)["state"], "free", "mailer is registered but not running");
        assert_eq!(port(start + 10)["service"], "mailer");
        assert_eq!(v["unregistered"], if unregistered.is_some() { 2 } else { 1 });
    }
    let text = stdout(&ports(dir.path(), &["status"]));
    assert!(text.contains(&format!("{start}  listening  shop")), "{text}");
    assert!(text.contains(&format!("{}  listening  unregistered", start + 4)), "{text}");
    drop((registered, unregistered_v4));
    let o = ports(dir.path(), &["status"]);
    assert_eq!(code(&o), if unregistered.is_some() { 1 } else { 0 });
}

#[test]
fn status_is_clean_when_only_registered_ports_listen() {
    let dir = project();
    let start = 26300;
    write(dir.path(), "ports.json", &small_registry(start));
    let _shop = TcpListener::bind(("127.0.0.1", start)).unwrap();
    let _dual = TcpListener::bind(("::", start + 10)).ok();
    let o = ports(dir.path(), &["status", "--json"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(json(&o)["unregistered"], 0);
}

// ---- doc ----

fn standard() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/port-allocation-standard.md")
}

#[test]
fn doc_renders_the_allocation_tables() {
    let dir = project();
    let o = ports(dir.path(), &["doc"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.contains("### 核心服务 (4400-4409)\n\n| 端口 | 服务 | 技术栈 | 说明 |"), "{out}");
    assert!(out.contains("| 4400 | CodeCoder API Server | Bun/TypeScript | 核心 AI 引擎 API |"), "{out}");
    assert!(out.contains("| 4404-4409 | 预留 | - | 未来核心服务扩展 |"), "{out}");
    assert!(out.contains("| 4413-4419 | 预留 | 未来 Rust 服务扩展 |"), "{out}");
    assert!(out.contains("| 4430-4439 | 预留 | 外部服务集成 |"), "{out}");
    // What doc renders passes its own check.
    let rendered = write(dir.path(), "rendered.md", &out);
    assert_eq!(code(&ports(dir.path(), &["doc", "--check", rendered.to_str().unwrap()])), 0);
}

#[test]
fn doc_check_passes_on_the_standard() {
    let dir = project();
    let mut files = vec![standard()];
    // The team's copy beside the repository, where it exists.
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/seed/port-allocation-standard.md");
    if shared.exists() {
        files.push(shared);
    }
    for file in files {
        let o = ports(dir.path(), &["doc", "--check", file.to_str().unwrap()]);
        assert_eq!(code(&o), 0, "{}", stdout(&o));
        assert!(stdout(&o).contains("the allocation tables match the registry (9 services)"));
    }
}

#[test]
fn doc_check_names_each_drifting_row() {
    let dir = project();
    let text = std::fs::read_to_string(standard()).unwrap();
    let drifted = text
        .replace("| 4411 | Zero Channels |", "| 4411 | Zero Channel |")
        .replace("| 4420 | MCP Server (HTTP) |", "| 4421 | MCP Server (HTTP) |")
        .replace("| 4403 | Faster Whisper STT | Docker | 本地语音转文字服务 |\n", "")
        .replace("| 4413-4419 | 预留 |", "| 4413-4419 | reserved for later |");
    let file = write(dir.path(), "drift.md", &drifted);
    let o = ports(dir.path(), &["doc", "--check", file.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    let name = file.display();
    assert_eq!(
        lines,
        [
            format!("drift {name}:40: port 4411 is `Zero Channel` here but `Zero Channels` (`zero-channels`) in the registry").as_str(),
            format!("drift {name}:48: port 4421 (`MCP Server (HTTP)`) is not in the registry").as_str(),
            format!("drift {name}: no row for port 4403 (`Faster Whisper STT`, `whisper-stt`)").as_str(),
            format!("drift {name}: no row for port 4420 (`MCP Server (HTTP)`, `mcp-server`)").as_str(),
            "4 difference(s); `ports doc` prints the tables as the registry has them",
            "registry: the embedded registry",
        ]
    );
    let o = ports(dir.path(), &["doc", "--check", "absent.md"]);
    assert_eq!(code(&o), 2);
}
