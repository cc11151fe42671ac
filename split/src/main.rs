//! `yew-clerk-split`: puts a split build of a Yew app in place of the one bundle
//! trunk built. With yew-clerk's feature `split`, the steps after `<SignIn/>`'s first
//! card, the session tasks, `<SignUp/>`, `<UserProfile/>` and the "Verify it's you"
//! dialog are split points; this cuts the app's wasm there into a first module and
//! chunks that load when needed.
//!
//! The splitter reads rustc's own output (with its relocations), so it must run
//! between cargo and wasm-bindgen, where trunk has no hook: this builds the app again
//! with the feature, splits it, runs wasm-bindgen and wasm-opt, and writes the files
//! under trunk's names, so the page trunk wrote loads them unchanged.
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
    /// Where cargo builds the split wasm: apart from trunk's build, which has other
    /// link flags.
    #[arg(long, default_value = "target/split")]
    target_dir: PathBuf,
    /// The app's own cargo features, if the page asks trunk for some.
    #[arg(long)]
    features: Vec<String>,
    /// wasm-bindgen, the version of the app's Cargo.lock.
    #[arg(long, env = "WASM_BINDGEN", default_value = "wasm-bindgen")]
    wasm_bindgen: PathBuf,
    /// wasm-opt (binaryen): every module is optimised with `-Oz`.
    #[arg(long, env = "WASM_OPT", default_value = "wasm-opt")]
    wasm_opt: PathBuf,
    /// The name of the app's files (`<name>_bg.wasm`, `<name>.js`); by default the
    /// one trunk gave them in `--dist`.
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
    let stem = match &args.out_name {
        Some(name) => name.clone(),
        None => page::app_stem(&args.dist, &args.package)?,
    };
    std::fs::create_dir_all(&args.dist)?;
    let wasm = build(&args)?;
    let stage = args.target_dir.join("stage").join(&args.package);
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(&stage)?;
    let chunks = split(&wasm, &stage, &stem)?;
    bind(&args, &stage, &stem)?;

    let bound = stage.join("bound");
    optimise(
        &args.wasm_opt,
        &bound.join(format!("{stem}_bg.wasm")),
        &args.dist.join(format!("{stem}_bg.wasm")),
    )?;
    copy(
        &bound.join(format!("{stem}.js")),
        &args.dist.join(format!("{stem}.js")),
    )?;
    copy(
        &stage.join("__wasm_split.js"),
        &args.dist.join("__wasm_split.js"),
    )?;
    for chunk in &chunks {
        let name = chunk
            .file_name()
            .ok_or_else(|| eyre!("a chunk without a name"))?;
        optimise(&args.wasm_opt, chunk, &args.dist.join(name))?;
    }
    let index = args.dist.join("index.html");
    if index.exists() {
        let html = std::fs::read_to_string(&index)?;
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

/// The app with yew-clerk's feature `split`, linked with its relocations.
fn build(args: &Args) -> Result<PathBuf> {
    let mut features = vec!["yew-clerk/split".to_owned()];
    features.extend(args.features.iter().cloned());
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args(["build", "--target", "wasm32-unknown-unknown", "--profile"])
        .arg(&args.profile)
        .args(["-p", &args.package, "--features", &features.join(",")])
        .arg("--target-dir")
        .arg(&args.target_dir)
        // The splitter reads the relocations to know which code goes where.
        .env("CARGO_ENCODED_RUSTFLAGS", "-Clink-args=--emit-relocs");
    run(cargo)?;
    let profile_dir = match args.profile.as_str() {
        "dev" => "debug",
        p => p,
    };
    let out = args
        .target_dir
        .join("wasm32-unknown-unknown")
        .join(profile_dir);
    [args.package.clone(), args.package.replace('-', "_")]
        .into_iter()
        .map(|name| out.join(format!("{name}.wasm")))
        .find(|p| p.exists())
        .ok_or_else(|| eyre!("cargo built no {}.wasm in {}", args.package, out.display()))
}

/// Cuts `wasm` at its split points into `stage`: `<stem>.wasm` (for wasm-bindgen),
/// the chunks, and `__wasm_split.js`, which loads them.
fn split(wasm: &Path, stage: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    let input = std::fs::read(wasm).wrap_err_with(|| format!("{}", wasm.display()))?;
    let (input, dropped) = exports::drop_uncalled_split_points(&input)?;
    if !dropped.is_empty() {
        eprintln!(
            "yew-clerk-split: {} split point(s) this app never calls, left out",
            dropped.len()
        );
    }
    let main_out = stage.join(format!("{stem}.wasm"));
    let main_module = format!("./{stem}.js");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&input);
        opts.output_dir = stage;
        opts.main_out_path = &main_out;
        opts.main_module = &main_module;
        opts.target.web();
        opts
    })?;
    Ok(split.split_modules)
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
