// The id derived from `Größe` is not an ASCII kebab-case id: one error, on the type name,
// saying where the id came from and how to choose one.
#[ports_macros::service(port = 4413, group = "rust")]
pub struct Größe;

fn main() {}
