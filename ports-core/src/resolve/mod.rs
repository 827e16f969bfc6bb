//! Resolution: env var > config file `<key>.port` > registry default; host from
//! `<key>.host` > the service's default host.
//!
//! On its seams: [`Endpoint`] and [`Source`] (what a resolution yields), the collision rule,
//! [`ResolveError`], what a host may be, and the [`Resolver`] (the algorithm, and where the
//! config document comes from).

mod collision;
mod endpoint;
mod error;
mod host;
mod resolver;

pub use collision::collisions;
pub use endpoint::{Endpoint, Source};
pub use error::ResolveError;
pub use host::is_host;
pub(crate) use resolver::Target;
pub use resolver::{Resolved, Resolver, CONFIG_ENV};
