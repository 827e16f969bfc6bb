//! Resolution: env var > config file `<key>.port` > registry default; host from
//! `<key>.host` > the service's default host.
//!
//! On its seams: [`Endpoint`] and [`Source`] (what a resolution yields), the collision rule
//! ([`Collision`]), [`ResolveError`], what a host may be, where the config document comes
//! from, the [`Resolver`] (the algorithm), and the endpoint's own bind and connect, whose errors
//! explain themselves ([`BindError`], [`ConnectError`]).

mod bind;
mod collision;
mod config;
mod endpoint;
mod error;
mod host;
mod resolver;

pub use bind::{BindError, ConnectError};
pub(crate) use collision::ips_overlap;
pub use collision::{collisions, Collision};
pub use endpoint::{Endpoint, Source};
pub use error::ResolveError;
pub(crate) use resolver::Target;
pub use resolver::{Resolved, Resolver, CONFIG_ENV};
