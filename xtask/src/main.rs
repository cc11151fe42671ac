//! Project tasks: `cargo xtask test` and `cargo xtask demo`.
//!
//! Std only, so it builds in seconds on a fresh machine. Every step says what it
//! runs; anything missing that can be installed (the wasm32 target) is installed.

use std::{
    env,
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Command, ExitCode, Stdio},
    time::Instant,
};

mod oidc;
mod postgres;
mod split;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(&root),
        Some("demo") => demo(&root, args.iter().any(|a| a == "--hosted")),
        Some("portal") => build_portal(&root),
        Some("bench") => bench(&root),
        Some("size") => size(&root),
        Some("pageload") => pageload(&root),
        Some("e2e") => ensure_chromium(&root)
            .and_then(|()| ensure_axe_core(&root))
            .and_then(|_| end_to_end(&root, &mut Tally::default())),
        Some("clerk-js") => {
            ensure_chromium(&root).and_then(|()| clerk_js(&root, &mut Tally::default()))
        }
        _ => {
            eprintln!("usage: cargo xtask <test|demo|portal|bench|size|pageload|e2e|clerk-js>\n  test  fmt, clippy (native and wasm32), rustdoc, every test\n  demo  the demo app (trunk) against a local fapi-server with embedded defaults;\n        --hosted: the demo with fapi-server's hosted pages instead of its own\n  portal  build fapi-server's hosted pages (portal/) into target/portal/dist\n  bench time sign-in, token minting and second-factor attempts, on SQLite and PostgreSQL\n  size  the browser bundle of the minimal app (provider + sign-in) and of the demo: wasm, JS, total; raw, gzip, brotli\n  pageload  time until a sign-in form is usable: the minimal app and the demo against Clerk's own page, desktop and mobile profile\n  e2e   only the WebDriver journeys on the demo (split build), a part of `test`\n  clerk-js  only the conformance suite of the official clerk-js, a part of `test`");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, String>;

fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Runs a command in the workspace, echoing it; fails on a non-zero exit.
fn run(root: &Path, mut cmd: Command) -> Result {
    eprintln!("xtask: $ {}", describe(&cmd));
    let status = cmd
        .current_dir(root)
        .status()
        .map_err(|e| format!("{}: {e}", describe(&cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(&cmd)))
    }
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program().to_string_lossy().into_owned())
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The version of a package in Cargo.lock.
fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"") {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
fn ensure_wasm_bindgen(root: &Path) -> Result {
    let wanted = locked_version(root, "wasm-bindgen")?;
    let have = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(wanted.as_str()) {
        return Ok(());
    }
    // `--locked` fails: one of its locked dependencies is not on the registry.
    let mut install = cargo();
    install.args(["install", "wasm-bindgen-cli", "--version", &wanted]);
    run(root, install)
}

/// Headless Chromium and its driver, from Debian's packages.
fn ensure_chromium(root: &Path) -> Result {
    if Path::new("/usr/bin/chromedriver").exists() && Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    apt_install(root, &["chromium", "chromium-driver"])
}

/// npm (for the pinned clerk-js), from Debian's packages where the machine has none.
fn ensure_npm(root: &Path) -> Result {
    if output_of("npm", &["--version"]).is_some() {
        return Ok(());
    }
    apt_install(root, &["nodejs", "npm"])
}

fn apt_install(root: &Path, packages: &[&str]) -> Result {
    let sudo = output_of("id", &["-u"]).is_some_and(|u| u.trim() != "0");
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(root, apt(&["update"]))?;
    run(root, apt(&[&["install", "-y"], packages].concat()))
}

/// A fapi-server on a free port and a fresh database; stopped when dropped.
struct TestServer {
    child: std::process::Child,
    url: String,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The settings of the browser and end-to-end tests (per-IP limits raised).
fn test_config(root: &Path) -> PathBuf {
    root.join("xtask").join("test-server.toml")
}

/// `config`: a settings file, or `None` for the embedded defaults (Clerk's limits).
fn start_test_server(
    root: &Path,
    config: Option<&Path>,
    static_dir: Option<&Path>,
) -> Result<TestServer> {
    start_test_server_with(root, config, static_dir, &[])
}

/// [`start_test_server`] with more environment for the server.
fn start_test_server_with(
    root: &Path,
    config: Option<&Path>,
    static_dir: Option<&Path>,
    env: &[(&str, &str)],
) -> Result<TestServer> {
    let mut build = cargo();
    build.args(["build", "--quiet", "-p", "fapi-server"]);
    run(root, build)?;
    // One folder per server: two may run at once.
    static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let data = root
        .join("target")
        .join("browser-tests")
        .join(format!("{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    let binary = root.join("target").join("debug").join("fapi-server");
    let mut server = Command::new(&binary);
    if let Some(dir) = static_dir {
        server.env("FAPI_STATIC_DIR", dir);
    }
    if let Some(config) = config {
        server.arg("--config").arg(config);
    }
    server
        .env("FAPI_LISTEN", "127.0.0.1:0")
        .env(
            "FAPI_DATABASE_URL",
            format!("sqlite://{}/fapi.db", data.display()),
        )
        .env("RUST_LOG", "warn");
    // Last: a test's own listen address or secret wins.
    server.envs(env.iter().copied());
    let mut child = server
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let mut first = String::new();
    let stdout = child.stdout.take().expect("piped");
    BufReader::new(stdout)
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    let url = first
        .trim()
        .strip_prefix("fapi-server listening on ")
        .ok_or_else(|| format!("fapi-server did not start: {first:?}"))?
        .to_owned();
    eprintln!("xtask: test server at {url}");
    Ok(TestServer { child, url })
}

fn ensure_wasm_target(root: &Path) -> Result {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup: {e}"))?;
    if String::from_utf8_lossy(&out.stdout).contains("wasm32-unknown-unknown") {
        return Ok(());
    }
    let mut add = Command::new("rustup");
    add.args(["target", "add", "wasm32-unknown-unknown"]);
    run(root, add)
}

/// Tallies cargo test's per-binary result lines while streaming its output.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Tally {
    fn read(&mut self, line: &str) {
        // "test result: ok. 16 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; ..."
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            if let (Some(n), Some(what)) = (words.next(), words.next()) {
                if let Ok(n) = n.parse::<u64>() {
                    match what {
                        "passed" => self.passed += n,
                        "failed" => self.failed += n,
                        "ignored" => self.ignored += n,
                        _ => {}
                    }
                }
            }
        }
    }
}

fn run_tests(root: &Path, mut cmd: Command, tally: &mut Tally) -> Result {
    eprintln!("xtask: $ {}", describe(&cmd));
    let mut child = cmd
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", describe(&cmd)))?;
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        println!("{line}");
        tally.read(&line);
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(&cmd)))
    }
}

