//! The OpenID Connect provider the sign-in-with-a-provider tests run on loopback:
//! `oidc-provider` (OpenID Certified) from npm, with the server tests' script
//! (`server/tests/oidc/provider.mjs`), standing in for Google or any provider.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
};

use crate::{ensure_oidc_provider, free_port, start_test_server_with, Result, TestServer};

/// The client fapi-server is to the provider.
pub const CLIENT_ID: &str = "fapi-e2e-client";
pub const CLIENT_SECRET: &str = "a secret the e2e provider and fapi-server share";

/// The provider process, stopped when dropped.
pub struct OidcProvider {
    child: Child,
    pub issuer: String,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl OidcProvider {
    /// Starts the provider on a free port, sending people back to `redirect_uri`.
    pub fn start(root: &Path, redirect_uri: &str) -> Result<OidcProvider> {
        ensure_oidc_provider(root)?;
        let home = root.join("target").join("oidc-provider");
        // Beside its node_modules: an ES module finds its imports from where it lies.
        std::fs::copy(
            root.join("server/tests/oidc/provider.mjs"),
            home.join("provider.mjs"),
        )
        .map_err(|e| format!("the provider's script: {e}"))?;
        let port = free_port()?;
        let mut child = Command::new("node")
            .arg(home.join("provider.mjs"))
            .args([&port.to_string(), redirect_uri, CLIENT_ID, CLIENT_SECRET])
            .current_dir(&home)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("node: {e}"))?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let issuer = lines
            .by_ref()
            .map_while(|l| l.ok())
            .find_map(|l| l.strip_prefix("listening ").map(str::to_owned))
            .ok_or("the OpenID Connect provider did not start")?;
        // Read on: a closed pipe would end the provider at its next line of output.
        std::thread::spawn(move || lines.for_each(drop));
        eprintln!("xtask: OpenID Connect provider at {issuer}");
        Ok(OidcProvider { child, issuer })
    }
}

/// The settings `base` with the provider `issuer` offered as "Loopback ID" (its
/// verified emails trusted: it is no real provider), written under `target/` as
/// `name`.
pub fn social_config(root: &Path, base: &Path, issuer: &str, name: &str) -> Result<PathBuf> {
    let base = std::fs::read_to_string(base).map_err(|e| e.to_string())?;
    let dir = root.join("target").join("browser-tests");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(name);
    std::fs::write(&path, base + &loopback_id(issuer, true)).map_err(|e| e.to_string())?;
    Ok(path)
}

/// The `[[social]]` entry offering the provider at `issuer` as "Loopback ID".
fn loopback_id(issuer: &str, trust_verified_email: bool) -> String {
    format!(
        "\n[[social]]\nprovider = \"loopback_id\"\nname = \"Loopback ID\"\nclient_id = \"{CLIENT_ID}\"\nclient_secret = \"{CLIENT_SECRET}\"\nissuer = \"{issuer}\"\ntrust_verified_email = {trust_verified_email}\n"
    )
}

/// For `cargo xtask demo`: the provider, sending people back through the demo's
/// `ports` (on `localhost` or `127.0.0.1`), and settings offering it (the embedded
/// defaults plus the provider) in `dir`. Its emails are not trusted: any login
/// works there, so an address it gives is proven by code, and only accounts made
/// through it sign in through it.
pub fn for_demo(root: &Path, ports: &[u16], dir: &Path) -> Result<(OidcProvider, PathBuf)> {
    // The app's origin, and the Frontend API's own (its hosted pages).
    let callbacks = ports
        .iter()
        .flat_map(|port| {
            ["localhost", "127.0.0.1"].map(|host| format!("http://{host}:{port}/v1/oauth_callback"))
        })
        .collect::<Vec<_>>()
        .join(",");
    let provider = OidcProvider::start(root, &callbacks)?;
    let path = dir.join("demo-social.toml");
    let text = format!(
        "# Written by `cargo xtask demo`: the embedded defaults and a local provider.\n{}",
        loopback_id(&provider.issuer, false)
    );
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    Ok((provider, path))
}

/// The provider, and an instance offering it (settings `base` plus the provider),
/// serving `site`. The provider must know the instance's callback before the
/// instance starts, so the instance's port is chosen first.
pub fn with_instance(root: &Path, base: &Path, site: &Path) -> Result<(OidcProvider, TestServer)> {
    let port = free_port()?;
    let api = format!("http://127.0.0.1:{port}");
    let provider = OidcProvider::start(root, &format!("{api}/v1/oauth_callback"))?;
    let name = format!(
        "social-{}",
        base.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("settings.toml")
    );
    let config = social_config(root, base, &provider.issuer, &name)?;
    let server = start_test_server_with(
        root,
        Some(&config),
        Some(site),
        &[("FAPI_LISTEN", &format!("127.0.0.1:{port}"))],
    )?;
    Ok((provider, server))
}
