//! `ports.schema.json` stays in step with the model: the embedded registry validates against it,
//! and registries the model rejects for shape or per-field rules are rejected by it too.

use serde_json::{json, Value};

/// The schema (JSON Schema draft 7), checked by `jsonschema-valid`.
struct Validator {
    schema: Value,
}

impl Validator {
    fn errors(&self, value: &Value) -> Option<String> {
        let config =
            jsonschema_valid::Config::from_schema(&self.schema, Some(jsonschema_valid::schemas::Draft::Draft7))
                .expect("the schema compiles");
        let result = jsonschema_valid::validate(&config, value);
        result.err().map(|errors| errors.map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))
    }

    fn is_valid(&self, value: &Value) -> bool {
        self.errors(value).is_none()
    }
}

fn validator() -> Validator {
    let schema: Value = serde_json::from_str(include_str!("../ports.schema.json")).unwrap();
    let config =
        jsonschema_valid::Config::from_schema(&schema, Some(jsonschema_valid::schemas::Draft::Draft7)).unwrap();
    assert!(config.validate_schema().is_ok(), "ports.schema.json is not a valid draft-7 schema");
    Validator { schema }
}

#[test]
fn embedded_registry_matches_the_schema() {
    let registry: Value = serde_json::from_str(ports_core::Registry::EMBEDDED_JSON).unwrap();
    let v = validator();
    assert_eq!(v.errors(&registry), None);
    // The model's own serialization matches too.
    let rewritten: Value = serde_json::from_str(&ports_core::Registry::embedded().to_json_pretty().unwrap()).unwrap();
    assert!(v.is_valid(&rewritten));
}

type Edit = Box<dyn Fn(&mut Value)>;

#[test]
fn aliases_match_the_schema() {
    let v = validator();
    let mut registry: Value = serde_json::from_str(ports_core::Registry::EMBEDDED_JSON).unwrap();
    registry["services"][4]["env"] = json!(["GATEWAY_PORT", "ZERO_GATEWAY_PORT"]);
    registry["services"][6]["config"] = json!(["workflow.webhook", "workflow"]);
    assert!(v.is_valid(&registry), "{:?}", v.errors(&registry));
    assert!(ports_core::Registry::parse(&registry.to_string()).is_ok());
}

#[test]
fn schema_rejects_what_the_model_rejects() {
    let v = validator();
    let base: Value = serde_json::from_str(ports_core::Registry::EMBEDDED_JSON).unwrap();
    let edits: Vec<(&str, Edit)> = vec![
        ("port as string", Box::new(|r| r["services"][0]["port"] = json!("4400"))),
        ("port 0", Box::new(|r| r["services"][0]["port"] = json!(0))),
        ("port 65536", Box::new(|r| r["services"][0]["port"] = json!(65536))),
        ("bad id", Box::new(|r| r["services"][0]["id"] = json!("Zero_Gateway"))),
        ("bad env", Box::new(|r| r["services"][4]["env"] = json!("gateway_port"))),
        ("bad config key", Box::new(|r| r["services"][4]["config"] = json!("a..b"))),
        ("empty env array", Box::new(|r| r["services"][4]["env"] = json!([]))),
        ("bad env alias", Box::new(|r| r["services"][4]["env"] = json!(["GATEWAY_PORT", "zero-gateway"]))),
        ("bad config alias", Box::new(|r| r["services"][4]["config"] = json!(["gateway", "a..b"]))),
        ("unknown field", Box::new(|r| r["services"][0]["prot"] = json!(1))),
        ("missing name", Box::new(|r| drop(r["services"][0].as_object_mut().unwrap().remove("name")))),
        ("missing block", Box::new(|r| drop(r.as_object_mut().unwrap().remove("block")))),
        ("group without title", Box::new(|r| drop(r["groups"][0].as_object_mut().unwrap().remove("title")))),
    ];
    for (what, edit) in edits {
        let mut bad = base.clone();
        edit(&mut bad);
        assert!(!v.is_valid(&bad), "schema accepted: {what}");
        assert!(ports_core::Registry::parse(&bad.to_string()).is_err(), "model accepted: {what}");
    }
}
