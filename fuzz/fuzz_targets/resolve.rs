//! Config text and env values → resolution of every service of the embedded registry: never a
//! panic; every error names its culprit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ports_core::{Registry, Resolver};

fuzz_target!(|data: &[u8]| {
    let (env, config) = data.split_at(data.len().min(8));
    let env = String::from_utf8_lossy(env).into_owned();
    let config = String::from_utf8_lossy(config).into_owned();
    let resolver = Resolver::new()
        .env("GATEWAY_PORT", env.clone())
        .env("CHANNELS_PORT", env)
        .config_json("config.json", config);
    for resolved in resolver.resolve_all(Registry::embedded()) {
        match resolved.result {
            Ok(endpoint) => {
                let _ = endpoint.to_string();
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
});
