//! The support code that `ports!` expands to (`ports_core::__private`), called as the generated
//! code calls it. The compile-time side (the const checks failing a build) is covered by the UI
//! tests; here the same functions run at run time, where a panic can be caught and read.

use ports_core::__private::{check_collisions, check_field, endpoints, field_clash, str_eq, FieldClaim};
use ports_core::{Endpoint, ResolveError};

fn claim(field: &'static str, what: &'static str, id: &'static str, port: u16) -> FieldClaim {
    FieldClaim { field, what, id, port, by_id: false, stub: false }
}

/// The message `check_field` panics with for field `k`, or `None` when it passes.
fn clash(fields: &[FieldClaim], k: usize) -> Option<String> {
    let fields = fields.to_vec();
    std::panic::catch_unwind(move || check_field(&fields, "Ports", k)).err().map(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .expect("a text payload")
    })
}

#[test]
fn str_eq_is_string_equality() {
    for (a, b) in [("", ""), ("gateway", "gateway"), ("gateway", "gatewax"), ("gate", "gateway"), ("a", "")] {
        assert_eq!(str_eq(a, b), a == b, "{a:?} {b:?}");
    }
    // Evaluated at compile time, as the generated code does.
    const SAME_OTHER: [bool; 2] = [str_eq("zero-gateway", "zero-gateway"), str_eq("zero-gateway", "zero-channels")];
    assert_eq!(SAME_OTHER, [true, false]);
}

#[test]
fn a_field_on_its_own_port_passes_and_a_clash_names_both_fields() {
    let fields = [
        claim("gateway", "Gateway", "zero-gateway", 4410),
        claim("channels", "Channels", "zero-channels", 4411),
        claim("twin", "Twin", "zero-twin", 4410),
        claim("again", "Gateway", "zero-gateway", 4430),
    ];
    assert_eq!(clash(&fields, 0), None);
    assert_eq!(clash(&fields, 1), None);
    assert_eq!(
        clash(&fields, 2).as_deref(),
        Some(
            "ports!: fields `gateway` (Gateway) and `twin` (Twin) of `Ports` both use port 4410; \
             each service of a process needs its own port"
        )
    );
    // The same service under another field: named as such, whatever the ports.
    assert_eq!(
        clash(&fields, 3).as_deref(),
        Some(
            "ports!: fields `gateway` (Gateway) and `again` (Gateway) of `Ports` are the same service \
             `zero-gateway`; keep one of them"
        )
    );
}

#[test]
fn only_the_fields_before_k_are_compared() {
    // Field 0 clashes with field 1, but that is field 1's error to report, not field 0's.
    let fields = [claim("a", "A", "a", 4400), claim("b", "B", "b", 4400)];
    assert_eq!(clash(&fields, 0), None);
    assert!(clash(&fields, 1).is_some());
}

#[test]
fn stubs_and_pairs_of_registry_ids_are_left_to_their_own_errors() {
    let by_id = |field, id, port| FieldClaim { by_id: true, ..claim(field, id, id, port) };
    let stub = |field, port| FieldClaim { stub: true, ..claim(field, "Broken", "broken", port) };
    // Two registry ids on one port: the macro reports that pair itself.
    assert_eq!(clash(&[by_id("a", "\"a\"", 4400), by_id("b", "\"b\"", 4400)], 1), None);
    // A registry id and a type on one port: this check's.
    assert!(clash(&[by_id("a", "\"a\"", 4400), claim("b", "B", "b", 4400)], 1).is_some());
    assert!(clash(&[claim("a", "A", "a", 4400), by_id("b", "\"b\"", 4400)], 1).is_some());
    // A type whose #[service] failed: its error is reported there, on either side of the pair.
    assert_eq!(clash(&[stub("a", 4400), claim("b", "B", "b", 4400)], 1), None);
    assert_eq!(clash(&[claim("a", "A", "a", 4400), stub("b", 4400)], 1), None);
    // A stub does not hide a clash further on.
    assert!(clash(&[stub("s", 4401), claim("a", "A", "a", 4400), claim("b", "B", "b", 4400)], 2).is_some());
}

#[test]
fn the_port_is_printed_in_decimal_whatever_its_digits() {
    for port in [0u16, 7, 10, 80, 443, 4410, 9999, 10000, 65535] {
        let text = field_clash(["a", "A"], ["b", "B"], "P", None, port);
        assert_eq!(
            text.as_str(),
            format!("ports!: fields `a` (A) and `b` (B) of `P` both use port {port}; each service of a process needs its own port")
        );
    }
}

#[test]
fn a_message_over_its_buffer_is_cut_on_a_character_boundary_never_lost() {
    // Type paths can be long; the message keeps its first 1024 bytes, whole characters only.
    let long: &'static str = Box::leak("模".repeat(400).into_boxed_str()); // 1200 bytes
    let text = field_clash(["field", long], ["other", "Other"], "Ports", None, 4410);
    let text = text.as_str();
    assert!(text.starts_with("ports!: fields `field` (模模"), "{text}");
    // 24 bytes of head, 333 whole characters (999 bytes), and the `)` that still fits.
    assert_eq!(text.len(), 1024);
    assert!(text.ends_with("模)"), "{text}");

    // A message that ends exactly at the buffer's end, then a port: nothing written past it.
    let pad: &'static str = Box::leak("x".repeat(2000).into_boxed_str());
    let text = field_clash([pad, "A"], ["b", "B"], "P", None, 4410);
    assert_eq!(text.as_str().len(), 1024);
    assert!(text.as_str().bytes().all(|b| b == b'x' || b"ports!: fields `".contains(&b)));

    // Room for the space and only part of the port: the digits that fit, in order.
    let head = "ports!: fields `";
    let middle = "` (A) and `b` (B) of `P` both use port";
    let fill: &'static str = Box::leak("y".repeat(1024 - head.len() - middle.len() - 3).into_boxed_str());
    let text = field_clash([fill, "A"], ["b", "B"], "P", None, 4410);
    assert!(text.as_str().ends_with(" both use port 44"), "{}", &text.as_str()[990..]);
    assert_eq!(text.as_str().len(), 1024);
}

#[test]
fn check_collisions_names_the_first_colliding_pair_of_fields() {
    let endpoint = |service: &str, host: &str, port: u16| Endpoint::new(service, host, port);
    let gateway = endpoint("zero-gateway", "127.0.0.1", 4410);
    let channels = endpoint("zero-channels", "127.0.0.1", 4411);
    let twin = endpoint("zero-workflow", "0.0.0.0", 4410);
    assert!(check_collisions(&[("gateway", &gateway), ("channels", &channels)]).is_ok());
    let err = check_collisions(&[("gateway", &gateway), ("channels", &channels), ("workflow", &twin)]).unwrap_err();
    let ResolveError::Collision { first, second, first_endpoint, second_endpoint } = &err else { panic!("{err:?}") };
    assert_eq!((first.as_str(), second.as_str()), ("gateway", "workflow"));
    assert_eq!((**first_endpoint == gateway, **second_endpoint == twin), (true, true));
}

#[test]
fn endpoints_yields_the_rows_in_order() {
    let a = Endpoint::new("a", "127.0.0.1", 4400);
    let b = Endpoint::new("b", "127.0.0.1", 4401);
    let rows: Vec<_> = endpoints([("api", "a", &a), ("web", "b", &b)]).collect();
    assert_eq!(rows, [("api", "a", &a), ("web", "b", &b)]);
    assert_eq!(endpoints([("api", "a", &a)]).len(), 1);
}
