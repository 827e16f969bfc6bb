//! Checking a `#[service]` claim against the registry in force: every rule is ports-core's; this
//! module only maps each problem to the token at fault and adds what the macro knows (where the
//! id came from, which registry is in force).

use heck::{ToKebabCase, ToTitleCase};
use ports_core::{Claim, ClaimError, ClaimField, ServiceEntry};
use proc_macro2::Span;
use syn::{DeriveInput, LitStr};

use super::parse::Args;
use crate::ctxt::Ctxt;
use crate::registry::Loaded;

/// The claim against the registry. The id, the group and the port are checked independently,
/// so that every problem of the attribute is reported at once.
pub(super) fn check<'r>(
    args: &Args,
    input: &DeriveInput,
    loaded: &'r Loaded,
    cx: &mut Ctxt,
) -> Option<&'r ServiceEntry> {
    let registry = loaded.registry;
    let type_name = syn::ext::IdentExt::unraw(&input.ident).to_string();
    let id = args.id.as_ref().map_or_else(|| type_name.to_kebab_case(), LitStr::value);
    let id_span = args.id.as_ref().map_or_else(|| input.ident.span(), LitStr::span);
    let derived = args.id.is_none();
    let report = |cx: &mut Ctxt, span: Span, error: &ClaimError| {
        let mut message = error.to_string();
        if derived && matches!(error, ClaimError::BadId { .. }) {
            message.push_str(&format!(
                " (the id comes from the type name `{type_name}`; write id = \"...\" to choose one)"
            ));
        }
        if let ClaimError::PortTaken { owner, .. } = error {
            message.push_str(&format!(", or write id = \"{owner}\" if this type is that service"));
        }
        if let ClaimError::Unregistered { .. } = error {
            message.push_str(&format!("\n  the registry in force is {}", loaded.label));
            if loaded.file.is_none() {
                message.push_str(
                    ", which cannot be edited: run `ports init` to write it as ports.json at the repository root (the nearest directory above the crate holding .git, else Cargo.lock), where every crate below finds it",
                );
            }
        }
        cx.error_at(span, message);
    };
    let (Some((port, port_lit)), Some(group)) = (&args.port, &args.group) else {
        // No usable port or group: check what can be checked alone.
        if let Some(group) = &args.group {
            if let Err(unknown) = registry.require_group(&group.value()) {
                report(cx, group.span(), &ClaimError::UnknownGroup(unknown));
            }
        }
        if !ports_core::is_kebab_id(&id) {
            report(cx, id_span, &ClaimError::BadId { id });
        }
        return None;
    };
    let name = type_name.to_title_case();
    let claim = Claim { id: &id, port: *port, group: &group.value(), name: &name };
    match registry.check_claim(&claim) {
        Ok(entry) => Some(entry),
        Err(errors) => {
            for error in &errors {
                let span = match error.field() {
                    ClaimField::Port => port_lit.span(),
                    ClaimField::Group => group.span(),
                    ClaimField::Id => id_span,
                };
                report(cx, span, error);
            }
            None
        }
    }
}
