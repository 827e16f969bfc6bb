//! Properties over generated registries: lookups agree with the data, and no input panics the
//! loader.

use std::collections::BTreeSet;

use ports_core::Registry;
use proptest::prelude::*;

/// A valid registry: `groups` consecutive groups of `size` ports from `start`, each with a
/// random subset of its ports registered.
fn arb_registry() -> impl Strategy<Value = Registry> {
    (1u16..60000, 1u16..6, 1u16..12)
        .prop_flat_map(|(start, groups, size)| {
            let total = usize::from(groups * size);
            (Just((start, groups, size)), proptest::collection::vec(any::<bool>(), total))
        })
        .prop_map(|((start, groups, size), taken)| {
            let mut json_groups = Vec::new();
            let mut services = Vec::new();
            for g in 0..groups {
                let g_start = start + g * size;
                json_groups.push(format!(
                    r#"{{ "id": "g{g}", "start": {g_start}, "end": {}, "title": "G{g}" }}"#,
                    g_start + size - 1
                ));
                for p in 0..size {
                    if taken[usize::from(g * size + p)] {
                        let port = g_start + p;
                        services.push(format!(
                            r#"{{ "port": {port}, "id": "svc-{port}", "name": "S{port}", "group": "g{g}" }}"#
                        ));
                    }
                }
            }
            let json = format!(
                r#"{{ "name": "P", "block": {{ "start": {start}, "end": {} }}, "groups": [{}], "services": [{}] }}"#,
                start + groups * size - 1,
                json_groups.join(","),
                services.join(",")
            );
            Registry::parse(&json).expect("generated registry is valid")
        })
}

proptest! {
    #[test]
    fn registered_ports_validate_against_their_group(registry in arb_registry()) {
        for service in &registry.services {
            let group = registry.group_of(service.port).expect("in a group");
            prop_assert_eq!(&group.id, &service.group);
            prop_assert_eq!(registry.service_at(service.port).map(|s| &s.id), Some(&service.id));
            let claim = ports_core::Claim { id: &service.id, port: service.port, group: &service.group, name: "X" };
            prop_assert!(registry.check_claim(&claim).is_ok());
        }
    }

    #[test]
    fn unregistered_ports_are_free_and_next_free_is_the_lowest(registry in arb_registry()) {
        let taken: BTreeSet<u16> = registry.services.iter().map(|s| s.port).collect();
        for group in &registry.groups {
            let free: Vec<u16> = registry.free_ports(group).collect();
            let expected: Vec<u16> = group.ports().filter(|p| !taken.contains(p)).collect();
            prop_assert_eq!(&free, &expected);
            prop_assert_eq!(registry.next_free(&group.id).unwrap(), expected.first().copied());
            for port in expected {
                let claim = ports_core::Claim { id: "new-svc", port, group: &group.id, name: "New" };
                let errors = registry.check_claim(&claim).unwrap_err();
                let unregistered = matches!(errors.as_slice(), [ports_core::ClaimError::Unregistered { .. }]);
                prop_assert!(unregistered);
            }
        }
    }

    #[test]
    fn random_text_never_panics_the_loader(text in ".{0,200}") {
        let _ = Registry::parse(&text);
    }

    #[test]
    fn random_json_shapes_never_panic_the_loader(value in arb_json()) {
        let _ = Registry::parse(&value.to_string());
    }

    #[test]
    fn mutated_registries_never_panic(cut in 0usize..2000, insert in "[\\[\\]{}\",:0-9a-z -]{0,3}") {
        let text = Registry::EMBEDDED_JSON;
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        let mutated = format!("{}{}{}", &text[..at], insert, &text[at..]);
        let _ = Registry::parse(&mutated);
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("name".to_owned()),
                    Just("block".to_owned()),
                    Just("groups".to_owned()),
                    Just("services".to_owned()),
                    Just("port".to_owned()),
                    Just("id".to_owned()),
                    "[a-z]{1,5}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
