//! `Endpoint::bind` and `connect` against real sockets (issue 18): a port held by another
//! process (python3) is named with its pid and name, for the std and the tokio bind, on the
//! same address and on the wildcards; a free port binds; a refused connect says nothing listens
//! there; where the host came from; the app's serde config agrees with the resolver.

use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, TcpListener};

use ports_core::{Endpoint, Registry, Resolver, Source};

/// A registry port resolved from `GATEWAY_PORT`, so that messages name the env var.
fn gateway_on(port: u16) -> Endpoint {
    Resolver::new().env("GATEWAY_PORT", port.to_string()).resolve_id(Registry::embedded(), "zero-gateway").unwrap()
}

/// A listener on `ip` and a free test port: leased (the lease probes every local address),
/// released, bound again on `ip`; tried again if another test took the port in between.
fn listener_on(ip: IpAddr) -> TcpListener {
    let mut last = None;
    for _ in 0..20 {
        let lease = ports_core::lease_test_port().unwrap();
        let port = lease.local_addr().unwrap().port();
        drop(lease);
        match TcpListener::bind((ip, port)) {
            Ok(listener) => return listener,
            Err(e) => last = Some(e),
        }
    }
    panic!("no test port could be bound on {ip}: {last:?}");
}

#[cfg(target_os = "linux")]
fn ipv6() -> bool {
    TcpListener::bind((std::net::Ipv6Addr::LOCALHOST, 0)).is_ok()
}

/// Another process (python3) holding a listening socket that this process made and gave away:
/// the socket is its stdin, so there is no moment when the port is free. Killed on drop.
#[cfg(target_os = "linux")]
struct Holder {
    child: std::process::Child,
    port: u16,
}

