//! The CodeCoder port registry, as code.
//!
//! The team's port-allocation standard splits the block 4400-4449 into five groups of ten and
//! names every service's port. This crate is that standard as data and rules:
//!
//! - [`Registry`]: the model of a registry file (`ports.json`), with [`Registry::embedded()`]
//!   returning the standard itself, so everything works with no file at all;
//! - validation ([`Registry::problems`]): every rule a registry must keep, in one place, used by
//!   the `#[service]` and `ports!` macros at compile time and by the `ports` command;
//! - the [`Service`] trait that `#[service(...)]` implements, and the [`Resolver`], which finds a
//!   service's effective [`Endpoint`]: env var, then config file, then the registry default;
//! - [`Endpoint::bind`] and [`Endpoint::connect`], whose errors name the endpoint, the service,
//!   where the port came from and who holds a taken port, read from [`sockets`]: the listening
//!   sockets of the machine and their processes;
//! - [`lease_test_port`]: a bound listener on a free port of the `test` group.
//!
//! ```
//! use ports_core::Registry;
//!
//! let registry = Registry::embedded();
//! let gateway = registry.service("zero-gateway").unwrap();
//! assert_eq!(gateway.port, 4410);
//! assert_eq!(registry.group_of(4411).unwrap().id, "rust");
//! assert_eq!(registry.next_free("rust"), Ok(Some(4413)));
//! ```
#![forbid(unsafe_code)]

mod claim;
mod discover;
mod error;
mod file;
mod layout;
mod lease;
mod load;
mod model;
mod resolve;
mod serde_impls;
mod service;
mod shape;
pub mod sockets;
mod validate;

pub use claim::{Claim, ClaimError, ClaimField, MoveError};
pub use discover::{discover, find_root, rebuild_stamp, registry_in_force, Discovery, Origin, REGISTRY_FILE};
pub use error::{escape_control, EntryKind, Problem, RegistryError, PROBLEMS_SHOWN};
pub use file::{decode, file_kind, read_bytes, read_text, ReadError, CONFIG_LIMIT, PSEUDO_LIMIT, REGISTRY_LIMIT};
pub use lease::{lease_service_port, lease_test_port, lease_test_port_in, LeaseError};
#[cfg(feature = "tokio")]
pub use lease::{lease_service_port_tokio, lease_test_port_in_tokio, lease_test_port_tokio};
pub use model::{Block, Group, PortRange, Registry, ServiceEntry, UnknownGroup, UnknownService};
pub use resolve::{
    collisions, BindError, Collision, ConnectError, Endpoint, ResolveError, Resolved, Resolver, Source, CONFIG_ENV,
};
pub use service::{host_of, port_of, Service, DEFAULT_HOST};
pub use validate::{is_config_key, is_env_name, is_kebab_id, port_from};

/// Support for the code that `ports-macros` generates. Not public API: it may change in any
/// release.
#[doc(hidden)]
pub mod __private;
