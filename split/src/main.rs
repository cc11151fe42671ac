//! `yew-clerk-split`: puts a split build of a Yew app in place of the one bundle
//! trunk built. With yew-clerk's feature `split`, the steps after `<SignIn/>`'s first
//! card, the session tasks, `<SignUp/>`, `<UserProfile/>` and the "Verify it's you"
//! dialog are split points; this cuts the app's wasm there into a first module and
//! chunks that load when needed.
//!
//! The splitter reads rustc's own output (with its relocations), so it must run
//! between cargo and wasm-bindgen, where trunk has no hook: this builds the app again
//! with the feature, splits it, runs wasm-bindgen and wasm-opt, and puts the files in
//! place of trunk's: named by a hash of the split build, with the page's references,
//! integrity hashes and a preload of the chunk loader made to match.
//!
//! ```text
//! trunk build --release
//! yew-clerk-split --package my-app --dist dist
//! ```
//!
//! or, in `Trunk.toml`, after every release build:
//!
//! ```toml
//! [[hooks]]
//! stage = "post_build"
//! command = "yew-clerk-split"
//! command_arguments = ["--package", "my-app"]
//! ```

mod exports;
mod page;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use clap::Parser;
use eyre::{bail, eyre, Result, WrapErr};

/// What wasm-opt may assume of the browser: what today's rustc emits for
/// wasm32-unknown-unknown.
const WASM_FEATURES: [&str; 5] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// The app's package (as `cargo build -p` takes it).
    #[arg(long, short)]
    package: String,
    /// trunk's output to put the split build in; as a trunk hook, its staging folder.
    #[arg(long, env = "TRUNK_STAGING_DIR")]
    dist: PathBuf,
    /// The cargo profile of the build (trunk's `--release` uses `release`, or the
    /// page's `data-cargo-profile-release`).
    #[arg(long, default_value = "release")]
    profile: String,
    /// Where cargo builds (default: cargo's own, which trunk uses too: only the app
    /// and yew-clerk are built again).
    #[arg(long)]
    target_dir: Option<PathBuf>,
    /// The app's binary, if its package has more than one target.
    #[arg(long)]
    bin: Option<String>,
    /// The app's own cargo features, if the page asks trunk for some.
    #[arg(long)]
    features: Vec<String>,
    /// wasm-bindgen, the version of the app's Cargo.lock.
    #[arg(long, env = "WASM_BINDGEN", default_value = "wasm-bindgen")]
    wasm_bindgen: PathBuf,
    /// wasm-opt (binaryen): every module is optimised with `-Oz`.
    #[arg(long, env = "WASM_OPT", default_value = "wasm-opt")]
    wasm_opt: PathBuf,
    /// terser (npm), if given: the JS glue and the chunk loader are minified with it
    /// (about 2.5 KB less to download, gzipped); otherwise they go out as written.
    #[arg(long, env = "TERSER")]
    minify_js: Option<PathBuf>,
    /// The name of the app's files (`<name>_bg.wasm`, `<name>.js`), as it is; by
    /// default trunk's name in `--dist` with the hash of the split build.
    #[arg(long)]
    out_name: Option<String>,
    /// Set by trunk in a hook: a debug build stays one bundle.
    #[arg(long, env = "TRUNK_PROFILE", hide = true)]
    trunk_profile: Option<String>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.trunk_profile.as_deref() == Some("debug") {
        eprintln!("yew-clerk-split: a debug build stays one bundle");
        return Ok(());
    }
    let trunk_stem = match &args.out_name {
        Some(_) => None,
        None => Some(page::app_stem(&args.dist, &args.package)?),
    };
    std::fs::create_dir_all(&args.dist)?;
    let wasm = build(&args)?;
    let input = std::fs::read(&wasm).wrap_err_with(|| format!("{}", wasm.display()))?;
    let (input, dropped) = exports::drop_uncalled_split_points(&input)?;
    if !dropped.is_empty() {
        eprintln!(
            "yew-clerk-split: {} split point(s) this app never calls, left out",
            dropped.len()
        );
    }
    // Trunk's hash is of the one bundle; a server keeps hashed names for a year, so
    // the split files get a name of their own.
    let stem = match (&args.out_name, &trunk_stem) {
        (Some(name), _) => name.clone(),
        (None, Some(trunk)) => page::rehashed(trunk, &build_hash(&args, &input)),
        (None, None) => unreachable!("trunk's name is read when no name is given"),
    };
    let target = match &args.target_dir {
        Some(dir) => dir.clone(),
        None => wasm
            .ancestors()
            .nth(3)
            .ok_or_else(|| eyre!("no target folder above {}", wasm.display()))?
            .to_path_buf(),
    };
    let stage = target.join("split").join(&args.package);
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(&stage)?;
    let chunks = split(&input, &stage, &stem)?;
    bind(&args, &stage, &stem)?;

    let bound = stage.join("bound");
    optimise(
        &args.wasm_opt,
        &bound.join(format!("{stem}_bg.wasm")),
        &args.dist.join(format!("{stem}_bg.wasm")),
    )?;
    place_js(
        args.minify_js.as_deref(),
        &bound.join(format!("{stem}.js")),
        &args.dist.join(format!("{stem}.js")),
    )?;
    place_js(
        args.minify_js.as_deref(),
        &stage.join("__wasm_split.js"),
        &args.dist.join("__wasm_split.js"),
    )?;
    copy_snippets(&bound.join("snippets"), &args.dist.join("snippets"))?;
    for chunk in &chunks {
        let name = chunk
            .file_name()
            .ok_or_else(|| eyre!("a chunk without a name"))?;
        optimise(&args.wasm_opt, chunk, &args.dist.join(name))?;
    }
    let index = args.dist.join("index.html");
    if index.exists() {
        let mut html = std::fs::read_to_string(&index)?;
        if let Some(trunk) = trunk_stem.as_deref().filter(|t| *t != stem) {
            html = html.replace(trunk, &stem);
            for old in [format!("{trunk}_bg.wasm"), format!("{trunk}.js")] {
                let _ = std::fs::remove_file(args.dist.join(old));
            }
        }
        let html = page::without_integrity(&html, &stem);
        std::fs::write(&index, page::with_loader_preload(&html, &stem))?;
    }
    eprintln!(
        "yew-clerk-split: {} as a first module and {} chunks in {}",
        args.package,
        chunks.len(),
        args.dist.display()
    );
    Ok(())
}

