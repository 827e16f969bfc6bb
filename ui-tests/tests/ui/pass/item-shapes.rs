// Every item shape the attribute accepts, under #![deny(warnings)].
#![deny(warnings)]
#![allow(dead_code)]

use std::marker::PhantomData;

use ports_core::Service;
use ports_macros::service;

#[service(port = 4410, group = "rust")]
pub struct ZeroGateway;

#[service(port = 4411, group = "rust")]
pub struct ZeroChannels(pub u8, String);

#[service(port = 4412, group = "rust")]
#[derive(Debug, Clone)]
pub struct ZeroWorkflow {
    hooks: Vec<String>,
}

#[service(port = 4400, group = "core")]
pub enum CodecoderApi {
    Http,
    Grpc { port: u16 },
}

#[service(port = 4401, group = "core", id = "web-frontend")]
pub struct Frontend<'a, T: Clone, const N: usize>
where
    T: Default,
{
    pages: &'a [T; N],
}

#[service(port = 4402, group = "core", id = "zero-daemon")]
struct Daemon<T>(PhantomData<T>);

#[allow(non_camel_case_types)]
#[service(port = 4403, group = "core")]
struct r#WhisperStt;

#[service(port = 4420, group = "protocol")]
enum McpServer {}

fn main() {
    assert_eq!(ZeroGateway::ID, "zero-gateway");
    assert_eq!(ZeroGateway::NAME, "Zero Gateway");
    assert_eq!(ZeroGateway::GROUP, "rust");
    assert_eq!(ZeroGateway::ENV, Some("GATEWAY_PORT"));
    assert_eq!(ZeroGateway::CONFIG, Some("gateway"));
    assert_eq!(ZeroGateway::HOST, "127.0.0.1");
    assert_eq!(ZeroChannels::PORT, 4411);
    assert_eq!(ZeroWorkflow::CONFIG, Some("workflow.webhook"));
    assert_eq!(CodecoderApi::ENV, None);
    assert_eq!(<Frontend<'static, u8, 3> as Service>::ID, "web-frontend");
    assert_eq!(<Daemon<String> as Service>::PORT, 4402);
    assert_eq!(WhisperStt::ID, "whisper-stt");
    assert_eq!(McpServer::NAME, "MCP Server (HTTP)");
    let _ = ZeroWorkflow { hooks: Vec::new() }.clone();
}
