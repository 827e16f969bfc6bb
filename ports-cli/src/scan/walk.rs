//! The walk: every file under the starts, in parallel (the `ignore` crate's walker, ripgrep's),
//! hidden files included, `.git/` skipped, and `.gitignore`, `.ignore` and `.git/info/exclude`
//! honoured — read by this module through ports-core's reader, not by the walker, so that an
//! ignore file that is a symlink, a FIFO, a device or huge is skipped with a warning instead of
//! hanging or exhausting the scan (git refuses a symlinked `.gitignore` too). The files
//! themselves are read by the caller through the same reader: opened non-blocking, checked on
//! the open handle, capped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::Override;
use ignore::{Match, WalkBuilder, WalkState};

/// The largest ignore file read.
const IGNORE_FILE_LIMIT: u64 = 4 << 20;

/// The ignore files of a directory, in precedence order (`.ignore` over `.gitignore`).
const IGNORE_FILES: &[&str] = &[".ignore", ".gitignore"];

/// Every ignore rule that applies under the root, loaded once per directory.
struct Rules {
    root: PathBuf,
    excludes: Override,
    global: Gitignore,
    by_dir: Mutex<HashMap<PathBuf, Arc<Vec<Gitignore>>>>,
    warnings: Mutex<Vec<String>>,
}

impl Rules {
    fn warn(&self, message: String) {
        self.warnings.lock().unwrap_or_else(PoisonError::into_inner).push(message);
    }

    /// The matchers of `dir`'s own ignore files (and, at the root, `.git/info/exclude`).
    fn of(&self, dir: &Path) -> Arc<Vec<Gitignore>> {
        if let Some(found) = self.by_dir.lock().unwrap_or_else(PoisonError::into_inner).get(dir) {
            return Arc::clone(found);
        }
        let mut matchers = Vec::new();
        let mut files: Vec<PathBuf> = IGNORE_FILES.iter().map(|name| dir.join(name)).collect();
        if dir == self.root {
            files.push(dir.join(".git").join("info").join("exclude"));
        }
        for file in files {
            if let Some(matcher) = self.load(dir, &file) {
                matchers.push(matcher);
            }
        }
        let matchers = Arc::new(matchers);
        self.by_dir.lock().unwrap_or_else(PoisonError::into_inner).insert(dir.to_path_buf(), Arc::clone(&matchers));
        matchers
    }

    fn load(&self, dir: &Path, file: &Path) -> Option<Gitignore> {
        let shown = || ports_core::escape_control(&file.display().to_string()).into_owned();
        let meta = std::fs::symlink_metadata(file).ok()?;
        if meta.file_type().is_symlink() {
            self.warn(format!("warning: {} is a symlink; ignore files are not followed (as git does not)", shown()));
            return None;
        }
        let text = match ports_core::read_text(file, IGNORE_FILE_LIMIT) {
            Ok(text) => text,
            Err(e) => {
                self.warn(format!("warning: {} not read: {e}; its rules do not apply", shown()));
                return None;
            }
        };
        let mut builder = GitignoreBuilder::new(dir);
        for line in text.lines() {
            // A bad glob is skipped, as git skips it.
            let _ = builder.add_line(Some(file.to_path_buf()), line);
        }
        builder.build().ok()
    }

    /// Whether `path` is ignored: `--exclude` first, then the ignore files from its directory up
    /// to the root (the deepest deciding), then the user's global excludes.
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        match self.excludes.matched(path, is_dir) {
            Match::Ignore(_) => return true,
            Match::Whitelist(_) | Match::None => {}
        }
        let top = if path.starts_with(&self.root) { Some(self.root.as_path()) } else { None };
        let mut dir = path.parent();
        while let Some(current) = dir {
            for matcher in self.of(current).iter() {
                match matcher.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            if top.is_none_or(|top| current == top) {
                break;
            }
            dir = current.parent();
        }
        matches!(self.global.matched(path, is_dir), Match::Ignore(_))
    }
}

/// A walk over `starts`, under `root` (where `.git/info/exclude` is read and above which no
/// ignore file is), skipping what `excludes` matches.
pub struct Walk {
    starts: Vec<PathBuf>,
    rules: Rules,
}

impl Walk {
    /// A walk; `starts` are absolute and deduplicated by the caller.
    #[must_use]
    pub fn new(starts: Vec<PathBuf>, root: PathBuf, excludes: Override) -> Walk {
        let (global, _) = Gitignore::global();
        let rules = Rules { root, excludes, global, by_dir: Mutex::default(), warnings: Mutex::default() };
        Walk { starts, rules }
    }

    /// Calls `visit` with every regular file not ignored, from several threads. Returns the
    /// warnings: ignore files not read, directories not read.
    pub fn run(self, visit: &(dyn Fn(&Path) + Sync)) -> Vec<String> {
        let Some((first, rest)) = self.starts.split_first() else { return Vec::new() };
        let mut walk = WalkBuilder::new(first);
        for start in rest {
            walk.add(start);
        }
        walk.standard_filters(false)
            .hidden(false)
            .follow_links(false)
            .threads(std::thread::available_parallelism().map_or(2, |n| n.get().min(12)));
        let rules = &self.rules;
        walk.build_parallel().run(|| {
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        rules.warn(format!("warning: not scanned: {}", ports_core::escape_control(&error.to_string())));
                        return WalkState::Continue;
                    }
                };
                let Some(kind) = entry.file_type() else { return WalkState::Continue };
                let path = entry.path();
                if kind.is_dir() {
                    let skip = entry.depth() > 0 && (entry.file_name() == ".git" || rules.ignored(path, true));
                    return if skip { WalkState::Skip } else { WalkState::Continue };
                }
                // Given by name, a file is scanned even when ignored (as ripgrep does).
                if kind.is_file() && (entry.depth() == 0 || !rules.ignored(path, false)) {
                    visit(path);
                } else if entry.depth() == 0 && !kind.is_file() {
                    // A FIFO, a device or a socket given by name: not opened, and said so.
                    let what = ports_core::file_kind(std::fs::metadata(path).map_or(kind, |m| m.file_type()));
                    rules.warn(format!(
                        "warning: not scanned: {}: it is {what}, not a regular file",
                        ports_core::escape_control(&path.display().to_string())
                    ));
                }
                WalkState::Continue
            })
        });
        let mut warnings = self.rules.warnings.into_inner().unwrap_or_else(PoisonError::into_inner);
        warnings.sort();
        warnings.dedup();
        warnings
    }
}