#[cfg(target_os = "linux")]
impl Holder {
    fn new(listener: TcpListener) -> Holder {
        use std::io::{BufRead, BufReader};
        use std::os::fd::OwnedFd;
        use std::process::{Command, Stdio};
        let port = listener.local_addr().unwrap().port();
        let mut command = Command::new("python3");
        command
            .args([
                "-c",
                "import socket, time\ns = socket.socket(fileno=0)\nprint('ready', flush=True)\ntime.sleep(600)",
            ])
            .stdin(Stdio::from(OwnedFd::from(listener)))
            .stdout(Stdio::piped());
        let mut child = command.spawn().expect("python3 is needed for this test");
        // The command owns this process's copy of the socket: gone with it.
        drop(command);
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line, "ready\n", "python3 did not start");
        Holder { child, port }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

#[cfg(target_os = "linux")]
impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_port_held_by_another_process_names_its_pid_and_name() {
    let holder = Holder::new(listener_on(Ipv4Addr::LOCALHOST.into()));
    let port = holder.port;
    let err = gateway_on(port).bind().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
    assert_eq!(err.io_error().kind(), ErrorKind::AddrInUse);
    assert_eq!(
        err.to_string(),
        format!(
            "cannot bind 127.0.0.1:{port} (zero-gateway, port from GATEWAY_PORT={port} (env)): address in use, held by python3 (pid {})",
            holder.pid()
        )
    );
    assert_eq!(err.holders().len(), 1);
    assert_eq!(err.holders()[0].owner.as_ref().map(|o| (o.pid, o.name.as_str())), Some((holder.pid(), "python3")));
    assert_eq!(err.endpoint().port, port);
    assert!(std::error::Error::source(&err).is_some());
}

#[cfg(target_os = "linux")]
#[test]
fn wildcard_holders_of_either_family_are_named_with_their_address() {
    let holder = Holder::new(listener_on(Ipv4Addr::UNSPECIFIED.into()));
    let (port, pid) = (holder.port, holder.pid());
    let err = gateway_on(port).bind().unwrap_err();
    assert!(
        err.to_string().ends_with(&format!("address in use, held by python3 (pid {pid}, on 0.0.0.0:{port})")),
        "{err}"
    );
    // A wildcard endpoint is kept from binding by a specific holder too.
    let mut wildcard = gateway_on(port);
    wildcard.host = "0.0.0.0".into();
    assert!(wildcard.bind().unwrap_err().to_string().contains(&format!("held by python3 (pid {pid})")));
    drop(holder);

    if !ipv6() {
        eprintln!("note: no IPv6 on this machine; the [::] holder is not tried");
        return;
    }
    // `[::]` without IPV6_V6ONLY (Linux's default): the IPv4 port is held too.
    let holder = Holder::new(listener_on(std::net::Ipv6Addr::UNSPECIFIED.into()));
    let (port, pid) = (holder.port, holder.pid());
    let err = gateway_on(port).bind().unwrap_err();
    assert!(err.to_string().ends_with(&format!("held by python3 (pid {pid}, on [::]:{port})")), "{err}");
}

#[cfg(all(target_os = "linux", feature = "tokio"))]
#[test]
fn the_tokio_bind_names_the_holder_too() {
    let holder = Holder::new(listener_on(Ipv4Addr::LOCALHOST.into()));
    let (port, pid) = (holder.port, holder.pid());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let err = runtime.block_on(gateway_on(port).bind_tokio()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
    assert_eq!(
        err.to_string(),
        format!(
            "cannot bind 127.0.0.1:{port} (zero-gateway, port from GATEWAY_PORT={port} (env)): address in use, held by python3 (pid {pid})"
        )
    );
}

#[cfg(feature = "tokio")]
#[test]
fn the_tokio_calls_bind_and_connect_and_say_so_outside_a_runtime() {
    fn send<T: Send>(value: T) -> T {
        value
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let port = listener_on(Ipv4Addr::LOCALHOST.into()).local_addr().unwrap().port();
    let endpoint = Endpoint::new("zero-gateway", "127.0.0.1", port);
    runtime.block_on(async {
        // Both futures are Send: a service can bind inside `tokio::spawn`.
        let listener = match send(endpoint.bind_tokio()).await {
            Ok(listener) => listener,
            // Taken again between the lease and this bind: nothing to test this time.
            Err(e) if e.kind() == ErrorKind::AddrInUse => return,
            Err(e) => panic!("{e}"),
        };
        let stream = send(endpoint.connect_tokio()).await.unwrap();
        assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
    });
    // Polled by something other than tokio: an error, not tokio's panic.
    use std::future::Future;
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut bind = std::pin::pin!(endpoint.bind_tokio());
    let std::task::Poll::Ready(Err(err)) = bind.as_mut().poll(&mut cx) else { panic!("expected an error at once") };
    assert!(
        err.to_string()
            .ends_with("needs a running tokio runtime (call this inside #[tokio::test], or an async fn run by tokio)"),
        "{err}"
    );
}

#[test]
fn a_free_port_binds_and_then_connects() {
    for _ in 0..20 {
        let port = listener_on(Ipv4Addr::LOCALHOST.into()).local_addr().unwrap().port();
        let endpoint = gateway_on(port);
        let listener = match endpoint.bind() {
            Ok(listener) => listener,
            Err(e) if e.kind() == ErrorKind::AddrInUse => continue, // another test took it
            Err(e) => panic!("{e}"),
        };
        assert_eq!(listener.local_addr().unwrap(), endpoint.socket_addr().unwrap());
        let stream = endpoint.connect().unwrap();
        assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
        return;
    }
    panic!("no free test port bound in 20 tries");
}

#[test]
fn a_refused_connect_says_nothing_listens_there() {
    for _ in 0..20 {
        let port = listener_on(Ipv4Addr::LOCALHOST.into()).local_addr().unwrap().port();
        let err = match Endpoint::new("zero-gateway", "127.0.0.1", port).connect() {
            Ok(_) => continue, // another test listens there now
            Err(err) => err,
        };
        assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
        assert_eq!(err.to_string(), format!("nothing listens on 127.0.0.1:{port} (zero-gateway, registry default)"));
        let err = gateway_on(port).connect().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("nothing listens on 127.0.0.1:{port} (zero-gateway, port from GATEWAY_PORT={port} (env))")
        );
        return;
    }
    panic!("every try found a listener");
}

#[test]
fn a_host_that_resolves_to_nothing_is_a_bind_error_naming_it() {
    let mut endpoint = Endpoint::new("zero-gateway", "no-such-host.invalid", 4410);
    endpoint.host_source = Source::Config { file: "cfg.json".into(), key: "gateway.host".into() };
    let err = endpoint.bind().unwrap_err();
    assert!(
        err.to_string().starts_with(
            "cannot bind no-such-host.invalid:4410 (zero-gateway, registry default port, host from cfg.json: gateway.host): "
        ),
        "{err}"
    );
    assert!(err.addr().is_none() && err.holders().is_empty());
    assert!(endpoint.connect().unwrap_err().to_string().starts_with("cannot connect to no-such-host.invalid:4410 ("));
}

#[test]
fn the_host_source_names_the_config_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.json");
    std::fs::write(&file, r#"{ "gateway": { "host": "0.0.0.0" }, "workflow": { "webhook": { "port": 5412 } } }"#)
        .unwrap();
    let resolver = Resolver::new().config_file(&file);
    let gateway = resolver.resolve_id(Registry::embedded(), "zero-gateway").unwrap();
    assert_eq!(gateway.host, "0.0.0.0");
    assert_eq!(gateway.host_source, Source::Config { file: file.clone(), key: "gateway.host".into() });
    assert_eq!(gateway.host_source.to_string(), format!("{}: gateway.host", file.display()));
    assert_eq!(gateway.source, Source::Default);
    assert_eq!(gateway.service, "zero-gateway");
    // No host in the file: the default, and its source says so.
    let workflow = resolver.resolve_id(Registry::embedded(), "zero-workflow").unwrap();
    assert_eq!((workflow.host.as_str(), &workflow.host_source), ("127.0.0.1", &Source::Default));
    // resolve_all agrees.
    let all = resolver.resolve_all(Registry::embedded());
    let resolved = all.iter().find(|r| r.service.id == "zero-gateway").unwrap();
    assert_eq!(resolved.result.as_ref().unwrap().host_source, gateway.host_source);
}

#[test]
fn a_numeric_last_label_is_no_host() {
    for bad in ["999.1.1.1", "1.2.3", "4410", "example.123"] {
        let config = serde_json::json!({ "gateway": { "host": bad } });
        let err = Resolver::new().config_value("cfg.json", config).resolve_id(Registry::embedded(), "zero-gateway");
        assert!(
            matches!(&err, Err(ports_core::ResolveError::ConfigType { key, .. }) if key == "gateway.host"),
            "{bad}: {err:?}"
        );
    }
    let config = serde_json::json!({ "gateway": { "host": "10.1.2.3" } });
    assert!(Resolver::new().config_value("cfg.json", config).resolve_id(Registry::embedded(), "zero-gateway").is_ok());
}
