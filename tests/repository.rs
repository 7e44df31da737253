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

/// The app's rooms import one another in one direction: no file's `use` lines lead, through
/// other rooms, back to it (a room is a top-level module of `src/app`: a file, or a folder
/// such as `session/`).
#[test]
fn the_app_rooms_import_each_other_without_a_circle() {
    use std::collections::{BTreeMap, BTreeSet};
    let app = root().join("src/app");
    let mut files_found = Vec::new();
    files(&app, &[".rs"], &mut files_found);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &files_found {
        let rel = path.strip_prefix(&app).unwrap().with_extension("");
        let mut module: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into()).collect();
        if module.last().is_some_and(|m| m == "mod") {
            module.pop();
        }
        let Some(room) = module.first().cloned() else {
            continue; // src/app/mod.rs declares every room
        };
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let line = line.trim_start().trim_start_matches("pub ");
            let Some(import) = line.strip_prefix("use ") else {
                continue;
            };
            let target = if let Some(rest) = import.strip_prefix("crate::app::") {
                rest.split("::").next().map(str::to_owned)
            } else {
                let ups = import.matches("super::").count();
                let rest = import.trim_start_matches("super::");
                let base = &module[..module.len().saturating_sub(ups)];
                match (base.first(), ups > 0) {
                    (Some(first), true) => Some(first.clone()),
                    (None, true) => rest.split("::").next().map(str::to_owned),
                    _ => None,
                }
            };
            // The module name is the leading identifier (`views as v;`, `settings::Settings;`).
            let target = target.map(|t| {
                t.chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect::<String>()
            });
            if let Some(t) = target.filter(|t| !t.is_empty() && *t != room) {
                edges.entry(room.clone()).or_default().insert(t);
            }
        }
    }
    assert!(
        edges.contains_key("session"),
        "the scan found no imports: {edges:?}"
    );
    // Depth-first search from every room for a path back to it.
    fn reaches(
        edges: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        goal: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        edges.get(from).into_iter().flatten().any(|next| {
            next == goal || (seen.insert(next.clone()) && reaches(edges, next, goal, seen))
        })
    }
    let circles: Vec<&String> = edges
        .keys()
        .filter(|room| reaches(&edges, room, room, &mut BTreeSet::new()))
        .collect();
    assert!(
        circles.is_empty(),
        "rooms on an import circle: {circles:?} (imports: {edges:?})"
    );
}