fn test(root: &Path) -> Result {
    let started = Instant::now();
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    run(root, fmt)?;

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run(root, clippy)?;

    let mut doc = cargo();
    doc.args([
        "doc",
        "--no-deps",
        "-p",
        "yew-clerk",
        "-p",
        "fapi-types",
        "-p",
        "fapi-server",
        "-p",
        "yew-clerk-backend",
    ])
    .env("RUSTDOCFLAGS", "-D warnings");
    run(root, doc)?;

    ensure_wasm_target(root)?;
    let mut clippy_wasm = cargo();
    clippy_wasm.args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "fapi-types",
        "-p",
        "yew-clerk",
        "-p",
        "demo",
        "-p",
        "portal",
        "--tests",
        "--",
        "-D",
        "warnings",
    ]);
    run(root, clippy_wasm)?;
    // The split build's own code paths (yew-clerk's feature `split`).
    let mut clippy_split = cargo();
    clippy_split.args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "yew-clerk",
        "--features",
        "split",
        "--",
        "-D",
        "warnings",
    ]);
    run(root, clippy_split)?;

    ensure_oidc_provider(root)?;
    let mut tally = Tally::default();
    // fapi-server's tests build on their own, once for both stores: inside the
    // workspace run its dependencies' features would differ from its own, and its
    // test binaries would be built (and kept on disk) twice.
    let mut tests = cargo();
    tests.args([
        "test",
        "--workspace",
        "--exclude",
        "e2e",
        "--exclude",
        "fapi-server",
    ]);
    let mut outcome = run_tests(root, tests, &mut tally);

    if outcome.is_ok() {
        let mut server_tests = cargo();
        server_tests.args(["test", "-p", "fapi-server"]);
        outcome = run_tests(root, server_tests, &mut tally);
    }
    if outcome.is_ok() {
        outcome = server_tests_on_postgres(root, &mut tally);
    }

    if outcome.is_ok() {
        outcome = browser_tests(root, &mut tally);
    }
    if outcome.is_ok() {
        outcome = end_to_end(root, &mut tally);
    }
    if outcome.is_ok() {
        outcome = clerk_js(root, &mut tally);
    }
    if outcome.is_ok() {
        outcome = clerk_backend(root, &mut tally);
    }
    if outcome.is_ok() {
        outcome = demo_served(root, &mut tally);
    }
    println!(
        "xtask: {} passed, {} failed, {} skipped in {:.0?}",
        tally.passed,
        tally.failed,
        tally.ignored,
        started.elapsed()
    );
    outcome?;
    if tally.passed == 0 {
        return Err("no test ran".into());
    }
    Ok(())
}

/// fapi-server's unit and integration tests once more, on PostgreSQL: each test
/// server gets a database of its own on one cluster.
fn server_tests_on_postgres(root: &Path, tally: &mut Tally) -> Result {
    let pg = postgres::Postgres::start(root)?;
    eprintln!(
        "xtask: PostgreSQL at {} ({})",
        pg.url,
        if pg.is_throwaway() {
            "throwaway cluster"
        } else {
            "FAPI_TEST_POSTGRES_URL"
        }
    );
    let mut tests = cargo();
    tests
        .args(["test", "-p", "fapi-server", "--tests"])
        .env("FAPI_TEST_POSTGRES_URL", &pg.url);
    let result = run_tests(root, tests, tally);
    drop(pg);
    result
}

/// The components in headless Chromium against a real fapi-server.
/// The OpenID Connect provider fapi-server's sign-in-with-a-provider tests run on
/// loopback (`server/tests/social.rs`): `oidc-provider`, pinned, from npm, in
/// `target/oidc-provider`, where the tests look for it.
fn ensure_oidc_provider(root: &Path) -> Result {
    const VERSION: &str = "9.13.3";
    let home = root.join("target").join("oidc-provider");
    let package = home.join("node_modules").join("oidc-provider");
    let installed = std::fs::read_to_string(package.join("package.json"))
        .is_ok_and(|json| json.contains(&format!("\"version\": \"{VERSION}\"")));
    if installed {
        return Ok(());
    }
    ensure_npm(root)?;
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    // Its own package.json: npm installs here, not in a folder above.
    std::fs::write(home.join("package.json"), "{\"private\": true}\n")
        .map_err(|e| e.to_string())?;
    let mut npm = Command::new("npm");
    npm.args([
        "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        &format!("oidc-provider@{VERSION}"),
    ])
    .current_dir(&home);
    run(&home, npm)
}

/// axe-core, pinned, from npm (the browser tests' accessibility audits), and a
/// folder holding it that the browser tests' server serves.
fn ensure_axe_core(root: &Path) -> Result<PathBuf> {
    const VERSION: &str = "4.10.2";
    let tools = root.join("target").join("axe-core");
    let package = tools.join("node_modules").join("axe-core");
    let installed = std::fs::read_to_string(package.join("package.json"))
        .is_ok_and(|json| json.contains(&format!("\"version\": \"{VERSION}\"")));
    if !installed {
        ensure_npm(root)?;
        std::fs::create_dir_all(&tools).map_err(|e| e.to_string())?;
        let mut npm = Command::new("npm");
        npm.args([
            "install",
            "--no-audit",
            "--no-fund",
            &format!("axe-core@{VERSION}"),
        ])
        .current_dir(&tools);
        run(&tools, npm)?;
    }
    // fapi-server serves a folder with an index.html; axe-core beside it.
    let site = tools.join("site");
    std::fs::create_dir_all(&site).map_err(|e| e.to_string())?;
    std::fs::write(
        site.join("index.html"),
        "<!doctype html><title>axe-core for the browser tests</title>\n",
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(package.join("axe.min.js"), site.join("axe.min.js"))
        .map_err(|e| format!("axe.min.js: {e}"))?;
    Ok(site)
}

fn browser_tests(root: &Path, tally: &mut Tally) -> Result {
    ensure_wasm_bindgen(root)?;
    ensure_chromium(root)?;
    let axe = ensure_axe_core(root)?;
    // Serves /axe.min.js beside the API for the audits.
    let server = start_test_server(root, Some(&test_config(root)), Some(&axe))?;
    let mfa_required = start_test_server(
        root,
        Some(&root.join("xtask").join("test-server-mfa-required.toml")),
        None,
    )?;
    let client_trust = start_test_server(
        root,
        Some(&root.join("xtask").join("test-server-client-trust.toml")),
        None,
    )?;
    let multi_session = start_test_server(
        root,
        Some(&root.join("xtask").join("test-server-multi-session.toml")),
        None,
    )?;
    let mut tests = cargo();
    tests
        .args([
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "yew-clerk",
            "--test",
            "browser",
        ])
        .env("FAPI_TEST_URL", &server.url)
        .env("FAPI_MULTI_SESSION_URL", &multi_session.url)
        .env("FAPI_MFA_REQUIRED_URL", &mfa_required.url)
        .env("FAPI_CLIENT_TRUST_URL", &client_trust.url)
        .env("AXE_CORE", "1")
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "900");
    let result = run_tests(root, tests, tally);
    drop(multi_session);
    drop(client_trust);
    drop(mfa_required);
    drop(server);
    result
}

