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

/// A service's `env` or `config`: one name, or an array of names (the canonical one first,
/// then the aliases). Written as a string when there are no aliases.
struct Names<'a>(&'a Option<String>, &'a [String]);

impl Serialize for Names<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde_core::ser::SerializeSeq;
        match (self.0, self.1) {
            (Some(first), []) => serializer.serialize_str(first),
            (first, rest) => {
                let mut seq = serializer.serialize_seq(Some(usize::from(first.is_some()) + rest.len()))?;
                for name in first.iter().chain(rest) {
                    seq.serialize_element(name)?;
                }
                seq.end()
            }
        }
    }
}

/// The names read back: the canonical one and the aliases.
struct NamesDe(String, Vec<String>);

impl<'de> Deserialize<'de> for NamesDe {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamesVisitor;

        impl<'de> Visitor<'de> for NamesVisitor {
            type Value = NamesDe;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name or a non-empty array of names")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<NamesDe, E> {
                Ok(NamesDe(v.to_owned(), Vec::new()))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<NamesDe, A::Error> {
                let Some(first) = seq.next_element::<String>()? else {
                    return Err(de::Error::invalid_length(0, &self));
                };
                let mut rest = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    rest.push(name);
                }
                Ok(NamesDe(first, rest))
            }
        }

        deserializer.deserialize_any(NamesVisitor)
    }
}

/// A service's port as read: any integer is understood, and one outside 0-65535 is named in
/// the error with the rule it breaks (port 0 passes here and is a rule problem of its own).
struct PortDe(u16);

impl<'de> Deserialize<'de> for PortDe {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PortVisitor;

        impl Visitor<'_> for PortVisitor {
            type Value = PortDe;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a port number (1-65535)")
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<PortDe, E> {
                u16::try_from(value)
                    .map(PortDe)
                    .map_err(|_| E::custom(format_args!("port {value} is not a port (1-65535)")))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<PortDe, E> {
                u16::try_from(value)
                    .map(PortDe)
                    .map_err(|_| E::custom(format_args!("port {value} is not a port (1-65535)")))
            }
        }

        deserializer.deserialize_u16(PortVisitor)
    }
}

const SERVICE_FIELDS: &[&str] = &["port", "id", "name", "group", "description", "stack", "protocol", "env", "config"];

impl Serialize for ServiceEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut st = serializer.serialize_struct("ServiceEntry", SERVICE_FIELDS.len())?;
        st.serialize_field("port", &self.port)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("group", &self.group)?;
        for (key, value) in [("description", &self.description), ("stack", &self.stack), ("protocol", &self.protocol)] {
            if let Some(value) = value {
                st.serialize_field(key, value)?;
            }
        }
        if self.env.is_some() || !self.env_aliases.is_empty() {
            st.serialize_field("env", &Names(&self.env, &self.env_aliases))?;
        }
        if self.config.is_some() || !self.config_aliases.is_empty() {
            st.serialize_field("config", &Names(&self.config, &self.config_aliases))?;
        }
        st.end()
    }
}

impl<'de> Deserialize<'de> for ServiceEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;

        fn set<T, E: de::Error>(slot: &mut Option<T>, key: &'static str, value: T) -> Result<(), E> {
            if slot.is_some() {
                return Err(E::duplicate_field(key));
            }
            *slot = Some(value);
            Ok(())
        }

        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = ServiceEntry;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct ServiceEntry")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServiceEntry, A::Error> {
                let (mut port, mut id, mut name, mut group) = (None, None, None, None);
                let (mut description, mut stack, mut protocol) = (None, None, None);
                let (mut env, mut config): (Option<NamesDe>, Option<NamesDe>) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "port" => set(&mut port, "port", map.next_value::<PortDe>()?.0)?,
                        "id" => set(&mut id, "id", map.next_value::<String>()?)?,
                        "name" => set(&mut name, "name", map.next_value::<String>()?)?,
                        "group" => set(&mut group, "group", map.next_value::<String>()?)?,
                        "description" => set(&mut description, "description", map.next_value::<String>()?)?,
                        "stack" => set(&mut stack, "stack", map.next_value::<String>()?)?,
                        "protocol" => set(&mut protocol, "protocol", map.next_value::<String>()?)?,
                        "env" => set(&mut env, "env", map.next_value::<NamesDe>()?)?,
                        "config" => set(&mut config, "config", map.next_value::<NamesDe>()?)?,
                        other => return Err(de::Error::unknown_field(other, SERVICE_FIELDS)),
                    }
                }
                let (env, env_aliases) = env.map_or((None, Vec::new()), |n| (Some(n.0), n.1));
                let (config, config_aliases) = config.map_or((None, Vec::new()), |n| (Some(n.0), n.1));
                Ok(ServiceEntry {
                    port: port.ok_or_else(|| de::Error::missing_field("port"))?,
                    id: id.ok_or_else(|| de::Error::missing_field("id"))?,
                    name: name.ok_or_else(|| de::Error::missing_field("name"))?,
                    group: group.ok_or_else(|| de::Error::missing_field("group"))?,
                    description,
                    stack,
                    protocol,
                    env,
                    env_aliases,
                    config,
                    config_aliases,
                })
            }
        }

        deserializer.deserialize_struct("ServiceEntry", SERVICE_FIELDS, EntryVisitor)
    }
}

impl Registry {
    /// The registry as JSON in its canonical layout: one key per line at the top level, one
    /// group or service per line, fields in model order, two-space indent, a final newline. This
    /// is how `ports init` and `ports add` write files, so that an added service is a one-line
    /// diff.
    ///
    /// ```
    /// let text = ports_core::Registry::embedded().to_json_pretty()?;
    /// assert_eq!(text, ports_core::Registry::EMBEDDED_JSON);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A value that does not serialize: none of the model's do, so an error here is a bug to
    /// report, not a registry to fix.
    pub fn to_json_pretty(&self) -> Result<String, serde_json::Error> {
        fn list<T: Serialize>(items: &[T]) -> Result<String, serde_json::Error> {
            if items.is_empty() {
                return Ok("[]".to_owned());
            }
            let lines = items.iter().map(|item| Ok(format!("    {}", line(item)?))).collect::<Result<Vec<_>, _>>()?;
            Ok(format!("[\n{}\n  ]", lines.join(",\n")))
        }
        let mut fields = Vec::new();
        if let Some(schema) = &self.schema {
            fields.push(format!("  \"$schema\": {}", line(schema)?));
        }
        fields.push(format!("  \"name\": {}", line(&self.name)?));
        fields.push(format!("  \"block\": {}", line(&self.block)?));
        fields.push(format!("  \"groups\": {}", list(&self.groups)?));
        fields.push(format!("  \"services\": {}", list(&self.services)?));
        Ok(format!("{{\n{}\n}}\n", fields.join(",\n")))
    }
}

/// `value` on one line, as the canonical layout writes a group or a service
/// (`{ "key": value, "key": value }`, arrays `["A", "B"]`).
pub(crate) fn line<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, Inline))?;
    String::from_utf8(out).map_err(serde_core::ser::Error::custom)
}

/// `{ "key": value, "key": value }` on one line: the layout of one group or service.
struct Inline;

impl serde_json::ser::Formatter for Inline {
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b"{ ")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b" }")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }
}
