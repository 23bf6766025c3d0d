//! Names the build: the git commit it was made from (`+dirty` when the tree had changes,
//! `unknown` without git, e.g. from a source tarball) and the target triple, for
//! `--version` and the report's `build` field.

use std::path::Path;
use std::process::Command;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // Rebuilt when the commit or the work tree changes; not for every build.
    for watched in [
        ".git/HEAD",
        ".git/index",
        ".git/refs",
        "Cargo.toml",
        "netdiag-core/src",
        "netdiag-cli/src",
        "nameresolver/src",
        "tcpping/src",
    ] {
        let path = root.join(watched);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    println!("cargo:rerun-if-env-changed=NETDIAG_COMMIT");
    let commit = std::env::var("NETDIAG_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| git_commit(&root));
    println!("cargo:rustc-env=NETDIAG_COMMIT={commit}");
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=NETDIAG_TARGET={target}");
}

/// The short hash of HEAD, with `+dirty` when tracked files differ from it.
fn git_commit(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match git(&["rev-parse", "--short=7", "HEAD"]) {
        Some(hash) if !hash.is_empty() => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|status| !status.is_empty());
            if dirty { format!("{hash}+dirty") } else { hash }
        }
        _ => "unknown".to_owned(),
    }
}
