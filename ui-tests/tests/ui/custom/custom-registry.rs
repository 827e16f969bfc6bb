// Checked against ui-tests/registries/custom.json (PORTS_REGISTRY), not the standard.
#![deny(warnings)]

use ports_core::Service;

#[ports_macros::service(port = 7000, group = "web")]
pub struct Storefront;

ports_macros::ports! {
    struct ShopPorts {
        web: Storefront,
        mailer: "mailer",
    }
}

fn main() {
    assert_eq!(Storefront::ENV, Some("STOREFRONT_PORT"));
    // The registry's aliases reach the type, and resolving honours them.
    assert_eq!((Storefront::ENV_ALIASES, Storefront::CONFIG_ALIASES), (&["SHOP_PORT"][..], &["shop"][..]));
    let by_alias = Storefront::resolve_with(&ports_core::Resolver::new().env("SHOP_PORT", "7005")).unwrap();
    assert_eq!(by_alias.port, 7005);
    // Run-time checks use the same registry: 7010 belongs to `mailer` there.
    let resolver = ports_core::Resolver::new().env("STOREFRONT_PORT", "7010");
    let err = Storefront::resolve_with(&resolver).unwrap_err();
    assert!(err.to_string().contains("gives port 7010 to `mailer` (Mailer)"), "{err}");
    let ports = ShopPorts::resolve_with(&ports_core::Resolver::new()).unwrap();
    assert_eq!((ports.web.port, ports.mailer.port), (7000, 7010));
    assert_eq!(Storefront::registry().name, "Custom");
}