/// trunk, ready to build the demo as it ships: `--release` runs the release-wasm
/// profile and wasm-opt, which trunk takes from PATH (npm's binaryen) rather than
/// downloading one.
fn trunk(root: &Path) -> Result<Command> {
    ensure_wasm_target(root)?;
    ensure_wasm_bindgen(root)?;
    ensure_trunk(root)?;
    let wasm_opt = ensure_wasm_opt(root)?;
    let bin = wasm_opt.parent().ok_or("wasm-opt has no folder")?;
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin.to_path_buf()];
    dirs.extend(std::env::split_paths(&path));
    let mut trunk = Command::new("trunk");
    trunk.env(
        "PATH",
        std::env::join_paths(dirs).map_err(|e| e.to_string())?,
    );
    Ok(trunk)
}

/// trunk 0.21.14: 0.22 needs a newer rustc, and without `--locked` it does not build.
fn ensure_trunk(root: &Path) -> Result {
    let have = output_of("trunk", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some("0.21.14") {
        return Ok(());
    }
    let mut install = cargo();
    install.args(["install", "trunk", "--version", "0.21.14", "--locked"]);
    run(root, install)
}

/// Where `cargo xtask portal` puts the hosted pages; fapi-server looks there.
fn portal_dist(root: &Path) -> PathBuf {
    root.join("target").join("portal").join("dist")
}

/// The newest modification time of any file under `dirs`.
fn newest_file(dirs: &[PathBuf]) -> Option<std::time::SystemTime> {
    let mut newest = None;
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else if let Ok(modified) = meta.modified() {
            newest = newest.max(Some(modified));
        }
    }
    newest
}

/// fapi-server's hosted pages (`portal/`), built with trunk like the demo (release,
/// wasm-opt) into [`portal_dist`], served under `/__portal/`. Skipped when the
/// build is newer than every source it is made of.
fn build_portal(root: &Path) -> Result {
    let dist = portal_dist(root);
    let built = std::fs::metadata(dist.join("index.html")).and_then(|m| m.modified());
    let sources = [
        root.join("portal"),
        root.join("src"),
        root.join("styles"),
        root.join("types").join("src"),
        root.join("split").join("src"),
        root.join("Cargo.lock"),
    ];
    if let (Ok(built), Some(newest)) = (built, newest_file(&sources)) {
        if newest <= built {
            return Ok(());
        }
    }
    let mut build = trunk(root)?;
    build
        .args([
            "build",
            "--offline",
            "--release",
            "--public-url",
            "/__portal/",
            "--dist",
        ])
        .arg(&dist)
        .current_dir(root.join("portal"));
    run(&root.join("portal"), build)?;
    // Hosted pages are first visits more often than not: the split build.
    split::split_into(root, "portal", &dist, None)?;
    precompress(root, &dist)
}

/// Writes `x.br` (brotli -q 11) and `x.gz` (gzip -9) next to each built wasm, JS,
/// CSS and HTML file, as a CDN would: fapi-server sends them to browsers that take
/// them, instead of compressing as it goes at lower levels.
fn precompress(root: &Path, dist: &Path) -> Result {
    ensure_brotli(root)?;
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "wasm" | "js" | "css" | "html"));
        if !wanted || !path.is_file() {
            continue;
        }
        let mut brotli = Command::new("brotli");
        brotli.args(["-q", "11", "-f", "-k"]).arg(&path);
        run(dist, brotli)?;
        let mut gzip = Command::new("gzip");
        gzip.args(["-9", "-f", "-k", "-n"]).arg(&path);
        run(dist, gzip)?;
    }
    Ok(())
}

fn demo_dir(root: &Path) -> PathBuf {
    root.join("examples").join("demo")
}

/// A free loopback port (for chromedriver, which takes a port, not a listener).
fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

struct Chromedriver(std::process::Child);

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_chromedriver() -> Result<(Chromedriver, String)> {
    let port = free_port()?;
    let child = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("chromedriver: {e}"))?;
    let driver = Chromedriver(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((driver, format!("http://127.0.0.1:{port}")));
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err("chromedriver did not start".into())
}

/// The administrator's password of the e2e dashboard instance (user `admin`).
const E2E_DASHBOARD_PASSWORD: &str = "e2e dashboard password";

