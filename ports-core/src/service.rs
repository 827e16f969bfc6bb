//! The `Service` trait: a Rust type that owns a registered port.

use crate::model::Registry;
pub use crate::model::DEFAULT_HOST;
use crate::resolve::{Endpoint, ResolveError, Resolver, Target};

impl Target<'static> {
    /// What the resolver needs of a [`Service`] type: its consts.
    fn of<S: Service + ?Sized>() -> Self {
        Target {
            id: S::ID,
            port: S::PORT,
            env: S::ENV.into_iter().chain(S::ENV_ALIASES.iter().copied()).collect(),
            config: S::CONFIG.into_iter().chain(S::CONFIG_ALIASES.iter().copied()).collect(),
            host: S::HOST,
        }
    }
}

impl Resolver {
    /// Resolves a [`Service`] type, checking overrides against the registry it was checked
    /// against.
    ///
    /// # Errors
    ///
    /// See [`ResolveError`].
    pub fn resolve<S: Service + ?Sized>(&self) -> Result<Endpoint, ResolveError> {
        let registry = crate::__private::registry_of::<S>()?;
        self.resolve_target(&Target::of::<S>(), &|port| registry.service_at(port))
    }
}

/// A service that owns a port of the registry.
///
/// Implemented by `#[service(port = N, group = "G")]` (from `ports-macros`), which checks the
/// claim against the registry at compile time. The consts are the registry's entry; the
/// methods find the effective endpoint: env var > config file > registry default.
///
/// A hand-written impl (a service checked by hand, a test double) sets `ID`, `NAME`, `PORT` and
/// `GROUP`, as below, and `ENV` and `CONFIG` when the service has them (they default to `None`).
/// The defaults of the first four read the one item that `#[service]` writes instead (a hidden
/// `__INFO`), so an impl that leaves one of them out fails to compile where it is used ("cycle
/// detected").
///
/// ```
/// use ports_core::{Resolver, Service};
///
/// // What `#[service(port = 4410, group = "rust")] struct ZeroGateway;` generates, in short.
/// struct ZeroGateway;
/// impl Service for ZeroGateway {
///     const ID: &'static str = "zero-gateway";
///     const NAME: &'static str = "Zero Gateway";
///     const PORT: u16 = 4410;
///     const GROUP: &'static str = "rust";
///     const ENV: Option<&'static str> = Some("GATEWAY_PORT");
///     const CONFIG: Option<&'static str> = Some("gateway");
/// }
///
/// let resolver = Resolver::new().env("GATEWAY_PORT", "5410");
/// let endpoint = ZeroGateway::resolve_with(&resolver)?;
/// assert_eq!(endpoint.to_string(), "127.0.0.1:5410");
/// assert_eq!(endpoint.source.to_string(), "GATEWAY_PORT=5410 (env)");
/// # Ok::<(), ports_core::ResolveError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a registered service",
    label = "not a `#[service]` type",
    note = "a service type carries `#[service(port = N, group = \"G\")]`; in `ports!`, a service without a Rust type is written as its registry id in quotes (`api: \"codecoder-api\"`)"
)]
pub trait Service {
    /// The registry id (`"zero-gateway"`).
    const ID: &'static str = Self::__INFO.id;
    /// The registry name (`"Zero Gateway"`).
    const NAME: &'static str = Self::__INFO.name;
    /// The registered port.
    const PORT: u16 = Self::__INFO.port;
    /// The id of the port's group (`"rust"`).
    const GROUP: &'static str = Self::__INFO.group;
    /// The env var that overrides the port, if the service has one (`GATEWAY_PORT`); `None`
    /// unless `#[service]` or a hand-written impl sets it.
    const ENV: Option<&'static str> = Self::__INFO.env;
    /// The service's key in the config file (`"gateway"`, `"workflow.webhook"`), if any;
    /// `None` unless set.
    const CONFIG: Option<&'static str> = Self::__INFO.config;
    /// What `#[service]` writes: every const above in one item (one item per impl compiles
    /// faster than six). A hand-written impl sets the consts above instead; this default is
    /// then read only for `ENV`/`CONFIG` left out (`None`) and by `registry()`. Not public API.
    #[doc(hidden)]
    const __INFO: crate::__private::Info = crate::__private::Info {
        id: Self::ID,
        name: Self::NAME,
        port: Self::PORT,
        group: Self::GROUP,
        // Not `Self::ENV`/`Self::CONFIG`: a hand-written impl without them gets `None`.
        env: None,
        config: None,
        source: None,
    };
    /// Other env vars read for the port, in order, after [`ENV`](Self::ENV) (the registry's
    /// `"env": ["GATEWAY_PORT", "ZERO_GATEWAY_PORT"]`).
    const ENV_ALIASES: &'static [&'static str] = &[];
    /// Other config keys read, in order, after [`CONFIG`](Self::CONFIG).
    const CONFIG_ALIASES: &'static [&'static str] = &[];
    /// The host used when the config file names none.
    const HOST: &'static str = DEFAULT_HOST;
    /// Set by the stub impl that `#[service]` emits when its checks fail, so that `ports!`
    /// does not report the same type again. Not public API.
    #[doc(hidden)]
    const __STUB: bool = false;

    /// The registry the type was checked against (for run-time checks: an override landing on
    /// another service's port). `#[service]` fills it in; a hand-written impl checked against
    /// the standard can keep this default, the embedded registry.
    ///
    /// # Panics
    ///
    /// When the copy of the registry file that `#[service]` embedded does not parse: only when
    /// the file changed during the build (`resolve` reports this as an error instead).
    fn registry() -> &'static Registry {
        match Self::__INFO.source {
            Some(bytes) => crate::__private::registry_or_panic(bytes),
            None => Registry::embedded(),
        }
    }

    /// The effective endpoint under the real environment: the env var, else
    /// `CODECODER_CONFIG` or `~/.codecoder/config.json`, else the registry.
    ///
    /// # Errors
    ///
    /// A set-but-invalid override, a malformed config file, or an override landing on another
    /// service's port: see [`ResolveError`].
    fn resolve() -> Result<Endpoint, ResolveError> {
        Resolver::from_env().resolve::<Self>()
    }

    /// The effective endpoint under a [`Resolver`] built in code (tests use this so as not to
    /// touch the process environment).
    ///
    /// # Errors
    ///
    /// As [`Service::resolve`].
    fn resolve_with(resolver: &Resolver) -> Result<Endpoint, ResolveError> {
        resolver.resolve::<Self>()
    }
}

