//! Reading a registry: text → model (with line:column on errors) → validated registry.

use std::path::Path;
use std::str::FromStr;

use crate::error::RegistryError;
use crate::model::Registry;

impl Registry {
    /// Parses and validates a registry from JSON text.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Syntax`] (with line:column and the path inside the document) when the
    /// text is not a registry, [`RegistryError::Invalid`] with every broken rule otherwise.
    ///
    /// ```
    /// let err = ports_core::Registry::parse(r#"{ "name": "x", "block": 5 }"#).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "registry:1:25: at `block`: invalid type: integer `5`, expected struct Block",
    /// );
    /// ```
    pub fn parse(json: &str) -> Result<Registry, RegistryError> {
        let registry = Registry::parse_unvalidated(json)?;
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
        let text =
            std::fs::read_to_string(path).map_err(|source| RegistryError::Io { path: path.to_owned(), source })?;
        Registry::parse(&text).map_err(|e| e.with_path(path))
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

fn syntax_error(mut at: String, inner: &serde_json::Error) -> RegistryError {
    // serde_path_to_error writes `?` for a segment it could not name (mid-token syntax errors).
    while at.ends_with(".?") {
        at.truncate(at.len() - 2);
    }
    if at == "?" {
        at.clear();
    }
    let (line, column) = (inner.line(), inner.column());
    let full = inner.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    RegistryError::Syntax { path: None, at, line, column, message }
}