/// The demo built with trunk, served by fapi-server, driven over WebDriver.
fn end_to_end(root: &Path, tally: &mut Tally) -> Result {
    let mut build = trunk(root)?;
    build
        .args(["build", "--offline", "--release"])
        .current_dir(demo_dir(root));
    run(&demo_dir(root), build)?;
    // The journeys run the split build: every step behind a split point must load
    // and work as it does in one bundle (the browser tests cover the one bundle).
    split::split_into(root, "demo", &demo_dir(root).join("dist"), None)?;
    precompress(root, &demo_dir(root).join("dist"))?;
    let server = start_test_server(
        root,
        Some(&test_config(root)),
        Some(&demo_dir(root).join("dist")),
    )?;
    let reverify = start_test_server(
        root,
        Some(&root.join("xtask").join("test-server-reverify.toml")),
        Some(&demo_dir(root).join("dist")),
    )?;
    let mfa_required = start_test_server(
        root,
        Some(&root.join("xtask").join("test-server-mfa-required.toml")),
        Some(&demo_dir(root).join("dist")),
    )?;
    // Hosted pages: the portal on one instance, the demo (in hosted mode) served by
    // another, so that app and Frontend API are on two origins.
    build_portal(root)?;
    let hosted_fapi = start_test_server_with(
        root,
        Some(&test_config(root)),
        None,
        &[(
            "FAPI_HOSTED_PAGES_DIR",
            &portal_dist(root).to_string_lossy(),
        )],
    )?;
    let hosted_app = start_test_server(
        root,
        Some(&test_config(root)),
        Some(&demo_dir(root).join("dist")),
    )?;
    // Its own instance: the dashboard test changes the instance's settings.
    let dashboard = start_test_server_with(
        root,
        Some(&test_config(root)),
        Some(&demo_dir(root).join("dist")),
        &[("FAPI_DASHBOARD_PASSWORD", E2E_DASHBOARD_PASSWORD)],
    )?;
    // Sign-in with a provider, against an OpenID Connect provider on loopback.
    let (oidc, social) =
        oidc::with_instance(root, &test_config(root), &demo_dir(root).join("dist"))?;
    // The demo's own API in front of the MFA-required instance: a pending session
    // (no second factor set up yet) must be signed out for it.
    let demo_api = DemoApi::start(root, &mfa_required.url)?;
    let (driver, webdriver_url) = start_chromedriver()?;
    let mut tests = cargo();
    tests
        .args([
            "test",
            "-p",
            "e2e",
            "--test",
            "demo_api",
            "--test",
            "journey",
            "--test",
            "reverification",
            "--test",
            "mfa_required",
            "--test",
            "dashboard",
            "--test",
            "hosted",
            "--test",
            "passkeys",
            "--test",
            "split",
            "--test",
            "social",
        ])
        .env("HOSTED_FAPI_URL", &hosted_fapi.url)
        .env("HOSTED_APP_URL", &hosted_app.url)
        .env("DEMO_URL", &server.url)
        .env("SOCIAL_URL", &social.url)
        .env("REVERIFY_URL", &reverify.url)
        .env("MFA_REQUIRED_URL", &mfa_required.url)
        .env("DEMO_API_URL", &demo_api.url)
        .env("DASHBOARD_URL", &dashboard.url)
        .env("DASHBOARD_PASSWORD", E2E_DASHBOARD_PASSWORD)
        .env("WEBDRIVER_URL", &webdriver_url);
    let result = run_tests(root, tests, tally);
    drop(driver);
    drop(demo_api);
    drop(social);
    drop(oidc);
    drop(dashboard);
    drop(hosted_app);
    drop(hosted_fapi);
    drop(mfa_required);
    drop(reverify);
    drop(server);
    if result.is_ok() {
        eprintln!(
            "xtask: screenshots in {}",
            root.join("target").join("screenshots").display()
        );
    }
    result
}

/// The demo's own API (`examples/demo-api`) for a test: on a free port, trusting
/// the fapi-server at `fapi` (its tokens' issuer, and the app's origin: it serves
/// the demo too). Stops when dropped.
struct DemoApi {
    child: std::process::Child,
    url: String,
}

impl DemoApi {
    fn start(root: &Path, fapi: &str) -> Result<DemoApi> {
        let mut build = cargo();
        build.args(["build", "--quiet", "-p", "demo-api"]);
        run(root, build)?;
        let port = free_port()?;
        let child = Command::new(root.join("target").join("debug").join("demo-api"))
            .env("DEMO_API_LISTEN", format!("127.0.0.1:{port}"))
            .env("CLERK_FRONTEND_API", fapi)
            .env("CLERK_AUTHORIZED_PARTY", fapi)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("demo-api: {e}"))?;
        let api = DemoApi {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(api);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Err("demo-api did not start".into())
    }
}

impl Drop for DemoApi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The official clerk-js the conformance suite runs (README: "tested with").
const CLERK_JS_VERSION: &str = "6.40.0";

/// `@clerk/clerk-js` from npm, unpacked once into `target/clerk-js/<version>/`; the
/// conformance page is served from there, clerk-js in its `clerk/` folder.
fn ensure_clerk_js(root: &Path) -> Result<PathBuf> {
    let home = root.join("target").join("clerk-js").join(CLERK_JS_VERSION);
    let site = home.join("site");
    let script = site.join("clerk").join("clerk.browser.js");
    if !script.exists() {
        ensure_npm(root)?;
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
        // `npm pack` fetches the package alone: no dependencies, no install scripts.
        let mut pack = Command::new("npm");
        pack.args([
            "pack",
            "--silent",
            &format!("@clerk/clerk-js@{CLERK_JS_VERSION}"),
        ]);
        run(&home, pack)?;
        let tarball = home.join(format!("clerk-clerk-js-{CLERK_JS_VERSION}.tgz"));
        let mut untar = Command::new("tar");
        untar.arg("xzf").arg(&tarball);
        run(&home, untar)?;
        std::fs::create_dir_all(&site).map_err(|e| e.to_string())?;
        std::fs::rename(home.join("package").join("dist"), site.join("clerk"))
            .map_err(|e| format!("clerk-js dist: {e}"))?;
        let _ = std::fs::remove_file(&tarball);
    }
    // The page itself is ours, and may have changed since.
    std::fs::copy(
        root.join("e2e").join("clerk-js").join("index.html"),
        site.join("index.html"),
    )
    .map_err(|e| format!("conformance page: {e}"))?;
    Ok(site)
}

/// The prebuilt components clerk-js 6 mounts (`@clerk/ui`), for `pageload`'s Clerk page.
const CLERK_UI_VERSION: &str = "1.36.0";

