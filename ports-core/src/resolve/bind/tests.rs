//! The messages of bind and connect errors, from every kind of socket-table answer.

use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::path::PathBuf;

use super::{BindError, ConnectError, Holders};
use crate::resolve::endpoint::PortOwner;
use crate::sockets::{Owner, Socket};
use crate::{Endpoint, Resolver, Service, Source};

fn gateway(port: u16) -> Endpoint {
    let mut endpoint = Endpoint::new("zero-gateway", "127.0.0.1", port);
    endpoint.source = Source::Env { var: "GATEWAY_PORT".into(), value: port.to_string() };
    endpoint
}

fn socket(addr: &str, port: u16, owner: Option<(u32, &str)>) -> Socket {
    Socket { addr: addr.parse().unwrap(), port, owner: owner.map(|(pid, name)| Owner { pid, name: name.into() }) }
}

fn in_use(endpoint: &Endpoint, holders: Holders) -> String {
    let addr = endpoint.socket_addr().unwrap();
    BindError::new(endpoint, Some(addr), io::Error::from(ErrorKind::AddrInUse), holders).to_string()
}

const HEAD: &str = "cannot bind 127.0.0.1:4448 (zero-gateway, port from GATEWAY_PORT=4448 (env)): address in use";

#[test]
fn one_holder_on_the_same_address_is_named_by_name_and_pid() {
    let found = Holders::Found { sockets: vec![socket("127.0.0.1", 4448, Some((1234, "python3")))], warnings: vec![] };
    assert_eq!(in_use(&gateway(4448), found), format!("{HEAD}, held by python3 (pid 1234)"));
}

#[test]
fn wildcard_and_ipv6_holders_name_their_address_one_entry_per_process() {
    let found = Holders::Found {
        sockets: vec![
            socket("0.0.0.0", 4448, Some((7, "nginx"))),
            socket("::", 4448, Some((7, "nginx"))),
            socket("::ffff:127.0.0.1", 4448, Some((8, "node"))),
            socket("::", 4448, None),
        ],
        warnings: vec![],
    };
    assert_eq!(
        in_use(&gateway(4448), found),
        format!(
            "{HEAD}, held by nginx (pid 7, on 0.0.0.0:4448 and [::]:4448), node (pid 8) and a process not visible to this user (on [::]:4448) (try `sudo ports status`)"
        )
    );
}

#[test]
fn a_hidden_holder_says_so_and_how_to_see_it() {
    let found = Holders::Found { sockets: vec![socket("127.0.0.1", 4448, None)], warnings: vec![] };
    assert_eq!(
        in_use(&gateway(4448), found),
        format!("{HEAD}, held by a process not visible to this user (try `sudo ports status`)")
    );
}

#[test]
fn a_holder_without_a_readable_name_keeps_its_pid_and_this_process_is_named_so() {
    let me = std::process::id();
    let found = Holders::Found {
        sockets: vec![socket("127.0.0.1", 4448, Some((9, ""))), socket("0.0.0.0", 4448, Some((me, "tests")))],
        warnings: vec![],
    };
    assert_eq!(
        in_use(&gateway(4448), found),
        format!("{HEAD}, held by a process (pid 9) and tests (pid {me}, this process, on 0.0.0.0:4448)")
    );
}

