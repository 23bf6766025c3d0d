//! netdiag-core is layered: a module imports only modules of lower layers, so there is no
//! import cycle and a reader can start at the bottom (`vocab`). This reads every source
//! file of each top-level module and checks its `crate::` imports against the layers
//! below (the same table as `ARCHITECTURE.md` and the crate's documentation).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each top-level module and its layer, bottom first.
const LAYERS: &[(&str, u8)] = &[
    ("vocab", 0),
    ("settings", 0),
    ("addr", 1),
    ("ranges", 1),
    ("certs", 1),
    ("snapshot", 2),
    ("nsg", 3),
    ("routes", 3),
    ("dns", 3),
    ("azure", 3),
    ("tcp", 4),
    ("checklist", 5),
    ("report", 6),
    ("diagnosis", 7),
];

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_dir() {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(path).unwrap() {
            files.extend(rust_files(&entry.unwrap().path()));
        }
        files
    } else {
        vec![path.to_path_buf()]
    }
}

/// The top-level modules a module's sources name as `crate::X` or `crate::{X, ...}`.
fn imports(module: &str) -> BTreeSet<String> {
    let dir = src().join(module);
    let root = if dir.is_dir() {
        dir
    } else {
        src().join(format!("{module}.rs"))
    };
    let mut found = BTreeSet::new();
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (index, _) in text.match_indices("crate::") {
            let rest = &text[index + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .collect(),
                None => vec![rest],
            };
            for name in names {
                let name: String = name
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    found.insert(name);
                }
            }
        }
    }
    found
}

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(name, _)| *name == module)
        .unwrap_or_else(|| panic!("module {module} is not in the table of layers"))
        .1
}

#[test]
fn every_top_level_module_has_a_layer() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|line| line.strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';'))
        .collect();
    let tabled: BTreeSet<&str> = LAYERS.iter().map(|(name, _)| *name).collect();
    assert_eq!(declared, tabled);
}

#[test]
fn modules_import_only_lower_layers() {
    let mut wrong = Vec::new();
    for (module, level) in LAYERS {
        for imported in imports(module) {
            if layer(&imported) >= *level {
                wrong.push(format!(
                    "{module} (layer {level}) imports {imported} (layer {})",
                    layer(&imported)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}
