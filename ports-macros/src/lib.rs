//! `#[service(port = N, group = "G")]` and `ports! { ... }`: a service's port, checked against
//! the team's port registry at compile time.
//!
//! This crate only parses tokens and prints code; every rule lives in `ports-core`, which the
//! generated code names as `::ports_core` (override with `crate = "path"`).
//!
//! The registry a crate is checked against: `PORTS_REGISTRY` (relative to the workspace or
//! repository root), else the nearest `ports.json` from the crate's directory up to that root,
//! else the standard embedded in `ports-core`.
//!
//! Cargo re-checks a crate when the registry file or `PORTS_REGISTRY` changes (the generated code
//! reads both). On the embedded registry there is no file to watch, so the generated code reads
//! the nearest `Cargo.lock` at or above the crate instead: `ports init`, after writing a
//! registry, sets that file's modification time to now, and the next `cargo check` sees the new
//! registry. A registry whose absolute path is not UTF-8 cannot be named by the generated code
//! (`include_bytes!` takes a string) and is a compile error that says so.
#![forbid(unsafe_code)]

mod ctxt;
mod krate;
mod ports;
mod registry;
mod service;

use proc_macro::TokenStream;

/// Declares that a struct or enum is a registered service.
///
/// ```
/// use ports_core::Service;
///
/// #[ports_macros::service(port = 4410, group = "rust")]
/// pub struct ZeroGateway;
///
/// assert_eq!(ZeroGateway::ID, "zero-gateway");
/// assert_eq!(ZeroGateway::ENV, Some("GATEWAY_PORT"));
/// ```
///
/// Arguments: `port = N` (an integer literal), `group = "G"`, optionally `id = "..."` (by
/// default the kebab-case of the type's name) and `crate = "path"` (where `ports_core` is).
/// The port must be registered to this id in this group; every misuse is a compile error that
/// says who owns the port and what to write instead:
///
/// ```compile_fail
/// #[ports_macros::service(port = 4410, group = "rust")] // port 4410 belongs to `zero-gateway`
/// pub struct MyGateway;
/// ```
#[proc_macro_attribute]
pub fn service(args: TokenStream, item: TokenStream) -> TokenStream {
    service::expand(args.into(), item.into()).into()
}

/// Declares the set of services one process binds or talks to, checked together.
///
/// ```
/// # mod zero {
/// #[ports_macros::service(port = 4410, group = "rust")]
/// pub struct ZeroGateway;
/// # }
/// # use zero::ZeroGateway;
/// ports_macros::ports! {
///     /// Everything the daemon binds or calls.
///     pub struct DaemonPorts {
///         gateway: ZeroGateway,
///         api: "codecoder-api",
///     }
/// }
///
/// let ports = DaemonPorts::resolve_with(&ports_core::Resolver::new())?;
/// assert_eq!(ports.gateway.to_string(), "127.0.0.1:4410");
/// assert_eq!(ports.api.port, 4400);
/// # Ok::<(), ports_core::ResolveError>(())
/// ```
///
/// Each field is a `#[service]` type (from any crate) or a registry id in quotes; the struct
/// gets one `ports_core::Endpoint` field for each. The same service twice, or two fields on
/// one port, is a compile error naming both fields.
///
/// The struct derives `Clone` and `Debug` (unless its own `#[derive]` already names them), and
/// `endpoints()` iterates over every field as `(field name, service id, &Endpoint)`, in
/// declaration order — an `ExactSizeIterator`, for a banner, a health page or metrics:
///
/// ```
/// # #[ports_macros::service(port = 4410, group = "rust")]
/// # pub struct ZeroGateway;
/// ports_macros::ports! {
///     pub struct DaemonPorts {
///         gateway: ZeroGateway,
///         api: "codecoder-api",
///     }
/// }
///
/// let ports = DaemonPorts::resolve_with(&ports_core::Resolver::new().env("GATEWAY_PORT", "5410"))?;
/// let banner: Vec<String> =
///     ports.endpoints().map(|(field, id, endpoint)| format!("{field} ({id}) on {endpoint}, {}", endpoint.source)).collect();
/// assert_eq!(
///     banner,
///     ["gateway (zero-gateway) on 127.0.0.1:5410, GATEWAY_PORT=5410 (env)", "api (codecoder-api) on 127.0.0.1:4400, registry default"]
/// );
/// println!("{:?}", ports.clone());
/// # Ok::<(), ports_core::ResolveError>(())
/// ```
#[proc_macro]
pub fn ports(input: TokenStream) -> TokenStream {
    ports::expand(input.into()).into()
}
