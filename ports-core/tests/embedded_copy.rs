//! The copy of a registry file that generated code embeds (`include_bytes!`) is parsed at run
//! time; a copy that does not parse (the file changed during the build) is an error naming what
//! is wrong, never a silent fallback to another registry.

use ports_core::__private::{registry_from_source, Info};
use ports_core::{Registry, ResolveError, Resolver, Service};

static BROKEN: &[u8] = b"{ \"name\": \"T\", \"block\": { \"start\": 7000, \"end\": 7009 }, nope";

/// What `#[service]` generates, over a copy that does not parse.
struct Raced;
impl Service for Raced {
    const __INFO: Info = Info {
        id: "shop",
        name: "Shop",
        port: 7000,
        group: "web",
        env: Some("SHOP_PORT"),
        config: None,
        source: Some(BROKEN),
    };
}

#[test]
fn a_copy_that_parses_is_the_registry_and_is_parsed_once() {
    static TEXT: &str = Registry::EMBEDDED_JSON;
    let first = registry_from_source(TEXT.as_bytes()).unwrap();
    assert_eq!(first, Registry::embedded());
    assert!(std::ptr::eq(first, registry_from_source(TEXT.as_bytes()).unwrap()));
}

#[test]
fn a_copy_that_does_not_parse_is_an_error_not_an_empty_registry() {
    let err = registry_from_source(BROKEN).unwrap_err();
    let ResolveError::EmbeddedRegistry { message } = &err else { panic!("{err:?}") };
    assert!(message.starts_with("registry:1:"), "{message}");
    assert!(
        err.to_string().starts_with(
            "the registry file embedded in this program at compile time is not the one its macros checked (registry:1:"
        ),
        "{err}"
    );
    assert!(err.to_string().ends_with("it changed during the build; build the program again"), "{err}");
    // Not UTF-8: named by offset.
    let err = registry_from_source(b"{ \"name\": \"\xff\" }").unwrap_err();
    assert!(err.to_string().contains("registry: not UTF-8 text: invalid byte at offset 11"), "{err}");
}

#[test]
fn resolving_a_service_over_a_broken_copy_fails_with_that_error() {
    let err = Raced::resolve_with(&Resolver::new().env("SHOP_PORT", "7001")).unwrap_err();
    assert!(matches!(err, ResolveError::EmbeddedRegistry { .. }), "{err:?}");
}

#[test]
#[should_panic(
    expected = "the registry file embedded in this program at compile time is not the one its macros checked"
)]
fn the_registry_of_a_service_over_a_broken_copy_panics_naming_it() {
    let _ = Raced::registry();
}
