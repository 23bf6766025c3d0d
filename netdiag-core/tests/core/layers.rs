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
    ("wrap", 0),
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
    ("output", 7),
    ("diagnosis", 8),
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

/// The library reads nothing of the process it runs in: the binaries read the environment,
/// the arguments and the terminal once (`netdiag_cli::session`) and pass what they found,
/// so that a test can give a run any environment without touching its own, and a
/// library user gets no surprise from a variable it did not know about.
#[test]
fn the_library_reads_no_process_state() {
    let forbidden = ["env::var", "env::args", "is_terminal()", "env::set_var"];
    let mut found = Vec::new();
    for file in rust_files(&src()) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if forbidden.iter().any(|call| code.contains(call)) {
                found.push(format!(
                    "{}:{}: {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        found.is_empty(),
        "process state read in the library:\n{}",
        found.join("\n")
    );
}

/// The files of `checklist/` and their layer inside it, bottom first: the vocabulary, what
/// the checks read, the scene, the checks of each stage, the registry that lists them, one
/// evaluation, then the verdict and the text. `mod.rs` only declares and re-exports: a
/// file that imports through it (`super::Status`) is reported, so that each import names
/// the file that defines it.
const CHECKLIST_FILES: &[(&str, u8)] = &[
    ("vocab", 0),
    ("inputs", 1),
    ("scene", 2),
    ("probe", 3),
    ("advice", 3),
    ("app", 3),
    ("gateway", 3),
    ("regional", 3),
    ("addresses", 3),
    ("path", 3),
    ("nsgs", 3),
    ("private_endpoint", 3),
    ("host", 3),
    ("target", 3),
    // A check made of other stages' analyses (the NSGs and routes on the way to the DNS
    // servers): above the stage files, below the registry.
    ("dns_path", 4),
    // The path drawn from the checks' statuses and the scene: beside the registry, which
    // calls it while the scene is alive.
    ("drawing", 4),
    ("registry", 5),
    ("evaluation", 6),
    ("verdict", 7),
    ("render", 7),
    ("mod", 8),
];

/// The sibling files a checklist file names as `super::X` or `super::{X, ...}` (outside
/// its tests), or through the crate's path.
fn sibling_imports(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = BTreeSet::new();
    for prefix in ["super::", "crate::checklist::"] {
        for (index, _) in code.match_indices(prefix) {
            let rest = &code[index + prefix.len()..];
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
                if name.is_empty() || name == "super" {
                    continue;
                }
                // A name that is no file is an item of mod.rs (a re-export).
                let file = if CHECKLIST_FILES.iter().any(|(f, _)| *f == name) {
                    name
                } else {
                    "mod".to_owned()
                };
                found.insert(file);
            }
        }
    }
    found
}

#[test]
fn checklist_files_import_only_lower_files() {
    let dir = src().join("checklist");
    let mut on_disk: BTreeSet<String> = BTreeSet::new();
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        on_disk.insert(name.clone());
        if name == "mod" {
            continue;
        }
        let level = CHECKLIST_FILES
            .iter()
            .find(|(f, _)| *f == name)
            .unwrap_or_else(|| panic!("checklist/{name}.rs is not in CHECKLIST_FILES"))
            .1;
        for imported in sibling_imports(&std::fs::read_to_string(&path).unwrap()) {
            let their = CHECKLIST_FILES
                .iter()
                .find(|(f, _)| *f == imported)
                .map_or(u8::MAX, |(_, l)| *l);
            if imported != name && their >= level {
                wrong.push(format!(
                    "checklist/{name}.rs (layer {level}) imports {imported} (layer {their})"
                ));
            }
        }
    }
    let tabled: BTreeSet<String> = CHECKLIST_FILES
        .iter()
        .map(|(f, _)| (*f).to_owned())
        .collect();
    assert_eq!(
        on_disk, tabled,
        "CHECKLIST_FILES lists the files of checklist/"
    );
    assert!(
        wrong.is_empty(),
        "imports against the checklist's layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checklist_rule_sees_an_import_through_mod_rs() {
    // The rule itself: `super::Status` names mod.rs, which is above every file.
    let found = sibling_imports("use super::Status;\nuse super::vocab::{Finding, Mode};\n");
    assert_eq!(
        found,
        BTreeSet::from(["mod".to_owned(), "vocab".to_owned()])
    );
}
