//! What `ports!` checks itself: the registry ids (pairs involving a type are left to the
//! compiler's const evaluation, see `expand`).

use std::collections::HashMap;

use super::parse::{Field, Input, Kind};
use crate::ctxt::Ctxt;
use crate::registry::Loaded;

/// Registry ids are checked here: an unknown id (with the closest), and two id fields that are
/// the same service or share a port. Returns the (id, port) of each known id field, by index.
pub(super) fn check_ids(input: &Input, loaded: &Loaded, cx: &mut Ctxt) -> HashMap<usize, (String, u16)> {
    let mut known = HashMap::new();
    let mut by_id: HashMap<String, &Field> = HashMap::new();
    let mut by_port: HashMap<u16, &Field> = HashMap::new();
    for (i, field) in input.fields.iter().enumerate() {
        let Kind::Id(lit) = &field.kind else { continue };
        let id = lit.value();
        let entry = match loaded.registry.require_service(&id) {
            Ok(entry) => entry,
            Err(unknown) => {
                let text = unknown.to_string().replacen("the registry", &loaded.label, 1);
                cx.error_spanned(lit, text);
                continue;
            }
        };
        if let Some(first) = by_id.get(&id) {
            cx.error_spanned(
                lit,
                format!("fields `{}` and `{}` are the same service `{id}`; keep one of them", first.name, field.name),
            );
        } else if let Some(first) = by_port.get(&entry.port) {
            cx.error_spanned(lit, format!("fields `{}` and `{}` both use port {}", first.name, field.name, entry.port));
        } else {
            by_id.insert(id.clone(), field);
            by_port.insert(entry.port, field);
        }
        known.insert(i, (id, entry.port));
    }
    known
}
