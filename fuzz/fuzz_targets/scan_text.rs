//! `ports scan`'s reading of one file (lexer, attribution, `#[service]` claims, classifier):
//! never a panic on any text, in any file style, and every finding's message renders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ports_cli::scan::classify::{Finding, Style};
use ports_cli::scan::names::Index;
use ports_cli::scan::text::scan_text;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let registry = ports_core::Registry::embedded();
    let index = Index::new(registry);
    for style in [Style::Rust, Style::Markdown, Style::Env, Style::Script, Style::Other] {
        scan_text(&index, text.as_bytes(), style, |o| {
            assert!(o.literal.end <= text.len() && o.line >= 1 && o.column >= 1);
            if let Some((kind, cause)) = o.verdict.finding {
                let finding = Finding { line: o.line, column: o.column, port: o.literal.port, kind, cause };
                let _ = finding.message(&index);
                let _ = finding.suggestion(&index, style);
            }
        });
    }
});