/// `@clerk/ui` from npm, unpacked once into `target/clerk-ui/<version>/`, its
/// browser files precompressed as a CDN would serve them.
fn ensure_clerk_ui(root: &Path) -> Result<PathBuf> {
    let home = root.join("target").join("clerk-ui").join(CLERK_UI_VERSION);
    let dist = home.join("dist");
    if !dist.join("ui.browser.js.br").exists() {
        ensure_npm(root)?;
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
        let mut pack = Command::new("npm");
        pack.args(["pack", "--silent", &format!("@clerk/ui@{CLERK_UI_VERSION}")]);
        run(&home, pack)?;
        let tarball = home.join(format!("clerk-ui-{CLERK_UI_VERSION}.tgz"));
        let mut untar = Command::new("tar");
        untar.arg("xzf").arg(&tarball);
        run(&home, untar)?;
        std::fs::rename(home.join("package").join("dist"), &dist)
            .map_err(|e| format!("@clerk/ui dist: {e}"))?;
        let _ = std::fs::remove_file(&tarball);
        precompress(root, &dist)?;
    }
    Ok(dist)
}

/// `cargo xtask pageload`: the minimal app and the demo's sign-in page, each built as
/// it ships and precompressed, against Clerk's own sign-in page (clerk-js and
/// @clerk/ui from npm), each served by a fapi-server with the same settings; the
/// loads run in headless Chromium (`e2e/src/bin/pageload.rs`).
fn pageload(root: &Path) -> Result {
    let out = root.join("target").join("pageload");
    let mut built = Vec::new();
    for (app, package, split) in [
        ("minimal", "minimal", false),
        ("minimal-split", "minimal", true),
        ("demo", "demo", false),
    ] {
        let dir = root.join("examples").join(package);
        let dist = out.join(app);
        let mut build = trunk(root)?;
        build
            .args(["build", "--offline", "--release", "--dist"])
            .arg(&dist)
            .current_dir(&dir);
        run(&dir, build)?;
        if split {
            split::split_into(root, package, &dist, None)?;
        }
        precompress(root, &dist)?;
        built.push(dist);
    }
    let clerk_js = ensure_clerk_js(root)?.join("clerk");
    precompress(root, &clerk_js)?;
    let clerk_ui = ensure_clerk_ui(root)?;
    let clerk_site = out.join("clerk");
    let _ = std::fs::remove_dir_all(&clerk_site);
    std::fs::create_dir_all(&clerk_site).map_err(|e| e.to_string())?;
    std::fs::copy(
        root.join("e2e").join("pageload").join("index.html"),
        clerk_site.join("index.html"),
    )
    .map_err(|e| format!("Clerk's page: {e}"))?;
    for (name, target) in [("clerk", &clerk_js), ("ui", &clerk_ui)] {
        link_dir(target, &clerk_site.join(name)).map_err(|e| format!("{name}: {e}"))?;
    }
    let config = root.join("xtask").join("clerk-js-server.toml");
    let minimal = start_test_server(root, Some(&config), Some(&built[0]))?;
    let minimal_split = start_test_server(root, Some(&config), Some(&built[1]))?;
    let demo = start_test_server(root, Some(&config), Some(&built[2]))?;
    let clerk = start_test_server(root, Some(&config), Some(&clerk_site))?;
    let (driver, webdriver_url) = start_chromedriver()?;
    let mut bench = cargo();
    bench
        .args(["run", "--quiet", "-p", "e2e", "--bin", "pageload"])
        .env("PAGELOAD_MINIMAL_URL", format!("{}/", minimal.url))
        .env(
            "PAGELOAD_MINIMAL_SPLIT_URL",
            format!("{}/", minimal_split.url),
        )
        .env("PAGELOAD_DEMO_URL", format!("{}/sign-in", demo.url))
        .env("PAGELOAD_CLERK_URL", format!("{}/", clerk.url))
        .env("WEBDRIVER_URL", &webdriver_url);
    let result = run(root, bench);
    drop(driver);
    drop((minimal, minimal_split, demo, clerk));
    result
}

/// `link` names `target` (a symbolic link where there are such).
#[cfg(unix)]
fn link_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn link_dir(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(target, link)
}

/// The clerk-js conformance suite: the official SDK in headless Chromium against a
/// fapi-server with its embedded defaults (Clerk's own per-IP limits included) and
/// every second factor on (`xtask/clerk-js-server.toml`).
fn clerk_js(root: &Path, tally: &mut Tally) -> Result {
    let site = ensure_clerk_js(root)?;
    let config = root.join("xtask").join("clerk-js-server.toml");
    let server = start_test_server(root, Some(&config), Some(&site))?;
    let trust_config = root.join("xtask").join("clerk-js-server-client-trust.toml");
    let client_trust = start_test_server(root, Some(&trust_config), Some(&site))?;
    let (oidc, social) = oidc::with_instance(root, &config, &site)?;
    let (driver, webdriver_url) = start_chromedriver()?;
    let mut tests = cargo();
    tests
        .args(["test", "-p", "e2e", "--test", "clerk_js"])
        .env("DEMO_URL", &server.url)
        .env("CLIENT_TRUST_URL", &client_trust.url)
        .env("SOCIAL_CLERK_JS_URL", &social.url)
        .env("CLERK_JS_VERSION", CLERK_JS_VERSION)
        .env("WEBDRIVER_URL", &webdriver_url);
    let result = run_tests(root, tests, tally);
    drop(driver);
    drop(social);
    drop(oidc);
    drop(client_trust);
    drop(server);
    result
}

/// Clerk's official backend SDK, pinned with its dependencies by
/// `e2e/clerk-backend/package-lock.json`, installed once into
/// `target/clerk-backend/` beside the conformance script.
fn ensure_clerk_backend(root: &Path) -> Result<PathBuf> {
    let source = root.join("e2e").join("clerk-backend");
    let home = root.join("target").join("clerk-backend");
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    let lock = std::fs::read(source.join("package-lock.json")).map_err(|e| e.to_string())?;
    let installed = home.join("node_modules").join(".package-lock.json");
    let stamp = home.join("installed-lock.json");
    if !installed.exists() || std::fs::read(&stamp).ok().as_deref() != Some(&lock[..]) {
        ensure_npm(root)?;
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(source.join(file), home.join(file)).map_err(|e| e.to_string())?;
        }
        let mut npm = Command::new("npm");
        npm.args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"]);
        run(&home, npm)?;
        std::fs::write(&stamp, &lock).map_err(|e| e.to_string())?;
    }
    // The script is ours, and may have changed since.
    std::fs::copy(source.join("conformance.mjs"), home.join("conformance.mjs"))
        .map_err(|e| format!("conformance script: {e}"))?;
    Ok(home)
}