#[test]
fn what_the_table_could_not_show_is_said_never_guessed() {
    let line = "/proc/net/tcp line 3: cannot parse \"x\"".to_owned();
    let found =
        Holders::Found { sockets: vec![socket("127.0.0.1", 4448, Some((1, "a")))], warnings: vec![line.clone()] };
    assert_eq!(
        in_use(&gateway(4448), found),
        format!("{HEAD}, held by a (pid 1); the socket table is incomplete, there may be others: {line}")
    );
    let unknown = Holders::NotFound { warnings: vec![line.clone()] };
    assert_eq!(
        in_use(&gateway(4448), unknown),
        format!("{HEAD}; the holder is unknown: the socket table is incomplete: {line}")
    );
    let unreadable = Holders::Unreadable("cannot read /proc/net/tcp: it is a FIFO, not a regular file".into());
    assert_eq!(
        in_use(&gateway(4448), unreadable),
        format!("{HEAD}; the holder is unknown: cannot read /proc/net/tcp: it is a FIFO, not a regular file")
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_holder_gone_from_the_table_is_not_found_not_invented() {
    assert_eq!(
        in_use(&gateway(4448), Holders::NotFound { warnings: vec![] }),
        format!("{HEAD}, but the socket table shows no listener on it now (its holder may have exited)")
    );
}

#[test]
fn the_registry_owner_of_the_port_is_named_when_another_service() {
    let mut endpoint = Endpoint::new("my-proxy", "127.0.0.1", 4410);
    endpoint.registered_to = Some(PortOwner { id: "zero-gateway".into(), name: "Zero Gateway".into() });
    let found =
        Holders::Found { sockets: vec![socket("127.0.0.1", 4410, Some((42, "zero-gateway")))], warnings: vec![] };
    assert_eq!(
        in_use(&endpoint, found),
        "cannot bind 127.0.0.1:4410 (my-proxy, registry default): address in use, held by zero-gateway (pid 42); the registry gives port 4410 to `zero-gateway` (Zero Gateway)"
    );
}

#[test]
fn a_hand_written_service_on_a_registered_port_learns_the_registry_owner() {
    struct MyProxy;
    impl Service for MyProxy {
        const ID: &'static str = "my-proxy";
        const NAME: &'static str = "My Proxy";
        const PORT: u16 = 4410;
        const GROUP: &'static str = "rust";
    }
    let endpoint = Resolver::new().resolve::<MyProxy>().unwrap();
    assert_eq!(endpoint.registered_to, Some(PortOwner { id: "zero-gateway".into(), name: "Zero Gateway".into() }));
    let own = Resolver::new().resolve_id(crate::Registry::embedded(), "zero-gateway").unwrap();
    assert_eq!(own.registered_to, None);
}

#[test]
fn other_failures_keep_the_io_error_and_name_where_the_endpoint_came_from() {
    let mut endpoint = Endpoint::new("zero-gateway", "localhost", 4410);
    endpoint.host_source = Source::Config { file: PathBuf::from("cfg.json"), key: "gateway.host".into() };
    let addr: SocketAddr = "127.0.0.1:4410".parse().unwrap();
    let error = BindError::new(
        &endpoint,
        Some(addr),
        io::Error::new(ErrorKind::AddrNotAvailable, "cannot assign requested address"),
        Holders::NotAsked,
    );
    assert_eq!(
        error.to_string(),
        "cannot bind localhost:4410 (zero-gateway, registry default port, host from cfg.json: gateway.host, resolved to 127.0.0.1): cannot assign requested address"
    );
    assert_eq!(error.kind(), ErrorKind::AddrNotAvailable);
    assert!(error.holders().is_empty());
    assert_eq!(std::error::Error::source(&error).unwrap().to_string(), "cannot assign requested address");
    let io: io::Error = error.into();
    assert_eq!(io.kind(), ErrorKind::AddrNotAvailable);
    assert!(io.to_string().starts_with("cannot bind localhost:4410 (zero-gateway,"), "{io}");
}

#[test]
fn control_characters_in_a_path_or_a_process_name_are_escaped() {
    let mut endpoint = gateway(4448);
    endpoint.source = Source::Config { file: PathBuf::from("evil\n\u{1b}[2J.json"), key: "gateway.port".into() };
    let found = Holders::Found { sockets: vec![socket("127.0.0.1", 4448, Some((5, "x\u{1b}[31m")))], warnings: vec![] };
    let text = in_use(&endpoint, found);
    assert!(!text.chars().any(char::is_control), "{text:?}");
    assert!(
        text.contains("port from evil\\u{a}\\u{1b}[2J.json: gateway.port") && text.contains("x\\u{1b}[31m (pid 5)"),
        "{text}"
    );
}

#[test]
fn a_refused_connect_says_nothing_listens_there() {
    let endpoint = Endpoint::new("zero-gateway", "127.0.0.1", 4410);
    let refused = ConnectError::new(&endpoint, io::Error::from(ErrorKind::ConnectionRefused));
    assert_eq!(refused.to_string(), "nothing listens on 127.0.0.1:4410 (zero-gateway, registry default)");
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
    let timeout = ConnectError::new(&gateway(4448), io::Error::new(ErrorKind::TimedOut, "connection timed out"));
    assert_eq!(
        timeout.to_string(),
        "cannot connect to 127.0.0.1:4448 (zero-gateway, port from GATEWAY_PORT=4448 (env)): connection timed out"
    );
    assert_eq!(timeout.io_error().kind(), ErrorKind::TimedOut);
    assert_eq!(timeout.endpoint().port, 4448);
}
