// A comma left out between two arguments: one error, at the argument after the gap — not a bad
// `group` value and a missing `port`.
#[ports_macros::service(group = "rust" port = 4411)]
pub struct ZeroChannels;

fn main() {}