/// The key `xtask/clerk-backend-server.toml` opens its Backend API with.
const CONFORMANCE_SECRET_KEY: &str = "sk_test_conformanceconformanceconformance0123";
/// The signing secret of the conformance test's webhook endpoint.
const CONFORMANCE_WEBHOOK_SECRET: &str = "whsec_Y29uZm9ybWFuY2Vjb25mb3JtYW5jZWNvbmZvcm1hbmNl";

/// Clerk's official backend SDK against fapi-server's Backend API.
fn clerk_backend(root: &Path, tally: &mut Tally) -> Result {
    let dir = ensure_clerk_backend(root)?;
    // The test's webhook receiver listens on a port free now; the server's settings
    // name it as an endpoint.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let base = std::fs::read_to_string(root.join("xtask").join("clerk-backend-server.toml"))
        .map_err(|e| e.to_string())?;
    let config = dir.join("server.toml");
    std::fs::write(
        &config,
        format!(
            "{base}\n[[webhook_endpoints]]\nurl = \"http://127.0.0.1:{port}/webhooks/clerk\"\n\
             secret = \"{CONFORMANCE_WEBHOOK_SECRET}\"\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let server = start_test_server(root, Some(&config), None)?;
    let mut tests = cargo();
    tests
        .args(["test", "-p", "e2e", "--test", "clerk_backend"])
        .env("BACKEND_API_URL", &server.url)
        .env("BACKEND_SECRET_KEY", CONFORMANCE_SECRET_KEY)
        .env("WEBHOOK_RECEIVER_PORT", port.to_string())
        .env("WEBHOOK_SECRET", CONFORMANCE_WEBHOOK_SECRET)
        .env("CLERK_BACKEND_DIR", &dir);
    let result = run_tests(root, tests, tally);
    drop(server);
    result
}

fn file_size(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn gzip_size(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    Ok(out.stdout.len() as u64)
}

/// binaryen from npm: Debian's wasm-opt is too old for today's rustc output.
fn ensure_wasm_opt(root: &Path) -> Result<PathBuf> {
    let tools = root.join("target").join("size-tools");
    let bin = tools.join("node_modules").join(".bin").join("wasm-opt");
    if !bin.exists() {
        std::fs::create_dir_all(&tools).map_err(|e| e.to_string())?;
        let mut npm = Command::new("npm");
        npm.args(["install", "--no-audit", "--no-fund", "binaryen@132"])
            .current_dir(&tools);
        run(&tools, npm)?;
    }
    Ok(bin)
}

/// terser from npm, beside binaryen: the split build minifies its JS glue with it.
fn ensure_terser(root: &Path) -> Result<PathBuf> {
    const VERSION: &str = "5.51.4";
    let tools = root.join("target").join("size-tools");
    let bin = tools.join("node_modules").join(".bin").join("terser");
    let installed = std::fs::read_to_string(
        tools
            .join("node_modules")
            .join("terser")
            .join("package.json"),
    )
    .is_ok_and(|json| json.contains(&format!("\"version\": \"{VERSION}\"")));
    if !installed {
        ensure_npm(root)?;
        std::fs::create_dir_all(&tools).map_err(|e| e.to_string())?;
        let mut npm = Command::new("npm");
        npm.args(["install", "--no-audit", "--no-fund"])
            .arg(format!("terser@{VERSION}"))
            .current_dir(&tools);
        run(&tools, npm)?;
    }
    Ok(bin)
}

/// What a browser downloads: `examples/minimal` (provider + sign-in) and the demo
/// (every component), each in the release-wasm profile, after wasm-bindgen and
/// `wasm-opt -Oz`; wasm, JS glue and their total, raw, gzip -9 and brotli -q 11.
fn size(root: &Path) -> Result {
    ensure_wasm_target(root)?;
    ensure_wasm_bindgen(root)?;
    ensure_brotli(root)?;
    let wasm_opt = ensure_wasm_opt(root)?;
    for (package, what) in [
        ("minimal", "minimal app (ClerkProvider + SignIn)"),
        ("demo", "the demo (every component)"),
    ] {
        let (wasm, js) = optimised_bundle(root, package, &wasm_opt)?;
        println!("{what}, release-wasm profile, wasm-opt -Oz:");
        println!(
            "  {:<10} {:>9} {:>9} {:>9}",
            "", "bytes", "gzip -9", "brotli"
        );
        let mut total = [0u64; 3];
        for (name, path) in [("wasm", &wasm), ("JS glue", &js)] {
            let sizes = [file_size(path)?, gzip_size(path)?, brotli_size(path)?];
            for (t, n) in total.iter_mut().zip(sizes) {
                *t += n;
            }
            println!(
                "  {name:<10} {:>9} {:>9} {:>9}",
                sizes[0], sizes[1], sizes[2]
            );
        }
        println!(
            "  {:<10} {:>9} {:>9} {:>9}",
            "total", total[0], total[1], total[2]
        );
    }
    let out = root.join("target").join("size").join("minimal-split");
    let split = split::split_build(root, "minimal", &out)?;
    println!("minimal app, split build (yew-clerk's feature `split`):");
    println!(
        "  {:<28} {:>9} {:>9} {:>9}",
        "", "bytes", "gzip -9", "brotli"
    );
    let mut first = [0u64; 3];
    for path in &split.first {
        let sizes = [file_size(path)?, gzip_size(path)?, brotli_size(path)?];
        for (t, n) in first.iter_mut().zip(sizes) {
            *t += n;
        }
        print_row(path, sizes);
    }
    println!(
        "  {:<28} {:>9} {:>9} {:>9}",
        "first load", first[0], first[1], first[2]
    );
    println!("  chunks, each when needed:");
    for chunk in &split.chunks {
        print_row(
            chunk,
            [file_size(chunk)?, gzip_size(chunk)?, brotli_size(chunk)?],
        );
    }
    Ok(())
}

fn print_row(path: &Path, sizes: [u64; 3]) {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    println!(
        "  {name:<28} {:>9} {:>9} {:>9}",
        sizes[0], sizes[1], sizes[2]
    );
}

/// Builds `package` for the browser as it ships: the optimised wasm and its JS glue.
fn optimised_bundle(root: &Path, package: &str, wasm_opt: &Path) -> Result<(PathBuf, PathBuf)> {
    let mut build = cargo();
    build.args([
        "build",
        "--profile",
        "release-wasm",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        package,
    ]);
    run(root, build)?;
    let out = root.join("target").join("size").join(package);
    let wasm = root
        .join("target")
        .join("wasm32-unknown-unknown")
        .join("release-wasm")
        .join(format!("{package}.wasm"));
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out)
        .arg(&wasm);
    run(root, bindgen)?;
    let bound = out.join(format!("{package}_bg.wasm"));
    let optimised = out.join(format!("{package}_opt.wasm"));
    let mut opt = Command::new(wasm_opt);
    opt.arg("-Oz")
        .args(WASM_FEATURES)
        .arg("-o")
        .arg(&optimised)
        .arg(&bound);
    run(root, opt)?;
    Ok((optimised, out.join(format!("{package}.js"))))
}

/// What wasm-opt may assume of the browser: what today's rustc emits for
/// wasm32-unknown-unknown (the same list the apps' `index.html` give trunk).
const WASM_FEATURES: [&str; 5] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Brotli from Debian's packages, for what a CDN would serve.
fn ensure_brotli(root: &Path) -> Result {
    if output_of("brotli", &["--version"]).is_some() {
        return Ok(());
    }
    apt_install(root, &["brotli"])
}

fn brotli_size(path: &Path) -> Result<u64> {
    let out = Command::new("brotli")
        .args(["-q", "11", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("brotli: {e}"))?;
    Ok(out.stdout.len() as u64)
}

fn bench(root: &Path) -> Result {
    // wrk drives the throughput part (token mints against `/health`).
    // (`wrk -v` exits 1, so only whether it runs at all is asked.)
    if Command::new("wrk").arg("-v").output().is_err() {
        apt_install(root, &["wrk"])?;
    }
    // The same rounds on PostgreSQL: a throwaway cluster unless
    // FAPI_TEST_POSTGRES_URL names one.
    let pg = postgres::Postgres::start(root)?;
    let mut bench = cargo();
    bench
        .args(["bench", "-p", "fapi-server", "--bench", "flows"])
        .env("FAPI_BENCH_POSTGRES_URL", &pg.url);
    let result = run(root, bench);
    drop(pg);
    result
}

/// Where the demo keeps its database: outside `examples/demo/`, which `trunk serve`
/// watches, so a sign-up does not rebuild and reload the page under the user.
fn demo_data_dir(root: &Path) -> PathBuf {
    root.join("target").join("demo")
}

/// The three processes of `cargo xtask demo`; all stop when this is dropped.
struct Demo {
    server: std::process::Child,
    api: std::process::Child,
    trunk: std::process::Child,
}

impl Drop for Demo {
    fn drop(&mut self) {
        for child in [&mut self.trunk, &mut self.api, &mut self.server] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// What the demo serves on: trunk's port (Trunk.toml), the Frontend API and the
/// demo's own API it proxies to.
const DEMO_PORT: u16 = 8080;
const DEMO_API_PORT: u16 = 3000;
const DEMO_APP_API_PORT: u16 = 3001;

/// A Backend API secret key for one run of the demo, shared by fapi-server and the
/// demo's API: random, never written anywhere.
fn demo_secret_key() -> Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 24];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(format!(
        "sk_test_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

/// Starts fapi-server (embedded defaults, data in [`demo_data_dir`]) and
/// `trunk serve --offline` in front of it, exactly as `cargo xtask demo` does.
/// `trunk_output` takes trunk's log (the demo test reads it); `None` shows it.
/// `step_up_minutes`: how recent a second factor the demo's API wants for "delete all
/// my notes" (10 when `None`; the tests shorten it).
fn start_demo(
    root: &Path,
    trunk_output: Option<std::fs::File>,
    step_up_minutes: Option<u32>,
    config: Option<&Path>,
) -> Result<Demo> {
    ensure_wasm_target(root)?;
    ensure_wasm_bindgen(root)?;
    ensure_trunk(root)?;
    for port in [DEMO_PORT, DEMO_API_PORT, DEMO_APP_API_PORT] {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
            return Err(format!(
                "port {port} is taken (is another `cargo xtask demo` running?)"
            ));
        }
    }
    build_portal(root)?;
    let mut build = cargo();
    build.args(["build", "--quiet", "-p", "fapi-server", "-p", "demo-api"]);
    run(root, build)?;
    let secret_key = demo_secret_key()?;
    let data = demo_data_dir(root);
    std::fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    // Earlier versions kept it in the watched folder: bring the accounts along.
    let old = demo_dir(root).join(".fapi");
    if old.join("fapi.db").exists() && !data.join("fapi.db").exists() {
        for file in ["fapi.db", "fapi.db-wal", "fapi.db-shm"] {
            let _ = std::fs::rename(old.join(file), data.join(file));
        }
        let _ = std::fs::remove_dir(&old);
    }
    let mut server = Command::new(root.join("target").join("debug").join("fapi-server"))
        .env("FAPI_LISTEN", format!("127.0.0.1:{DEMO_API_PORT}"))
        .env(
            "FAPI_DATABASE_URL",
            format!("sqlite://{}/fapi.db", data.display()),
        )
        .env("FAPI_SECRET_KEY", &secret_key)
        .envs(config.map(|c| ("FAPI_CONFIG", c)))
        .spawn()
        .map_err(|e| format!("fapi-server: {e}"))?;
    wait_until_listening(&mut server, DEMO_API_PORT)?;
    // `localhost`, not `127.0.0.1`: WebAuthn takes no IP address as a relying party,
    // so passkeys work only there (trunk and the servers listen on 127.0.0.1, which
    // `localhost` reaches).
    let origin = format!("http://localhost:{DEMO_PORT}");
    let api = Command::new(root.join("target").join("debug").join("demo-api"))
        .env("DEMO_API_LISTEN", format!("127.0.0.1:{DEMO_APP_API_PORT}"))
        .env("CLERK_FRONTEND_API", &origin)
        .env("CLERK_AUTHORIZED_PARTY", &origin)
        .env("CLERK_API_URL", format!("http://127.0.0.1:{DEMO_API_PORT}"))
        .env("CLERK_SECRET_KEY", &secret_key)
        .envs(step_up_minutes.map(|m| ("DEMO_STEP_UP_MINUTES", m.to_string())))
        .spawn();
    let mut api = match api {
        Ok(child) => child,
        Err(e) => {
            let _ = server.kill();
            return Err(format!("demo-api: {e}"));
        }
    };
    let mut trunk = self::trunk(root)?;
    trunk
        .args(["serve", "--offline", "--release"])
        .current_dir(demo_dir(root));
    if let Some(log) = trunk_output {
        let err = log.try_clone().map_err(|e| e.to_string())?;
        trunk.stdout(log).stderr(err).env("NO_COLOR", "true");
    }
    eprintln!("xtask: $ {}", describe(&trunk));
    let trunk = match trunk.spawn() {
        Ok(child) => child,
        Err(e) => {
            let _ = server.kill();
            let _ = api.kill();
            return Err(format!("trunk: {e}"));
        }
    };
    Ok(Demo { server, api, trunk })
}

/// Waits until `server` listens on `port`. One that stopped (a database it refuses,
/// settings it cannot run with) says why above; the demo must not go on without it.
fn wait_until_listening(server: &mut std::process::Child, port: u16) -> Result {
    let started = Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(60) {
        if let Ok(Some(status)) = server.try_wait() {
            return Err(format!(
                "fapi-server stopped ({status}); its reason is above"
            ));
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = server.kill();
    Err(format!(
        "fapi-server did not listen on {port} within a minute"
    ))
}

/// fapi-server with its embedded defaults (and its hosted pages), and the demo
/// served by trunk in front of it (one origin: trunk proxies /v1, /.well-known and
/// /dev). `hosted`: the demo is opened in hosted-pages mode, talking to fapi-server
/// on its own origin. Ctrl-C stops both.
fn demo(root: &Path, hosted: bool) -> Result {
    // A local OpenID Connect provider, so that "Continue with Loopback ID" can be
    // tried with no app registered anywhere; the demo runs without it if node or the
    // provider cannot be had.
    std::fs::create_dir_all(demo_data_dir(root)).map_err(|e| e.to_string())?;
    let social = match oidc::for_demo(root, &[DEMO_PORT, DEMO_API_PORT], &demo_data_dir(root)) {
        Ok(started) => Some(started),
        Err(e) => {
            eprintln!("xtask: no local sign-in provider for the demo ({e}); going on without it");
            None
        }
    };
    let mut demo = start_demo(root, None, None, social.as_ref().map(|(_, c)| c.as_path()))?;
    eprintln!(
        "\nxtask: the demo is at http://localhost:{DEMO_PORT}  (Frontend API: http://localhost:{DEMO_API_PORT}, the demo's own API: http://localhost:{DEMO_APP_API_PORT}/api)\n\
         xtask: test phone +1 201 555 0100 and emails with +clerk_test take code 424242;\n\
         xtask: other codes appear in this terminal (and at /dev/outbox). Ctrl-C stops both.\n{}{}",
        if std::env::var_os("FAPI_DASHBOARD_PASSWORD").is_some() {
            format!("xtask: the dashboard is at http://localhost:{DEMO_API_PORT}/dashboard (user admin)\n")
        } else {
            "xtask: the dashboard is off; run with FAPI_DASHBOARD_PASSWORD='at least 12 characters' to turn it on\n".to_owned()
        },
        match &social {
            Some((provider, _)) => format!("xtask: \"Continue with Loopback ID\" is a local OpenID Connect provider at {}: sign in there with any email\n", provider.issuer),
            None => String::new(),
        }
    );
    if hosted {
        eprintln!(
            "xtask: hosted pages: open http://localhost:{DEMO_PORT}/?hosted=http://localhost:{DEMO_API_PORT}\n\
             xtask: (sign-in, sign-up and the profile are then fapi-server's pages on :{DEMO_API_PORT})\n"
        );
    }
    let served = demo.trunk.wait().map_err(|e| format!("trunk: {e}"))?;
    if served.success() {
        Ok(())
    } else {
        Err(format!("trunk serve stopped ({served})"))
    }
}

/// Waits until `url` answers 200 (trunk serves only once its first build is done),
/// or `trunk` stops.
fn wait_until_served(
    url: &str,
    trunk: &mut std::process::Child,
    limit: std::time::Duration,
) -> Result {
    let started = Instant::now();
    let (host, path) = url
        .strip_prefix("http://")
        .and_then(|rest| rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))))
        .ok_or_else(|| format!("not an http URL: {url}"))?;
    while started.elapsed() < limit {
        if let Ok(Some(status)) = trunk.try_wait() {
            return Err(format!(
                "trunk serve stopped ({status}) before serving {url}"
            ));
        }
        if let Ok(mut stream) = std::net::TcpStream::connect(host) {
            use std::io::{Read, Write};
            let _ = write!(
                stream,
                "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            );
            let mut head = [0u8; 12];
            if stream.read_exact(&mut head).is_ok() && head.ends_with(b"200") {
                return Ok(());
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    Err(format!("{url} did not come up in {limit:?}"))
}

/// The demo as `cargo xtask demo` serves it (trunk serve, watching), driven in a
/// browser through database writes: the page must never rebuild or reload.
fn demo_served(root: &Path, tally: &mut Tally) -> Result {
    let log_path = root.join("target").join("demo-trunk.log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    // "Delete all my notes" asks "Verify it's you" once the sign-in is a minute old.
    let mut demo = start_demo(root, Some(log), Some(0), None)?;
    wait_until_served(
        &format!("http://127.0.0.1:{DEMO_PORT}/"),
        &mut demo.trunk,
        std::time::Duration::from_secs(900),
    )
    .map_err(|e| format!("{e}; trunk's log: {}", log_path.display()))?;
    let (driver, webdriver_url) = start_chromedriver()?;
    let mut tests = cargo();
    tests
        .args(["test", "-p", "e2e", "--test", "demo_served"])
        // As the README tells people to open it.
        .env("DEMO_URL", format!("http://localhost:{DEMO_PORT}"))
        .env("TRUNK_LOG", &log_path)
        .env("WEBDRIVER_URL", &webdriver_url);
    let result = run_tests(root, tests, tally);
    drop(driver);
    drop(demo);
    result
}

#[cfg(test)]
mod tests {
    use super::Tally;

    #[test]
    fn tallies_cargo_result_lines() {
        let mut t = Tally::default();
        t.read("test result: ok. 16 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.10s");
        t.read("test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1s");
        t.read("running 4 tests");
        assert_eq!((t.passed, t.failed, t.ignored), (19, 1, 2));
    }
}