/// The registered port of `S`, as a function: for `#[serde(default = "...")]`, which takes a
/// path to a function, not a const.
///
/// ```
/// # use ports_core::Service;
/// # struct ZeroGateway;
/// # impl Service for ZeroGateway {
/// #     const ID: &'static str = "zero-gateway";
/// #     const NAME: &'static str = "Zero Gateway";
/// #     const PORT: u16 = 4410;
/// #     const GROUP: &'static str = "rust";
/// #     const ENV: Option<&'static str> = Some("GATEWAY_PORT");
/// #     const CONFIG: Option<&'static str> = Some("gateway");
/// # }
/// // #[derive(serde::Deserialize)]
/// struct GatewayConfig {
///     // #[serde(default = "ports_core::port_of::<ZeroGateway>")]
///     port: u16,
///     // #[serde(default = "ports_core::host_of::<ZeroGateway>")]
///     host: String,
/// }
/// let defaults = GatewayConfig { port: ports_core::port_of::<ZeroGateway>(), host: ports_core::host_of::<ZeroGateway>() };
/// assert_eq!((defaults.port, defaults.host.as_str()), (4410, "127.0.0.1"));
/// ```
#[must_use]
pub fn port_of<S: Service + ?Sized>() -> u16 {
    S::PORT
}

/// The default host of `S` (`127.0.0.1`), as a function: for `#[serde(default = "...")]`.
#[must_use]
pub fn host_of<S: Service + ?Sized>() -> String {
    S::HOST.to_owned()
}
