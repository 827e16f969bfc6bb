//! Reading a registry: text → model (with line:column on errors) → validated registry.

use std::path::Path;
use std::str::FromStr;

use crate::error::RegistryError;
use crate::file::{self, ReadError, REGISTRY_LIMIT};
use crate::model::Registry;

impl Registry {
    /// Parses and validates a registry from JSON text.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Syntax`] (with line:column and the path inside the document) when the
    /// text is not JSON, or has one value of the wrong shape and nothing else wrong;
    /// [`RegistryError::Invalid`] with every problem otherwise: each value of the wrong shape
    /// ([`Problem::Shape`](crate::Problem::Shape), `"port": 70000`) and each broken rule.
    ///
    /// ```
    /// let err = ports_core::Registry::parse(r#"{ "name": "x", "block": 5 }"#).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "registry:1:25: at `block`: invalid type: integer `5`, expected struct Block",
    /// );
    /// ```
    pub fn parse(json: &str) -> Result<Registry, RegistryError> {
        let registry =
            Registry::parse_unvalidated(json).map_err(|first| crate::shape::every_problem(without_bom(json), first))?;
        registry.validate()?;
        Ok(registry)
    }

    /// Parses a registry from JSON text without checking its rules (for tools that report
    /// problems themselves, such as `ports check`).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Syntax`] when the text is not a registry.
    pub fn parse_unvalidated(json: &str) -> Result<Registry, RegistryError> {
        let json = without_bom(json);
        let mut de = serde_json::Deserializer::from_str(json);
        let registry: Registry =
            serde_path_to_error::deserialize(&mut de).map_err(|e| syntax_error(e.path().to_string(), e.inner()))?;
        de.end().map_err(|e| syntax_error(String::new(), &e))?;
        Ok(registry)
    }

    /// Reads, parses and validates the registry file at `path`.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Io`] when the file cannot be read; otherwise as [`Registry::parse`],
    /// naming the file.
    pub fn load(path: impl AsRef<Path>) -> Result<Registry, RegistryError> {
        let path = path.as_ref();
        let text = Registry::read_text(path)?;
        Registry::parse(&text).map_err(|e| e.with_path(path))
    }

    /// The text of the registry file at `path`, read as every caller reads it: a regular file
    /// only (a FIFO or `/dev/zero` is refused, never read), at most [`REGISTRY_LIMIT`] bytes,
    /// UTF-8 with a leading BOM accepted.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Io`] when the file cannot be read (the message says why: missing, not a
    /// regular file, too large), [`RegistryError::Encoding`] when it is not UTF-8.
    pub fn read_text(path: &Path) -> Result<String, RegistryError> {
        file::read_text(path, REGISTRY_LIMIT).map_err(|e| match e {
            ReadError::Io(source) => RegistryError::Io { path: path.to_owned(), source },
            ReadError::NotUtf8 { offset } => RegistryError::Encoding { path: Some(path.to_owned()), offset },
            other => RegistryError::Io { path: path.to_owned(), source: std::io::Error::other(other.to_string()) },
        })
    }

    /// Checks every rule; `Err` holds every problem found.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Invalid`] listing each broken rule.
    pub fn validate(&self) -> Result<(), RegistryError> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(RegistryError::Invalid { path: None, problems })
        }
    }
}

impl FromStr for Registry {
    type Err = RegistryError;

    /// Same as [`Registry::parse`].
    fn from_str(json: &str) -> Result<Self, Self::Err> {
        Registry::parse(json)
    }
}

/// The text after a leading byte-order mark, which some editors write and JSON does not allow.
fn without_bom(json: &str) -> &str {
    json.strip_prefix('\u{feff}').unwrap_or(json)
}

fn syntax_error(mut at: String, inner: &serde_json::Error) -> RegistryError {
    // serde_path_to_error writes `?` for a segment it could not name (mid-token syntax errors).
    while at.ends_with(".?") {
        at.truncate(at.len() - 2);
    }
    if at == "?" {
        at.clear();
    }
    let (line, column, message) = json_position(inner);
    RegistryError::Syntax { path: None, at, line, column, message }
}

/// serde_json's line, column and message, the message without its " at line L column C" tail
/// (the caller writes `file:L:C:` in front instead).
pub(crate) fn json_position(error: &serde_json::Error) -> (usize, usize, String) {
    let (line, column) = (error.line(), error.column());
    let full = error.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    (line, column, message)
}
