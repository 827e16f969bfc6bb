//! The README's "Test ports" example, as a Zero crate would write it: lease a test port, serve on
//! the bound listener, point the gateway at it through a resolver built in code, and talk to it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use ports_core::{Resolver, Service};
use ports_tests::ZeroGateway;

/// A one-shot server: answers "pong" to one connection.
fn serve(listener: TcpListener) -> std::io::Result<()> {
    let (mut stream, _) = listener.accept()?;
    let mut ping = [0u8; 4];
    stream.read_exact(&mut ping)?;
    stream.write_all(if &ping == b"ping" { b"pong" } else { b"what" })
}

#[test]
fn gateway_answers_on_a_leased_test_port() -> Result<(), Box<dyn std::error::Error>> {
    let listener = match ports_core::lease_test_port() {
        Ok(listener) => listener,
        // Every test port of this machine is held by something else: nothing to test here.
        Err(ports_core::LeaseError::AllTaken { .. }) => return Ok(()),
        Err(other) => return Err(other.into()),
    };
    let port = listener.local_addr()?.port();
    assert!((4441..=4449).contains(&port));
    let server = std::thread::spawn(move || serve(listener));

    let resolver = Resolver::new().env("GATEWAY_PORT", port.to_string());
    let endpoint = ZeroGateway::resolve_with(&resolver)?;
    assert_eq!(endpoint.to_string(), format!("127.0.0.1:{port}"));

    let mut client = TcpStream::connect(&endpoint)?;
    client.write_all(b"ping")?;
    let mut answer = [0u8; 4];
    client.read_exact(&mut answer)?;
    assert_eq!(&answer, b"pong");
    server.join().expect("server thread")?;
    Ok(())
}
