//! How long the flows a user waits on take, against a real server over loopback HTTP:
//! a password sign-in (one Argon2id check), a passkey sign-in (a challenge, then one
//! signature check), a token mint (one ES256 signature), and password sign-ins from
//! many clients at once (the bounded hashing pool at work).
//!
//! `cargo xtask bench` (or `cargo bench -p fapi-server`). Prints medians and p95,
//! on SQLite, and again on PostgreSQL when `FAPI_BENCH_POSTGRES_URL` names a server
//! (`cargo xtask bench` starts a throwaway one).

use std::time::{Duration, Instant};

use fapi_server::{
    config::{Settings, TokenAlgorithm},
    Server,
};
use serde_json::Value;

const PASSWORD: &str = "correct horse battery staple";

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<40} n={:<4} median {:>8.2?}  p95 {:>8.2?}  max {:>8.2?}",
        samples.len(),
        pick(0.5),
        pick(0.95),
        pick(1.0)
    );
}

/// An account with `email` (a `+clerk_test` address: its code is 424242).
async fn sign_up(base: &str, email: &str) {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    sign_up_on(&http, base, email).await;
}

/// Signs up on `http`'s client; the new session's id.
async fn sign_up_on(http: &reqwest::Client, base: &str, email: &str) -> String {
    let v = post(
        http,
        format!("{base}/v1/client/sign_ups"),
        &[("email_address", email), ("password", PASSWORD)],
    )
    .await;
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    post(
        http,
        format!("{base}/v1/client/sign_ups/{id}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await;
    let v = post(
        http,
        format!("{base}/v1/client/sign_ups/{id}/attempt_verification"),
        &[("strategy", "email_code"), ("code", "424242")],
    )
    .await;
    v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The engine a round of the bench runs on.
#[derive(Clone)]
enum Engine {
    Sqlite,
    /// The server's URL; each server of the bench gets a database of its own.
    Postgres(String),
}

impl Engine {
    fn name(&self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres(_) => "PostgreSQL",
        }
    }

    /// A fresh database for a server whose files live in `dir`.
    fn database_url(&self, dir: &std::path::Path) -> String {
        match self {
            Engine::Sqlite => format!("sqlite://{}/bench.db", dir.display()),
            Engine::Postgres(server) => {
                let name: String = dir
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                format!(
                    "{}/fapi_bench_{}",
                    server.trim_end_matches('/'),
                    name.to_lowercase()
                )
            }
        }
    }
}

/// Defaults with a database in `dir` and no per-IP limits (every request of a
/// benchmark comes from one address).
fn unlimited(engine: &Engine, dir: &std::path::Path) -> Settings {
    Settings {
        database_url: engine.database_url(dir),
        secrets_key_file: Some(dir.join("fapi-secrets.key")),
        limits: fapi_server::config::Limits {
            attempts_per_10s: 1_000_000,
            sign_in_create_per_10s: 1_000_000,
            sign_up_create_per_10s: 1_000_000,
            client_create_per_10s: 1_000_000,
            sign_up_password_per_10s: 1_000_000,
            prepare_per_10s: 1_000_000,
        },
        email: fapi_server::config::EmailProtection {
            per_address_per_hour: 1_000_000,
            per_ip_per_hour: 1_000_000,
            per_account_per_hour: 1_000_000,
            per_hour: 1_000_000,
        },
        ..Settings::default()
    }
}

/// A server on loopback, its URL, and one browser (with cookies) for it.
async fn start(settings: Settings) -> (Server, String, reqwest::Client) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server::start_on(settings, listener).await.unwrap();
    let base = format!("http://{}", server.addr());
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    (server, base, http)
}

async fn post(http: &reqwest::Client, url: String, form: &[(&str, &str)]) -> Value {
    let r = http.post(url).form(form).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

#[tokio::main]
async fn main() {
    let mut engines = vec![Engine::Sqlite];
    if let Ok(url) = std::env::var("FAPI_BENCH_POSTGRES_URL") {
        if !url.is_empty() {
            engines.push(Engine::Postgres(url));
        }
    }
    for engine in &engines {
        println!("== {} ==", engine.name());
        flows(engine).await;
        for algorithm in [TokenAlgorithm::Es256, TokenAlgorithm::Rs256] {
            mints_against_health(engine, algorithm).await;
        }
        second_factor_attempts_at_once(engine, 200).await;
    }
    enumeration_timing().await;
}

/// Sign-in latency and throughput against raw Argon2id, and mint latency.
async fn flows(engine: &Engine) {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        single_session_mode: false,
        ..unlimited(engine, dir.path())
    };
    let (server, base, http) = start(settings).await;

    sign_up(&base, "bench+clerk_test@example.com").await;

    let sign_in = [
        ("identifier", "bench+clerk_test@example.com"),
        ("password", PASSWORD),
        ("strategy", "password"),
    ];
    let mut samples = Vec::new();
    let mut session = String::new();
    for _ in 0..50 {
        let t = Instant::now();
        let v = post(&http, format!("{base}/v1/client/sign_ins"), &sign_in).await;
        samples.push(t.elapsed());
        session = v["response"]["created_session_id"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    stats("password sign-in (create, complete)", samples);
    passkey_sign_ins(&http, &base, &session).await;

    let mut samples = Vec::new();
    for _ in 0..500 {
        let t = Instant::now();
        post(
            &http,
            format!("{base}/v1/client/sessions/{session}/tokens"),
            &[],
        )
        .await;
        samples.push(t.elapsed());
    }
    stats("session token mint", samples);

    // Sixteen people signing in at once, each to their own account (more than ten
    // sign-ins of one account in flight at once meet its lockout, which counts every
    // try before checking it).
    let clients = 16;
    for i in 0..clients {
        sign_up(&base, &format!("bench{i}+clerk_test@example.com")).await;
    }
    // Throughput against the ceiling: the same Argon2id checks on the same bounded
    // pool, no HTTP, no database. The machine's speed drifts between runs (shared
    // cores), so the two are measured back to back, five times, and the median ratio
    // is the result.
    let passwords = std::sync::Arc::new(fapi_server::passwords::Passwords::new());
    let stored = passwords.hash(PASSWORD).await;
    let mut latencies = Vec::new();
    let mut rounds = Vec::new();
    // Each person's browser exists before the clock starts (building an HTTP client
    // loads TLS roots: milliseconds of CPU that are no part of a sign-in).
    let browsers: Vec<reqwest::Client> = (0..clients)
        .map(|_| {
            reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap()
        })
        .collect();
    for _ in 0..5 {
        let t = Instant::now();
        let handles: Vec<_> = (0..clients)
            .map(|i| {
                let (base, http) = (base.clone(), browsers[i].clone());
                tokio::spawn(async move {
                    let email = format!("bench{i}+clerk_test@example.com");
                    let sign_in = [
                        ("identifier", email.as_str()),
                        ("password", PASSWORD),
                        ("strategy", "password"),
                    ];
                    let mut samples = Vec::new();
                    for _ in 0..5 {
                        let t = Instant::now();
                        post(&http, format!("{base}/v1/client/sign_ins"), &sign_in).await;
                        samples.push(t.elapsed());
                    }
                    samples
                })
            })
            .collect();
        let mut n = 0;
        for h in handles {
            let samples = h.await.unwrap();
            n += samples.len();
            latencies.extend(samples);
        }
        let sign_ins_per_s = n as f64 / t.elapsed().as_secs_f64();

        let t = Instant::now();
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let (passwords, stored) = (passwords.clone(), stored.clone());
                tokio::spawn(async move {
                    for _ in 0..5 {
                        passwords.check(PASSWORD, Some(&stored)).await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
        let checks_per_s = (clients * 5) as f64 / t.elapsed().as_secs_f64();
        rounds.push((sign_ins_per_s, checks_per_s));
    }
    stats(
        &format!("password sign-in, {clients} clients at once"),
        latencies,
    );
    for (sign_ins, checks) in &rounds {
        println!(
            "{:<40} {sign_ins:.1} sign-ins/s vs {checks:.1} raw Argon2id checks/s: {:.2}x",
            "round",
            sign_ins / checks
        );
    }
    let mut ratios: Vec<f64> = rounds.iter().map(|(s, c)| s / c).collect();
    ratios.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{:<40} sign-ins reach {:.2}x of raw Argon2id (median of {} rounds) on {} cores",
        "throughput",
        ratios[ratios.len() / 2],
        ratios.len(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    server.stop().await;
}

/// `clients` people at the SMS-code step at the same moment, each with their own
/// account and the right code: how long the last of them waits (the goal: p99 under
/// 20 ms; no hash on this path, so only the database can make them queue).
async fn second_factor_attempts_at_once(engine: &Engine, clients: usize) {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        single_session_mode: false,
        ..unlimited(engine, dir.path())
    };
    let (server, base, _) = start(settings).await;
    let mut ready = Vec::new();
    for i in 0..clients {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let email = format!("second{i}+clerk_test@example.com");
        // Clerk's test numbers (+1 XXX 555-0100..0199) take the code 424242.
        let phone = format!("+1{}5550100", 201 + i);
        let sid = sign_up_on(&http, &base, &email).await;
        post(&http, format!("{base}/v1/client/sessions/{sid}/touch"), &[]).await;
        let me = format!("_clerk_session_id={sid}");
        let v = post(
            &http,
            format!("{base}/v1/me/phone_numbers?{me}"),
            &[("phone_number", phone.as_str())],
        )
        .await;
        let pid = v["response"]["id"].as_str().unwrap().to_owned();
        post(
            &http,
            format!("{base}/v1/me/phone_numbers/{pid}/prepare_verification?{me}"),
            &[("strategy", "phone_code")],
        )
        .await;
        post(
            &http,
            format!("{base}/v1/me/phone_numbers/{pid}/attempt_verification?{me}"),
            &[("code", "424242")],
        )
        .await;
        post(
            &http,
            format!("{base}/v1/me/phone_numbers/{pid}?_method=PATCH&{me}"),
            &[("reserved_for_second_factor", "true")],
        )
        .await;
        post(
            &http,
            format!("{base}/v1/client/sessions?_method=DELETE"),
            &[],
        )
        .await;
        let v = post(
            &http,
            format!("{base}/v1/client/sign_ins"),
            &[
                ("identifier", email.as_str()),
                ("password", PASSWORD),
                ("strategy", "password"),
            ],
        )
        .await;
        let sia = v["response"]["id"].as_str().unwrap().to_owned();
        post(
            &http,
            format!("{base}/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "phone_code")],
        )
        .await;
        ready.push((http, sia));
    }
    let handles: Vec<_> = ready
        .into_iter()
        .map(|(http, sia)| {
            let base = base.clone();
            tokio::spawn(async move {
                let t = Instant::now();
                let v = post(
                    &http,
                    format!("{base}/v1/client/sign_ins/{sia}/attempt_second_factor"),
                    &[("strategy", "phone_code"), ("code", "424242")],
                )
                .await;
                let took = t.elapsed();
                assert_eq!(v["response"]["status"], "complete");
                took
            })
        })
        .collect();
    let mut samples = Vec::new();
    for h in handles {
        samples.push(h.await.unwrap());
    }
    samples.sort();
    let p99 = samples[(samples.len() * 99).div_ceil(100) - 1];
    stats(
        &format!("second-factor attempt, {clients} at once"),
        samples,
    );
    println!(
        "{:<40} p99 {p99:.2?} (goal: under 20 ms)",
        "second-factor attempt"
    );
    server.stop().await;
}

/// A signed-in native client (bearer token, as a mobile app or wrk sends it): its
/// token and its session.
async fn native_session(base: &str, email: &str) -> (String, String) {
    let http = reqwest::Client::new();
    let mut token = String::new();
    let mut send = async |path: String, form: &[(&str, &str)]| -> Value {
        let r = http
            .post(format!("{base}{path}?_is_native=true"))
            .header("authorization", format!("Bearer {token}"))
            .form(form)
            .send()
            .await
            .unwrap();
        if let Some(t) = r.headers().get("authorization") {
            token = t.to_str().unwrap().trim_start_matches("Bearer ").to_owned();
        }
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.unwrap()
    };
    let v = send(
        "/v1/client/sign_ups".into(),
        &[("email_address", email), ("password", PASSWORD)],
    )
    .await;
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    send(
        format!("/v1/client/sign_ups/{id}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await;
    let v = send(
        format!("/v1/client/sign_ups/{id}/attempt_verification"),
        &[("strategy", "email_code"), ("code", "424242")],
    )
    .await;
    let session = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    send(format!("/v1/client/sessions/{session}/touch"), &[]).await;
    (token, session)
}

/// One wrk run: requests per second and the 99th percentile latency.
fn wrk(url: &str, script: Option<&std::path::Path>) -> Option<(f64, String)> {
    let mut cmd = std::process::Command::new("wrk");
    cmd.args(["-t2", "-c64", "-d8s", "--latency"]);
    if let Some(script) = script {
        cmd.arg("-s").arg(script);
    }
    let out = cmd.arg(url).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("Non-2xx") {
        panic!("wrk met errors on {url}:\n{text}");
    }
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_owned()))
    };
    Some((field("Requests/sec:")?.parse().ok()?, field("99%")?))
}

/// Token mints against the HTTP floor: `GET /health` and `POST
/// /v1/client/sessions/{id}/tokens` with wrk (2 threads, 64 connections, 8 s each)
/// back to back on one server, and their ratio (the goal: at least 0.25x), with
/// session tokens signed by `algorithm` (`[session] token_algorithm`).
async fn mints_against_health(engine: &Engine, algorithm: TokenAlgorithm) {
    if std::process::Command::new("wrk")
        .arg("-v")
        .output()
        .is_err()
    {
        println!(
            "{:<40} skipped: wrk is not installed (`cargo xtask bench` installs it)",
            "token mints vs /health"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut settings = unlimited(engine, dir.path());
    settings.session.token_algorithm = algorithm;
    let (server, base, _) = start(settings).await;
    let (token, session) = native_session(&base, "wrk+clerk_test@example.com").await;
    let alg = algorithm.name();
    let script = dir.path().join("mint.lua");
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = \"\"\n\
             wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n\
             wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n"
        ),
    )
    .unwrap();
    let health_url = format!("{base}/health");
    let mint_url = format!("{base}/v1/client/sessions/{session}/tokens?_is_native=true");
    let (health, mints) = tokio::task::spawn_blocking(move || {
        (wrk(&health_url, None), wrk(&mint_url, Some(&script)))
    })
    .await
    .unwrap();
    match (health, mints) {
        (Some((health, health_p99)), Some((mints, mint_p99))) => {
            println!(
                "{:<40} {health:.0} requests/s, p99 {health_p99}",
                "GET /health (wrk, 64 connections)"
            );
            println!(
                "{:<40} {mints:.0} tokens/s, p99 {mint_p99}",
                format!("{alg} token mints (wrk, 64 connections)")
            );
            println!(
                "{:<40} {:.3}x of /health",
                format!("{alg} token mints vs /health"),
                mints / health
            );
        }
        _ => println!("{:<40} wrk gave no numbers", "token mints vs /health"),
    }
    server.stop().await;
}

/// With enumeration protection on, a wrong password for a known account and for an
/// identifier nobody has must take the same time (security issue, item 10): a
/// timing difference would tell which addresses have accounts. Measured here,
/// interleaved, never asserted in a test.
async fn enumeration_timing() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        enumeration_protection: true,
        ..unlimited(&Engine::Sqlite, dir.path())
    };
    let (server, base, http) = start(settings).await;
    // Five tries per identifier stay under the lockout (10), for both kinds.
    let accounts = 8;
    for i in 0..accounts {
        sign_up(&base, &format!("known{i}+clerk_test@example.com")).await;
    }
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for round in 0..5 {
        for i in 0..accounts {
            for (who, samples) in [("known", &mut known), ("nobody", &mut unknown)] {
                let identifier = format!("{who}{i}+clerk_test@example.com");
                let t = Instant::now();
                let r = http
                    .post(format!("{base}/v1/client/sign_ins"))
                    .form(&[
                        ("identifier", identifier.as_str()),
                        ("password", "not the password at all"),
                        ("strategy", "password"),
                    ])
                    .send()
                    .await
                    .unwrap();
                let status = r.status();
                let _ = r.bytes().await;
                samples.push(t.elapsed());
                assert_eq!(status.as_u16(), 422, "round {round}: {who}");
            }
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (k, u) = (median(&mut known.clone()), median(&mut unknown.clone()));
    stats("wrong password, known account (protected)", known);
    stats("wrong password, no such account", unknown);
    println!(
        "{:<40} medians differ by {:.2?} ({:+.1}%)",
        "enumeration timing",
        k.abs_diff(u),
        (k.as_secs_f64() - u.as_secs_f64()) / u.as_secs_f64() * 100.0
    );
    server.stop().await;
}

/// A person at a software authenticator (1Password's `passkey`): present and verified.
struct Verified;

#[async_trait::async_trait]
impl passkey::authenticator::UserValidationMethod for Verified {
    type PasskeyItem = passkey::types::Passkey;

    async fn check_user<'a>(
        &self,
        _hint: passkey::authenticator::UiHint<'a, passkey::types::Passkey>,
        _presence: bool,
        _verification: bool,
    ) -> Result<passkey::authenticator::UserCheck, passkey::types::ctap2::Ctap2Error> {
        Ok(passkey::authenticator::UserCheck {
            presence: true,
            verification: true,
        })
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }
}

/// Adds a passkey to `session`'s account, then times discoverable passkey sign-ins:
/// the server's part only (the challenge, then the answer's check), not the
/// authenticator's signing, which happens on the person's device.
async fn passkey_sign_ins(http: &reqwest::Client, base: &str, session: &str) {
    use passkey::{
        authenticator::Authenticator,
        client::{Client, DefaultClientData},
        types::{ctap2::Aaguid, webauthn::*},
    };
    let origin = reqwest::Url::parse("http://localhost:8080").unwrap();
    let mut device = Client::new(Authenticator::new(
        Aaguid::new_empty(),
        None::<passkey::types::Passkey>,
        Verified,
        passkey::crypto::rust_crypto::RustCryptoBackend,
    ))
    .allows_insecure_localhost(true);
    let me = format!("_clerk_session_id={session}");
    let v = post(http, format!("{base}/v1/me/passkeys?{me}"), &[]).await;
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    let nonce = v["response"]["verification"]["nonce"].as_str().unwrap();
    let public_key: PublicKeyCredentialCreationOptions = serde_json::from_str(nonce).unwrap();
    let made = device
        .register(
            &origin,
            CredentialCreationOptions { public_key },
            DefaultClientData,
        )
        .await
        .unwrap();
    post(
        http,
        format!("{base}/v1/me/passkeys/{id}/attempt_verification?{me}"),
        &[
            ("strategy", "passkey"),
            (
                "public_key_credential",
                &serde_json::to_string(&made).unwrap(),
            ),
        ],
    )
    .await;
    let mut samples = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let v = post(
            http,
            format!("{base}/v1/client/sign_ins"),
            &[("strategy", "passkey")],
        )
        .await;
        let server_part = t.elapsed();
        let sign_in = v["response"]["id"].as_str().unwrap().to_owned();
        let nonce = v["response"]["first_factor_verification"]["nonce"]
            .as_str()
            .unwrap();
        let public_key: PublicKeyCredentialRequestOptions = serde_json::from_str(nonce).unwrap();
        let answer = device
            .authenticate(
                &origin,
                CredentialRequestOptions { public_key },
                DefaultClientData,
            )
            .await
            .unwrap();
        let answer = serde_json::to_string(&answer).unwrap();
        let t = Instant::now();
        let v = post(
            http,
            format!("{base}/v1/client/sign_ins/{sign_in}/attempt_first_factor"),
            &[("strategy", "passkey"), ("public_key_credential", &answer)],
        )
        .await;
        samples.push(server_part + t.elapsed());
        assert_eq!(v["response"]["status"], "complete");
    }
    stats("passkey sign-in (create, attempt)", samples);
}
