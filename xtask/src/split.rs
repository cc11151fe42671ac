//! The split build of the demo and `examples/minimal`: yew-clerk's feature `split`,
//! cut into a first module and chunks by `yew-clerk-split` (`split/`), which puts
//! them in place of the one bundle trunk built.

use std::path::{Path, PathBuf};

use crate::{cargo, ensure_terser, ensure_wasm_opt, run, Result};

/// Runs `yew-clerk-split` on `dist`: a split build of `package` in place of trunk's
/// one bundle there, or named `out_name` when there is no trunk build (`cargo xtask
/// size`).
pub fn split_into(root: &Path, package: &str, dist: &Path, out_name: Option<&str>) -> Result {
    let wasm_opt = ensure_wasm_opt(root)?;
    let terser = ensure_terser(root)?;
    let mut split = cargo();
    split
        .args(["run", "--release", "--quiet", "-p", "yew-clerk-split", "--"])
        .args(["--package", package, "--profile", "release-wasm", "--dist"])
        .arg(dist)
        .arg("--wasm-opt")
        .arg(wasm_opt)
        .arg("--minify-js")
        .arg(terser);
    if let Some(name) = out_name {
        split.args(["--out-name", name]);
    }
    run(root, split)
}

/// What a split build wrote into a folder of its own.
pub struct Split {
    /// What the page loads first: the first module, its JS glue and the chunk loader.
    pub first: Vec<PathBuf>,
    /// Each chunk's wasm, loaded when needed.
    pub chunks: Vec<PathBuf>,
}

/// `package` split into `out` (emptied first), its files named after the package.
pub fn split_build(root: &Path, package: &str, out: &Path) -> Result<Split> {
    let _ = std::fs::remove_dir_all(out);
    split_into(root, package, out, Some(package))?;
    let first = [
        format!("{package}_bg.wasm"),
        format!("{package}.js"),
        "__wasm_split.js".to_owned(),
    ]
    .map(|name| out.join(name))
    .to_vec();
    let mut chunks: Vec<PathBuf> = std::fs::read_dir(out)
        .map_err(|e| format!("{}: {e}", out.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm") && !first.contains(p))
        .collect();
    chunks.sort();
    Ok(Split { first, chunks })
}
