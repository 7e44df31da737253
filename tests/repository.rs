//! The repository as a newcomer finds it: small files, no references to documents outside it,
//! no text mangled by a lost line continuation, and a README whose key list is the settings'.

use std::path::{Path, PathBuf};

/// Every file under `dir` (recursively) whose name ends in one of `exts`, skipping build output
/// and installed packages.
fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(
                name.as_str(),
                "target" | "node_modules" | "dist" | "results" | ".git"
            ) {
                files(&path, exts, out);
            }
        } else if exts.iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sources(exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [
        "src", "crates", "tests", "benches", "examples", "web", "scripts",
    ] {
        files(&root().join(dir), exts, &mut out);
    }
    assert!(out.len() > 50, "found only {} files", out.len());
    out
}

/// One job per file: none over 500 lines.
#[test]
fn no_source_file_is_over_500_lines() {
    let long: Vec<String> = sources(&[".rs", ".mjs", ".js", ".sh", ".py"])
        .iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).ok()?.lines().count();
            (n > 500).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "over 500 lines: {long:?}");
}

/// Whoever clones the project has only the project: nothing may point outside it.
#[test]
fn nothing_refers_to_documents_outside_the_repository() {
    let mut all = sources(&[".rs", ".mjs", ".js", ".sh", ".py", ".md", ".html", ".toml"]);
    files(&root().join("docs"), &[".md"], &mut all);
    all.push(root().join("README.md"));
    all.push(root().join("Makefile"));
    let outside: Vec<String> = all
        .iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            // Spelled in parts, so this file does not find itself.
            ["..", "/shared"]
                .iter()
                .any(|_| text.contains(&["..", "/shared"].concat()))
                || text.contains(&["shared", "/design"].concat())
                || text.contains(&["shared", "/peers"].concat())
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        outside.is_empty(),
        "refer outside the repository: {outside:?}"
    );
}

/// A string literal broken over lines without a trailing `\` keeps the next line's indentation
/// (a tooltip once read "bright                  where V is low"): no literal may hold a run
/// of four or more spaces between words.
#[test]
fn no_string_literal_holds_a_lost_line_continuation() {
    let mut found = Vec::new();
    for path in sources(&[".rs"]) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            // The parts of the line inside double quotes (odd-numbered pieces).
            let inside = line.split('"').skip(1).step_by(2);
            if inside.into_iter().any(|s| s.trim().contains("    ")) {
                found.push(format!("{}:{}", path.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "spaces from a lost line continuation: {found:?}"
    );
}

/// The README's list of link keys is the settings': every key a link accepts is documented.
#[test]
fn the_readme_documents_every_setting_key() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let missing: Vec<&str> = nhf_playground::app::setting_table::setting_keys()
        .into_iter()
        .filter(|k| !readme.contains(&format!("`{k}`")))
        .collect();
    assert!(missing.is_empty(), "README.md does not list {missing:?}");
}
