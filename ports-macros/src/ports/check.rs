//! What `ports!` checks itself: the registry ids (pairs involving a type are left to the
//! compiler's const evaluation, see `expand`).

use std::collections::HashMap;

use super::parse::{Field, Input, Kind};
use crate::ctxt::Ctxt;
use crate::registry::Loaded;

/// Registry ids are checked here: an unknown id (with the closest), and two id fields that are
/// the same service (two different ids never share a port: the registry was validated). Returns
/// the (id, port) of each known id field, by index.
pub(super) fn check_ids(input: &Input, loaded: &Loaded, cx: &mut Ctxt) -> HashMap<usize, (String, u16)> {
    let mut known = HashMap::new();
    let mut by_id: HashMap<String, &Field> = HashMap::new();
    let struct_name = input.name.to_string();
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
            // ports-core's one wording, the same as the const check of pairs involving a type.
            let clash = ports_core::__private::field_clash(
                [&first.name.to_string(), &first.describe()],
                [&field.name.to_string(), &field.describe()],
                &struct_name,
                Some(&id),
                entry.port,
            );
            cx.error_spanned(lit, clash.as_str());
        } else {
            by_id.insert(id.clone(), field);
        }
        known.insert(i, (id, entry.port));
    }
    known
}
