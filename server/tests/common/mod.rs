//! The test harness: a real `fapi-server` on an ephemeral port with its own SQLite
//! file, and a `Browser` that talks to it the way a client does — by cookie, by dev
//! browser token, or as a native app with a bearer token.

#![allow(dead_code)]

pub mod admin;

use std::sync::{Arc, Mutex};

use fapi_server::{config::Settings, Server};
use reqwest::{header, Method, StatusCode};
use serde_json::Value;

pub const ORIGIN: &str = "http://localhost:8080";
pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestServer {
    pub base: String,
    server: Option<Server>,
    pub dir: tempfile::TempDir,
    /// Declared last: dropped once the server and its folder are gone.
    database: Option<OwnDatabase>,
}

/// A test's own PostgreSQL database, dropped when the test ends: the cluster holds
/// hundreds of them (about 8 MB each) in one run otherwise.
struct OwnDatabase {
    url: String,
}

impl OwnDatabase {
    /// The server's database, when it is PostgreSQL and named after the server's
    /// own folder (not one shared with another server).
    fn of(dir: &std::path::Path, url: &str) -> Option<OwnDatabase> {
        (url.starts_with("postgres") && url == database_url(dir)).then(|| OwnDatabase {
            url: url.to_owned(),
        })
    }
}

impl Drop for OwnDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.url.rsplit_once('/') else {
            return;
        };
        let (server, quoted) = (server.to_owned(), format!("\"{name}\""));
        // A thread with a runtime of its own: drop may run inside the test's.
        let dropped = std::thread::spawn(move || {
            use sqlx::Connection;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres")).await?;
                // FORCE: the stopped server's pool may still hold a connection.
                sqlx::query(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .map(drop)
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("test database {name} not dropped: {e}");
        }
    }
}

/// The database of the test whose files live in `dir`: a SQLite file there, or,
/// when `FAPI_TEST_POSTGRES_URL` names a PostgreSQL server (`cargo xtask test`
/// starts one), a database of its own on it, named after `dir` so that a restart
/// finds it again. The server creates it on first start.
pub fn database_url(dir: &std::path::Path) -> String {
    match std::env::var("FAPI_TEST_POSTGRES_URL") {
        Ok(server) if !server.is_empty() => {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            dir.hash(&mut h);
            format!(
                "{}/fapi_test_{:016x}",
                server.trim_end_matches('/'),
                h.finish()
            )
        }
        _ => format!("sqlite://{}/fapi.db", dir.display()),
    }
}

/// Whether this run's tests use PostgreSQL.
pub fn on_postgres() -> bool {
    database_url(std::path::Path::new("/")).starts_with("postgres")
}

/// A token's claims, its signature checked with `key` (any audience).
pub fn claims_of(
    jwt: &str,
    key: &jsonwebtoken::DecodingKey,
    alg: jsonwebtoken::Algorithm,
) -> Value {
    let mut validation = jsonwebtoken::Validation::new(alg);
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(jwt, key, &validation)
        .unwrap()
        .claims
}

/// What a production instance must set for passkeys: its domain and its app's
/// origin (`example.com`, as the tests' production settings use).
pub fn production_passkeys(s: &mut Settings) {
    s.passkeys.rp_id = Some("example.com".into());
    s.passkeys.origins = vec!["https://app.example.com".into()];
}

