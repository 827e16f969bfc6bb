//! The formats for CI: SARIF 2.1.0 (code-scanning tools: GitHub code scanning, GitLab, Azure
//! DevOps) and GitHub Actions workflow commands (annotations on the pull request). Both stream:
//! each finding's message is written when it is printed.

use std::io::{self, Write};

use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use serde_json::json;

use super::classify::Kind;
use super::names::Index;
use super::ScanReport;

/// The SARIF level of a kind: `error` for problems, `note` for suggestions.
#[must_use]
pub fn sarif_level(kind: Kind) -> &'static str {
    if kind.is_problem() {
        "error"
    } else {
        "note"
    }
}

/// A path as a relative URI reference: every byte but the unreserved ones and `/`
/// percent-encoded.
#[must_use]
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

struct Results<'a>(&'a ScanReport, &'a Index<'a>);

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (report, index) = (self.0, self.1);
        let mut seq = serializer.serialize_seq(Some(report.count(None)))?;
        for (file, f) in report.findings() {
            let mut message = f.message(index);
            if let Some(suggestion) = f.suggestion(index, file.style) {
                message.push_str(&format!(" (use {suggestion})"));
            }
            let rule = Kind::ALL.iter().position(|k| *k == f.kind).unwrap_or(0);
            seq.serialize_element(&json!({
                "ruleId": f.kind.as_str(),
                "ruleIndex": rule,
                "level": sarif_level(f.kind),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&file.path), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": f.line, "startColumn": f.column }
                    }
                }],
                "properties": { "port": f.port, "service": f.service(index) }
            }))?;
        }
        seq.end()
    }
}

/// Writes the report as one SARIF 2.1.0 log with one run.
///
/// # Errors
///
/// A write error.
pub fn sarif(report: &ScanReport, index: &Index<'_>, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<serde_json::Value> = Kind::ALL
        .iter()
        .map(|kind| {
            json!({
                "id": kind.as_str(),
                "shortDescription": { "text": kind.description() },
                "defaultConfiguration": { "level": sarif_level(*kind) },
                "helpUri": "https://github.com/codecoder/ports#scanning-a-repository"
            })
        })
        .collect();
    let mut root = report.root.display().to_string().replace('\\', "/");
    if !root.ends_with('/') {
        root.push('/');
    }
    let root_uri =
        if root.starts_with('/') { format!("file://{}", uri(&root)) } else { format!("file:///{}", uri(&root)) };
    let notifications: Vec<serde_json::Value> =
        report.warnings.iter().map(|w| json!({ "level": "warning", "message": { "text": w } })).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ports",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/codecoder/ports",
                    "rules": rules
                }
            },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri } },
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": !report.incomplete,
                "toolExecutionNotifications": notifications
            }],
            "results": []
        }]
    });
    // The log with its results streamed in: everything before `"results": []`, the results,
    // and everything after.
    let text = serde_json::to_string_pretty(&log).map_err(io::Error::other)?;
    let marker = "\"results\": []";
    let at = text.find(marker).ok_or_else(|| io::Error::other("SARIF template"))?;
    out.write_all(&text.as_bytes()[..at])?;
    out.write_all(b"\"results\": ")?;
    serde_json::to_writer(&mut *out, &Results(report, index)).map_err(io::Error::other)?;
    out.write_all(&text.as_bytes()[at + marker.len()..])?;
    out.write_all(b"\n")
}

/// A workflow command's data: `%`, CR and LF escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: as data, and `:` and `,` too.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Writes the report as GitHub Actions workflow commands: `::error` for problems, `::notice`
/// for suggestions, `::warning` for files not read; then the summary line.
///
/// # Errors
///
/// A write error.
pub fn github(report: &ScanReport, index: &Index<'_>, out: &mut dyn Write) -> io::Result<()> {
    for (file, f) in report.findings() {
        let command = if report.is_problem(f.kind) { "error" } else { "notice" };
        let mut message = f.message(index);
        if let Some(suggestion) = f.suggestion(index, file.style) {
            message.push_str(&format!(" (use {suggestion})"));
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&file.path),
            f.line,
            f.column,
            escape_property(&format!("ports scan: {}", f.kind)),
            escape_data(&message)
        )?;
    }
    for warning in &report.warnings {
        writeln!(out, "::warning title=ports scan::{}", escape_data(warning))?;
    }
    writeln!(
        out,
        "{} files scanned: {} unregistered, {} mismatch, {} hard-coded",
        report.files_scanned,
        report.count(Some(Kind::Unregistered)),
        report.count(Some(Kind::Mismatch)),
        report.count(Some(Kind::HardCoded)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_is_not_a_path_character() {
        assert_eq!(uri("docs/a b.md"), "docs/a%20b.md");
        assert_eq!(uri("src/é#.rs"), "src/%C3%A9%23.rs");
    }

    #[test]
    fn workflow_commands_escape_their_separators() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("a:b,c%\r\n"), "a:b,c%25%0D%0A");
    }
}