/// The app with yew-clerk's feature `split`, linked with its relocations: the flag
/// goes to the app's own link only (`cargo rustc`), so the app's rustflags stay as
/// they are and nothing else is built again for it. Answers the wasm cargo wrote.
fn build(args: &Args) -> Result<PathBuf> {
    let mut features = vec!["yew-clerk/split".to_owned()];
    features.extend(args.features.iter().cloned());
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args(["rustc", "--target", "wasm32-unknown-unknown", "--profile"])
        .arg(&args.profile)
        .args(["-p", &args.package, "--features", &features.join(",")])
        .arg("--message-format=json-render-diagnostics");
    if let Some(bin) = &args.bin {
        cargo.args(["--bin", bin]);
    }
    if let Some(dir) = &args.target_dir {
        cargo.arg("--target-dir").arg(dir);
    }
    // The splitter reads the relocations to know which code goes where.
    cargo.args(["--", "-Clink-args=--emit-relocs"]);
    eprintln!("yew-clerk-split: $ {cargo:?}");
    let out = cargo
        .stderr(std::process::Stdio::inherit())
        .output()
        .wrap_err("cargo")?;
    if !out.status.success() {
        bail!("cargo rustc failed ({})", out.status);
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"))
        })
        .flat_map(|m| {
            m["filenames"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f.as_str().map(PathBuf::from))
                .collect::<Vec<_>>()
        })
        .find(|f| f.extension().is_some_and(|e| e == "wasm"))
        .ok_or_else(|| eyre!("cargo built no wasm binary for {}", args.package))
}

/// A hash of what makes the split files what they are: the app's wasm, this tool
/// and the versions of wasm-bindgen, wasm-opt and terser.
fn build_hash(args: &Args, input: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let version = |tool: &Path| {
        Command::new(tool)
            .arg("--version")
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default()
    };
    let mut hash = Sha256::new();
    hash.update(input);
    hash.update(env!("CARGO_PKG_VERSION"));
    hash.update(version(&args.wasm_bindgen));
    hash.update(version(&args.wasm_opt));
    if let Some(terser) = &args.minify_js {
        hash.update(version(terser));
    }
    hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Cuts `input` at its split points into `stage`: `<stem>.wasm` (for wasm-bindgen),
/// the chunks, and `__wasm_split.js`, which loads them.
fn split(input: &[u8], stage: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    let main_out = stage.join(format!("{stem}.wasm"));
    let main_module = format!("./{stem}.js");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(input);
        opts.output_dir = stage;
        opts.main_out_path = &main_out;
        opts.main_module = &main_module;
        opts.target.web();
        opts
    })?;
    Ok(split.split_modules)
}

/// wasm-bindgen's JS snippets (`#[wasm_bindgen(inline_js)]`, `module = "/x.js"`),
/// which the glue imports from `snippets/`.
fn copy_snippets(from: &Path, to: &Path) -> Result<()> {
    if !from.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_snippets(&path, &to.join(entry.file_name()))?;
        } else {
            copy(&path, &to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

fn bind(args: &Args, stage: &Path, stem: &str) -> Result<()> {
    let mut bindgen = Command::new(&args.wasm_bindgen);
    bindgen
        .args(["--target", "web", "--no-typescript", "--keep-lld-exports"])
        .args(["--out-name", stem, "--out-dir"])
        .arg(stage.join("bound"))
        .arg(stage.join(format!("{stem}.wasm")));
    run(bindgen)
}

fn optimise(wasm_opt: &Path, from: &Path, to: &Path) -> Result<()> {
    let mut opt = Command::new(wasm_opt);
    opt.arg("-Oz")
        .args(WASM_FEATURES)
        .arg("-o")
        .arg(to)
        .arg(from);
    run(opt)
}

/// An ES module of JS into `dist`: minified by `terser` when there is one (names
/// inside it shortened; its exports and the property names wasm calls keep theirs).
fn place_js(terser: Option<&Path>, from: &Path, to: &Path) -> Result<()> {
    let Some(terser) = terser else {
        return copy(from, to);
    };
    let mut minify = Command::new(terser);
    minify
        .arg(from)
        .args(["--module", "--compress", "--mangle", "-o"])
        .arg(to);
    run(minify)
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .map(|_| ())
        .wrap_err_with(|| format!("{} -> {}", from.display(), to.display()))
}

fn run(mut cmd: Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    eprintln!("yew-clerk-split: $ {shown}");
    let status = cmd.status().wrap_err_with(|| shown.clone())?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}