/// Limits high enough that only the tests about limits meet them.
pub fn test_settings(dir: &std::path::Path) -> Settings {
    Settings {
        application_name: "Test App".into(),
        database_url: database_url(dir),
        // Beside the SQLite file by default; PostgreSQL needs it named.
        secrets_key_file: Some(dir.join("fapi-secrets.key")),
        limits: fapi_server::config::Limits {
            attempts_per_10s: 10_000,
            sign_in_create_per_10s: 10_000,
            sign_up_create_per_10s: 10_000,
            client_create_per_10s: 10_000,
            sign_up_password_per_10s: 10_000,
            prepare_per_10s: 10_000,
        },
        sms: fapi_server::config::SmsProtection {
            per_number_per_hour: 10_000,
            per_ip_per_hour: 10_000,
            per_account_per_hour: 10_000,
            ..Default::default()
        },
        email: fapi_server::config::EmailProtection {
            per_address_per_hour: 10_000,
            per_ip_per_hour: 10_000,
            per_account_per_hour: 10_000,
            ..Default::default()
        },
        ..Settings::default()
    }
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::with(|_| {}).await
    }

    pub async fn with(configure: impl FnOnce(&mut Settings)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = test_settings(dir.path());
        configure(&mut settings);
        Self::in_dir(dir, settings).await
    }

    pub async fn in_dir(dir: tempfile::TempDir, settings: Settings) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let database = OwnDatabase::of(dir.path(), &settings.database_url);
        let server = Server::start_on(settings, listener)
            .await
            .expect("server starts");
        TestServer {
            base: format!("http://{}", server.addr()),
            server: Some(server),
            database,
            dir,
        }
    }

    /// Stops gracefully and hands back the data folder (for restart tests).
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(s) = self.server.take() {
            s.stop().await;
        }
        // The folder lives on, and its database with it.
        std::mem::forget(self.database.take());
        self.dir
    }

    /// The running server's state: its database, for tests that move time along.
    pub fn state(&self) -> &fapi_server::state::AppState {
        self.server.as_ref().expect("running").state()
    }

    /// The published session-signing keys.
    pub async fn jwks(&self) -> fapi_types::Jwks {
        reqwest::get(format!("{}/.well-known/jwks.json", self.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The key the instance signs with now (ES256, first in its JWKS).
    pub async fn current_key(&self) -> jsonwebtoken::DecodingKey {
        let jwks = self.jwks().await;
        let key = &jwks.keys[0];
        jsonwebtoken::DecodingKey::from_ec_components(
            key.x.as_deref().unwrap(),
            key.y.as_deref().unwrap(),
        )
        .unwrap()
    }

    pub fn browser(&self, mode: Mode) -> Browser {
        Browser::new(&self.base, mode)
    }

    /// The latest code sent to `to` (SMS or email); notices carry none.
    pub async fn last_code_to(&self, to: &str) -> String {
        let outbox = self.outbox().await;
        outbox
            .iter()
            .rev()
            .find(|m| m["to"] == to && m["kind"] == "code")
            .unwrap_or_else(|| panic!("no message to {to} in {outbox:?}"))["code"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The account notices sent to `to`, oldest first: their subjects.
    pub async fn notices_to(&self, to: &str) -> Vec<String> {
        self.outbox()
            .await
            .iter()
            .filter(|m| m["to"] == to && m["kind"] == "notice")
            .map(|m| m["body"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn outbox(&self) -> Vec<Value> {
        let v: Value = reqwest::get(format!("{}/dev/outbox", self.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["messages"].as_array().unwrap().clone()
    }

    pub async fn messages_to(&self, to: &str) -> usize {
        self.outbox()
            .await
            .iter()
            .filter(|m| m["to"] == to && m["kind"] == "code")
            .count()
    }
}

/// The code an authenticator app shows `offset` seconds from now.
pub fn app_code(secret: &[u8], offset: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    fapi_server::totp::code_at(secret, (now + offset) as u64)
}

/// A signed-out browser whose account has SMS two-step verification on `phone`.
pub async fn account_with_2fa(server: &TestServer, email: &str, phone: &str) -> Browser {
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(server, email, "Ada").await;
    b.enable_sms_2fa(server, phone).await;
    b.sign_out().await;
    b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Cookie,
    DevBrowser,
    Native,
}

/// One browser (or app): keeps its client identity between requests.
#[derive(Clone)]
pub struct Browser {
    base: String,
    http: reqwest::Client,
    /// The same cookies, following no redirect: a top-level navigation whose
    /// `Location` the test reads (a provider's callback sends the browser on).
    nav: reqwest::Client,
    pub mode: Mode,
    token: Arc<Mutex<Option<String>>>,
    pub session_id: Arc<Mutex<Option<String>>>,
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub json: Value,
    pub headers: header::HeaderMap,
}

impl Resp {
    pub fn ok(self) -> Value {
        assert!(
            self.status.is_success(),
            "expected success, got {} {}",
            self.status,
            self.json
        );
        self.json
    }

    /// Asserts Clerk's error envelope with this status and code; returns the error.
    pub fn err(self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "status of {}", self.json);
        let e = self.json["errors"][0].clone();
        assert_eq!(e["code"], code, "code of {}", self.json);
        assert!(e["message"].is_string() && e["long_message"].is_string());
        assert!(self.json["clerk_trace_id"].is_string());
        e
    }
}

impl Browser {
    pub fn new(base: &str, mode: Mode) -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let mut http = reqwest::Client::builder();
        // A browser keeps cookies whatever its client token rides in; an app none.
        if mode != Mode::Native {
            http = http.cookie_provider(jar.clone());
        }
        let nav = reqwest::Client::builder()
            .cookie_provider(jar)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: base.to_owned(),
            http: http.build().unwrap(),
            nav,
            mode,
            token: Arc::new(Mutex::new(None)),
            session_id: Arc::new(Mutex::new(None)),
        }
    }

    /// A browser behind the test's proxy (a server with `trusted_proxies` holding
    /// 127.0.0.1) at the client address `ip`: every request says so in
    /// `X-Forwarded-For`, as the proxy would.
    pub fn from_address(base: &str, ip: &str) -> Browser {
        let mut headers = header::HeaderMap::new();
        headers.insert("x-forwarded-for", ip.parse().unwrap());
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .build()
            .unwrap();
        Browser {
            http,
            ..Browser::new(base, Mode::Cookie)
        }
    }

    /// "Verify it's you" at `first_factor` with the password, on session `sid`;
    /// asserts each step's status.
    pub async fn step_up_with_password(&self, sid: &str) {
        let v = self
            .post(
                &format!("/v1/client/sessions/{sid}/verify"),
                &[("level", "first_factor")],
            )
            .await
            .ok();
        assert_eq!(v["response"]["status"], "needs_first_factor", "{v}");
        let v = self
            .post(
                &format!("/v1/client/sessions/{sid}/verify/attempt_first_factor"),
                &[("strategy", "password"), ("password", PASSWORD)],
            )
            .await
            .ok();
        assert_eq!(v["response"]["status"], "complete", "{v}");
    }

    /// The same browser (cookies, tokens) talking to a server at another address.
    pub fn at(&self, base: &str) -> Browser {
        Browser {
            base: base.to_owned(),
            ..self.clone()
        }
    }

    /// A dev browser starts by asking for its token, as clerk-js does.
    pub async fn setup(&self) {
        if self.mode == Mode::DevBrowser {
            let v = self.send(Method::POST, "/v1/dev_browser", &[]).await.ok();
            *self.token.lock().unwrap() = Some(v["id"].as_str().unwrap().to_owned());
        }
    }

    fn url(&self, path: &str, method: &Method) -> String {
        let mut url = format!("{}{}", self.base, path);
        let mut params: Vec<(String, String)> =
            vec![("__clerk_api_version".into(), "2025-11-10".into())];
        if !matches!(*method, Method::GET | Method::POST) {
            params.push(("_method".into(), method.as_str().into()));
        }
        match self.mode {
            Mode::DevBrowser => {
                if let Some(t) = self.token.lock().unwrap().clone() {
                    params.push(("__clerk_db_jwt".into(), t));
                }
            }
            Mode::Native => params.push(("_is_native".into(), "true".into())),
            Mode::Cookie => {}
        }
        if path.starts_with("/v1/me") {
            if let Some(s) = self.session_id.lock().unwrap().clone() {
                params.push(("_clerk_session_id".into(), s));
            }
        }
        let q = params
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&q);
        url
    }

    /// Sends like clerk-js: only GET or POST on the wire, the real method in `_method`.
    pub async fn send(&self, method: Method, path: &str, form: &[(&str, &str)]) -> Resp {
        let url = self.url(path, &method);
        let wire = if method == Method::GET {
            Method::GET
        } else {
            Method::POST
        };
        let mut req = self.http.request(wire.clone(), url);
        if wire == Method::POST {
            req = req.header(header::ORIGIN, ORIGIN).form(form);
        }
        if self.mode == Mode::Native {
            if let Some(t) = self.token.lock().unwrap().clone() {
                req = req.bearer_auth(t);
            }
        }
        let res = req.send().await.expect("request reaches the server");
        let status = res.status();
        let headers = res.headers().clone();
        match self.mode {
            Mode::DevBrowser => {
                if let Some(t) = headers.get("clerk-db-jwt") {
                    *self.token.lock().unwrap() = Some(t.to_str().unwrap().to_owned());
                }
            }
            Mode::Native => {
                if let Some(t) = headers.get(header::AUTHORIZATION) {
                    let t = t
                        .to_str()
                        .unwrap()
                        .strip_prefix("Bearer ")
                        .unwrap()
                        .to_owned();
                    *self.token.lock().unwrap() = Some(t);
                }
            }
            Mode::Cookie => {}
        }
        let text = res.text().await.unwrap();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON body, got {text:?}"))
        };
        Resp {
            status,
            json,
            headers,
        }
    }

    /// Goes to `url` as a top-level navigation (no `Origin`, no token added): its
    /// status and where it sends the browser on.
    pub async fn navigate(&self, url: &str) -> (StatusCode, Option<String>) {
        let res = self
            .nav
            .get(url)
            .send()
            .await
            .expect("navigation reaches the server");
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        (res.status(), location)
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, path, &[]).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(Method::POST, path, form).await
    }

    pub async fn patch(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send(Method::PATCH, path, form).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send(Method::DELETE, path, &[]).await
    }

    pub fn token(&self) -> Option<String> {
        self.token.lock().unwrap().clone()
    }

    pub fn set_token(&self, token: Option<String>) {
        *self.token.lock().unwrap() = token;
    }

    /// Creates a sign-up with email + password and sends the email code; returns its id.
    pub async fn start_sign_up(&self, email: &str, extra: &[(&str, &str)]) -> String {
        let mut form = vec![("email_address", email), ("password", PASSWORD)];
        form.extend_from_slice(extra);
        let v = self.post("/v1/client/sign_ups", &form).await.ok();
        let id = v["response"]["id"].as_str().unwrap().to_owned();
        assert_eq!(
            v["response"]["unverified_fields"],
            serde_json::json!(["email_address"])
        );
        self.post(
            &format!("/v1/client/sign_ups/{id}/prepare_verification"),
            &[("strategy", "email_code")],
        )
        .await
        .ok();
        id
    }

    pub async fn finish_sign_up(&self, id: &str, code: &str) -> Resp {
        self.post(
            &format!("/v1/client/sign_ups/{id}/attempt_verification"),
            &[("strategy", "email_code"), ("code", code)],
        )
        .await
    }

    /// Signs up with email + password; the code comes from the outbox (or is 424242
    /// for `+clerk_test` addresses). Returns the new, active session id.
    pub async fn sign_up(&self, server: &TestServer, email: &str, first_name: &str) -> String {
        let id = self
            .start_sign_up(email, &[("first_name", first_name)])
            .await;
        let code = if email.contains("+clerk_test") {
            "424242".to_owned()
        } else {
            server.last_code_to(email).await
        };
        let v = self.finish_sign_up(&id, &code).await.ok();
        assert_eq!(v["response"]["status"], "complete");
        let sid = v["response"]["created_session_id"]
            .as_str()
            .unwrap()
            .to_owned();
        self.activate(&sid).await;
        sid
    }

    /// A fresh session token (JWT) of `session_id`.
    pub async fn session_token(&self, session_id: &str) -> String {
        self.post(&format!("/v1/client/sessions/{session_id}/tokens"), &[])
            .await
            .ok()["jwt"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// `setActive`: touch the session and remember it for `/v1/me`.
    pub async fn activate(&self, session_id: &str) {
        self.post(&format!("/v1/client/sessions/{session_id}/touch"), &[])
            .await
            .ok();
        *self.session_id.lock().unwrap() = Some(session_id.to_owned());
    }

    /// Adds a phone and verifies it by code; its id.
    pub async fn add_verified_phone(&self, server: &TestServer, phone: &str) -> String {
        let v = self
            .post("/v1/me/phone_numbers", &[("phone_number", phone)])
            .await
            .ok();
        let id = v["response"]["id"].as_str().unwrap().to_owned();
        self.post(
            &format!("/v1/me/phone_numbers/{id}/prepare_verification"),
            &[("strategy", "phone_code")],
        )
        .await
        .ok();
        let code = server.last_code_to(phone).await;
        let v = self
            .post(
                &format!("/v1/me/phone_numbers/{id}/attempt_verification"),
                &[("code", &code)],
            )
            .await
            .ok();
        assert_eq!(v["response"]["verification"]["status"], "verified");
        id
    }

    /// Adds a phone, verifies it by code and reserves it for two-step verification.
    pub async fn enable_sms_2fa(&self, server: &TestServer, phone: &str) -> String {
        let id = self.add_verified_phone(server, phone).await;
        let v = self
            .patch(
                &format!("/v1/me/phone_numbers/{id}"),
                &[("reserved_for_second_factor", "true")],
            )
            .await
            .ok();
        assert_eq!(v["response"]["reserved_for_second_factor"], true);
        id
    }

    pub async fn sign_out(&self) {
        self.delete("/v1/client/sessions").await.ok();
        *self.session_id.lock().unwrap() = None;
    }

    /// Password sign-in of an account with 2FA, up to the sent SMS code; the sign-in id.
    pub async fn to_second_factor(&self, email: &str) -> String {
        let v = self.sign_in_password(email, PASSWORD).await.ok();
        let sia = v["response"]["id"].as_str().unwrap().to_owned();
        self.post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "phone_code")],
        )
        .await
        .ok();
        sia
    }

    /// Sends the sign-in's second-factor code by `strategy` to `to`, then answers it
    /// with the code from the outbox: the answer.
    pub async fn answer_second_factor(
        &self,
        server: &TestServer,
        sign_in_id: &str,
        strategy: &str,
        to: &str,
    ) -> Resp {
        self.post(
            &format!("/v1/client/sign_ins/{sign_in_id}/prepare_second_factor"),
            &[("strategy", strategy)],
        )
        .await
        .ok();
        let code = server.last_code_to(to).await;
        self.attempt_second_factor(sign_in_id, strategy, &code)
            .await
    }

    /// `attempt_second_factor` with an SMS code.
    pub async fn attempt_sms_code(&self, sign_in_id: &str, code: &str) -> Resp {
        self.attempt_second_factor(sign_in_id, "phone_code", code)
            .await
    }

    /// `attempt_second_factor` with any strategy.
    pub async fn attempt_second_factor(
        &self,
        sign_in_id: &str,
        strategy: &str,
        code: &str,
    ) -> Resp {
        self.post(
            &format!("/v1/client/sign_ins/{sign_in_id}/attempt_second_factor"),
            &[("strategy", strategy), ("code", code)],
        )
        .await
    }

    /// Sets up an authenticator app and turns it on with its first code: the
    /// secret, and the answer that turned it on (backup codes and all).
    pub async fn enable_authenticator_app(&self) -> (Vec<u8>, Value) {
        let v = self.post("/v1/me/totp", &[]).await.ok();
        let text = v["response"]["secret"].as_str().unwrap();
        let secret = fapi_server::totp::decode_secret(text).unwrap();
        let v = self
            .post(
                "/v1/me/totp/attempt_verification",
                &[("code", &app_code(&secret, 0))],
            )
            .await
            .ok();
        assert_eq!(v["response"]["verified"], true);
        (secret, v)
    }

    /// Clerk's one-step forgot-password flow: a sign-in with the reset strategy
    /// (which emails the code), then the code with the new password. Returns the
    /// sign-in's id and the last answer.
    pub async fn reset_password(
        &self,
        server: &TestServer,
        email: &str,
        new_password: &str,
    ) -> (String, Resp) {
        let v = self
            .post(
                "/v1/client/sign_ins",
                &[
                    ("strategy", "reset_password_email_code"),
                    ("identifier", email),
                ],
            )
            .await
            .ok();
        let sia = v["response"]["id"].as_str().unwrap().to_owned();
        let code = server.last_code_to(email).await;
        let answer = self
            .post(
                &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
                &[
                    ("strategy", "reset_password_email_code"),
                    ("code", &code),
                    ("password", new_password),
                ],
            )
            .await;
        (sia, answer)
    }

    /// Identifier + password; returns the sign-in JSON.
    pub async fn sign_in_password(&self, identifier: &str, password: &str) -> Resp {
        self.post(
            "/v1/client/sign_ins",
            &[
                ("identifier", identifier),
                ("password", password),
                ("strategy", "password"),
            ],
        )
        .await
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The real binary, killed (SIGKILL) when dropped.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the real binary on a free port, its data in `dir` (and its settings from
/// `config`), and reads the address it prints.
pub fn spawn_binary(dir: &std::path::Path, config: Option<&std::path::Path>) -> (Running, String) {
    use std::io::{BufRead, BufReader};
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fapi-server"));
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let mut child = command
        .env("FAPI_LISTEN", "127.0.0.1:0")
        .env("FAPI_DATABASE_URL", database_url(dir))
        .env("FAPI_SECRETS_KEY_FILE", dir.join("fapi-secrets.key"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let base = line
        .trim()
        .strip_prefix("fapi-server listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    (Running(child), base)
}
