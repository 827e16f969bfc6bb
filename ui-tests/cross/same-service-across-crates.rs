// Two types from two crates that both claim `zero-channels`.
ports_macros::ports! {
    struct Ports {
        channels: ports_tests::ZeroChannels,
        channels_again: ports_ui_other::ZeroChannels,
    }
}

fn main() {}
