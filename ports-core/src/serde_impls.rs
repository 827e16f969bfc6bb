//! `Serialize` and `Deserialize` for the registry model, written against `serde_core` rather
//! than derived: a consumer of ports-core then builds no `serde_derive`, which keeps its clean
//! build within a quarter of a serde + serde_json consumer's (bench/build-time.py).
//!
//! The behaviour is what `#[derive]` with `deny_unknown_fields` gives: fields in model order,
//! absent optional fields skipped, unknown and duplicate fields rejected by name.

use std::fmt;

use serde_core::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_core::ser::{Serialize, SerializeStruct, Serializer};

use crate::model::{Block, Group, Registry, ServiceEntry};

/// Whether an optional field is left out when serializing.
trait Skip {
    fn skip(&self) -> bool;
}

impl<T> Skip for Option<T> {
    fn skip(&self) -> bool {
        self.is_none()
    }
}

impl<T> Skip for Vec<T> {
    fn skip(&self) -> bool {
        false
    }
}

/// Both impls for a struct: `required` fields must be present, `optional` ones default.
macro_rules! model_serde {
    ($ty:ident, $name:literal { $($req:ident: $rkey:literal),* $(,)? } optional { $($opt:ident: $okey:literal),* $(,)? }) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut st = serializer.serialize_struct($name, [$($rkey,)* $($okey,)*].len())?;
                // Model order: the optional `$schema` of a registry comes first.
                $(
                    if $okey == "$schema" && !Skip::skip(&self.$opt) {
                        st.serialize_field($okey, &self.$opt)?;
                    }
                )*
                $( st.serialize_field($rkey, &self.$req)?; )*
                $(
                    if $okey != "$schema" && !Skip::skip(&self.$opt) {
                        st.serialize_field($okey, &self.$opt)?;
                    }
                )*
                st.end()
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                const FIELDS: &[&str] = &[$($rkey,)* $($okey,)*];

                struct ModelVisitor;

                impl<'de> Visitor<'de> for ModelVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("struct ", $name))
                    }

                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        $( let mut $req = None; )*
                        $( let mut $opt = None; )*
                        while let Some(key) = map.next_key::<String>()? {
                            match key.as_str() {
                                $(
                                    $rkey => {
                                        if $req.is_some() {
                                            return Err(de::Error::duplicate_field($rkey));
                                        }
                                        $req = Some(map.next_value()?);
                                    }
                                )*
                                $(
                                    $okey => {
                                        if $opt.is_some() {
                                            return Err(de::Error::duplicate_field($okey));
                                        }
                                        $opt = Some(map.next_value()?);
                                    }
                                )*
                                other => return Err(de::Error::unknown_field(other, FIELDS)),
                            }
                        }
                        Ok($ty {
                            $( $req: $req.ok_or_else(|| de::Error::missing_field($rkey))?, )*
                            $( $opt: $opt.unwrap_or_default(), )*
                        })
                    }
                }

                deserializer.deserialize_struct($name, FIELDS, ModelVisitor)
            }
        }
    };
}

model_serde!(Registry, "Registry" { name: "name", block: "block", groups: "groups" } optional { schema: "$schema", services: "services" });
model_serde!(Block, "Block" { start: "start", end: "end" } optional {});
model_serde!(Group, "Group" { id: "id", start: "start", end: "end", title: "title" } optional { reserved: "reserved" });
model_serde!(
    ServiceEntry,
    "ServiceEntry" { port: "port", id: "id", name: "name", group: "group" }
    optional { description: "description", stack: "stack", protocol: "protocol", env: "env", config: "config" }
);
