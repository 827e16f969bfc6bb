#![deny(warnings)]

use ports_core::Service;

fn main() {
    #[ports_macros::service(port = 4440, group = "test")]
    struct McpIntegrationTest;

    ports_macros::ports! {
        struct TestPorts {
            mcp: McpIntegrationTest,
        }
    }

    assert_eq!(McpIntegrationTest::PORT, 4440);
    let ports = TestPorts::resolve_with(&ports_core::Resolver::new()).unwrap();
    assert_eq!(ports.mcp.port, 4440);
}
