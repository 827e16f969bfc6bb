// Two attributes, one registry error: the file is reported once.
#[ports_macros::service(port = 7000, group = "web")]
pub struct Storefront;

#[ports_macros::service(port = 7010, group = "jobs")]
pub struct Mailer;

fn main() {
    use ports_core::Service;
    let _ = Storefront::PORT + Mailer::PORT;
}
