//! Services of another crate, checked against this crate's own `ports.json` (found walking up
//! from its manifest directory): `legacy-gateway` owns 4410 there, as `zero-gateway` does in the
//! standard, so a `ports!` that gathers both must fail at compile time.
#![forbid(unsafe_code)]

/// 4410 in this crate's registry.
#[ports_macros::service(port = 4410, group = "rust")]
pub struct LegacyGateway;

/// The same id and port as the standard's `zero-channels`.
#[ports_macros::service(port = 4411, group = "rust")]
pub struct ZeroChannels;
