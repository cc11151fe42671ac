//! End-to-end tests of the demo app and of the official clerk-js against
//! fapi-server; they live in `tests/` and need a served app and a chromedriver,
//! which `cargo xtask test` provides. This file is what they share: a headless
//! Chromium page driven over WebDriver, and the codes the server sent.

use std::time::Duration;

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};

pub const PASSWORD: &str = "correct horse battery staple";

/// A variable `cargo xtask test` sets.
pub fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this through `cargo xtask test`"))
}

/// A number unique to this run, for fresh emails and phones.
pub fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 10_000_000
}

/// One headless Chromium tab at `base` (the app and its API on one origin).
pub struct Page {
    pub c: Client,
    pub base: String,
    /// Whose `/dev/outbox` holds the codes: the Frontend API's (`base` unless the
    /// app and its API are on two origins).
    outbox_base: String,
    http: reqwest::Client,
    shots: std::path::PathBuf,
}

impl Page {
    /// Connects to `WEBDRIVER_URL` and opens a window on `DEMO_URL`'s origin.
    pub async fn start() -> Page {
        Self::at(&env("DEMO_URL")).await
    }

    pub async fn at(base: &str) -> Page {
        Self::with_args(base, &[]).await
    }

    /// [`Page::at`] in a browser that does not say it is driven
    /// (`navigator.webdriver` false): clerk-js refuses passkeys to a driven browser.
    pub async fn undeclared_at(base: &str) -> Page {
        Self::with_args(base, &["--disable-blink-features=AutomationControlled"]).await
    }

    async fn with_args(base: &str, extra: &[&str]) -> Page {
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
        ];
        args.extend_from_slice(extra);
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "args": args }),
        );
        let c = ClientBuilder::rustls()
            .expect("tls config")
            .capabilities(caps)
            .connect(&env("WEBDRIVER_URL"))
            .await
            .expect("chromedriver answers");
        let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        Page {
            c,
            base: base.trim_end_matches('/').to_owned(),
            outbox_base: base.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            shots,
        }
    }

    /// A Chrome DevTools Protocol command on this window (chromedriver's
    /// `goog/cdp/execute`): its answer.
    pub async fn cdp(&self, cmd: &str, params: serde_json::Value) -> serde_json::Value {
        let session = self.c.session_id().await.unwrap().expect("a session");
        let url = format!(
            "{}/session/{session}/goog/cdp/execute",
            env("WEBDRIVER_URL").trim_end_matches('/')
        );
        let answer = self
            .http
            .post(url)
            .json(&serde_json::json!({ "cmd": cmd, "params": params }))
            .send()
            .await
            .unwrap();
        let status = answer.status();
        let body: serde_json::Value = answer.json().await.unwrap();
        assert!(status.is_success(), "{cmd}: {status} {body}");
        body["value"].clone()
    }

    /// Codes come from this Frontend API's outbox (an app on another origin).
    pub fn with_outbox(mut self, fapi: &str) -> Page {
        self.outbox_base = fapi.trim_end_matches('/').to_owned();
        self
    }

    pub async fn goto(&self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    pub async fn wait(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    /// Waits for an element whose text contains `text`.
    pub async fn wait_text(&self, css: &str, text: &str) -> Element {
        for _ in 0..200 {
            for el in self.c.find_all(Locator::Css(css)).await.unwrap_or_default() {
                if el.text().await.unwrap_or_default().contains(text) {
                    return el;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {css} containing {text:?}");
    }

    /// Waits until nothing on the page matches `css` (a dialog closing).
    pub async fn wait_gone(&self, css: &str) {
        for _ in 0..100 {
            if self.c.find(Locator::Css(css)).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} is still there");
    }

    pub async fn wait_path(&self, path: &str) {
        for _ in 0..200 {
            let url = self.c.current_url().await.unwrap();
            if url.path() == path {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let text = self
            .c
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await
            .unwrap_or_default();
        panic!(
            "never reached {path}; at {}, showing {text}",
            self.c.current_url().await.unwrap()
        );
    }

    /// Waits until the page is `path` on the origin `origin` (another site).
    pub async fn wait_url(&self, origin: &str, path: &str) {
        let origin = origin.trim_end_matches('/');
        for _ in 0..200 {
            let url = self.c.current_url().await.unwrap();
            if url.path() == path && url.origin().ascii_serialization() == origin {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "never reached {path}; at {}",
            self.c.current_url().await.unwrap()
        );
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let el = self.wait(css).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    /// The text of every element `css` matches (after waiting for the first).
    pub async fn texts(&self, css: &str) -> Vec<String> {
        self.wait(css).await;
        let mut out = Vec::new();
        for el in self.c.find_all(Locator::Css(css)).await.unwrap_or_default() {
            out.push(el.text().await.unwrap_or_default());
        }
        out
    }

    pub async fn click(&self, css: &str) {
        self.wait(css).await.click().await.unwrap();
    }

    pub async fn click_text(&self, css: &str, text: &str) {
        self.wait_text(css, text).await.click().await.unwrap();
    }

    /// A picture of one element (the card, the section), as the README shows it.
    pub async fn screenshot(&self, css: &str, name: &str) {
        let png = self.wait(css).await.screenshot().await.unwrap();
        std::fs::write(self.shots.join(name), png).unwrap();
    }

    /// The `field` of every message of `kind` (`code`, `notice`) the server sent to
    /// `to`, oldest first (development `/dev/outbox`).
    async fn sent(&self, to: &str, kind: &str, field: &str) -> Vec<String> {
        let v: serde_json::Value = self
            .http
            .get(format!("{}/dev/outbox", self.outbox_base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["to"] == to && m["kind"] == kind)
            .map(|m| m[field].as_str().unwrap().to_owned())
            .collect()
    }

    /// A virtual platform authenticator in this browser (the WebDriver WebAuthn
    /// extension ChromeDriver implements): CTAP2, internal, resident keys, and a user
    /// who verifies. Its id, for [`Page::user_verifies`].
    pub async fn add_virtual_authenticator(&self) -> String {
        let made = self
            .webauthn(
                reqwest::Method::POST,
                "authenticator",
                serde_json::json!({
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": true,
                    "hasUserVerification": true,
                    "isUserConsenting": true,
                    "isUserVerified": true,
                }),
            )
            .await;
        made.as_str().expect("an authenticator id").to_owned()
    }

    /// The person passes the authenticator's check (fingerprint, PIN) from now on,
    /// or fails it.
    pub async fn user_verifies(&self, authenticator: &str, verified: bool) {
        self.webauthn(
            reqwest::Method::POST,
            &format!("authenticator/{authenticator}/uv"),
            serde_json::json!({ "isUserVerified": verified }),
        )
        .await;
    }

    /// A WebAuthn extension command on this session (no client method has it).
    async fn webauthn(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let session = self.c.session_id().await.unwrap().expect("a session");
        let url = format!(
            "{}/session/{session}/webauthn/{path}",
            env("WEBDRIVER_URL").trim_end_matches('/')
        );
        let answer = self
            .http
            .request(method, url)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = answer.status();
        let body: serde_json::Value = answer.json().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {body}");
        body["value"].clone()
    }

    /// Every code the server sent to `to`, oldest first.
    pub async fn outbox(&self, to: &str) -> Vec<String> {
        self.sent(to, "code", "code").await
    }

    /// An axe-core audit of the whole page (WCAG 2.x A and AA): no violation. For
    /// pages the server renders itself; the components are audited in the browser
    /// tests. axe-core is the copy `cargo xtask test` installs for those.
    pub async fn audit(&self, what: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/axe-core/site/axe.min.js");
        let axe = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (cargo xtask test installs it)", path.display()));
        self.c.execute(&axe, vec![]).await.unwrap();
        let found = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(r.violations.map(v => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary).join('; ')}`)));",
                vec![],
            )
            .await
            .unwrap();
        let violations: Vec<String> = serde_json::from_value(found).unwrap();
        assert!(violations.is_empty(), "{what}: {violations:?}");
    }

    /// The account notices sent to `to`, oldest first: their bodies.
    pub async fn notices(&self, to: &str) -> Vec<String> {
        self.sent(to, "notice", "body").await
    }

    /// The newest code once `n` messages have gone to `to`.
    pub async fn code(&self, to: &str, n: usize) -> String {
        for _ in 0..200 {
            let codes = self.outbox(to).await;
            if codes.len() >= n {
                return codes.last().unwrap().clone();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("fewer than {n} codes went to {to}");
    }

    /// On `/sign-up`: name, email and password, then the emailed code. Ends on `/`.
    pub async fn sign_up(&self, first_name: &str, email: &str) {
        self.sign_up_here(first_name, email).await;
        self.wait_path("/").await;
    }

    /// In `<UserProfile/>`: Security, then a phone for SMS codes, verified by the code
    /// sent to it (the `n`th message to that number).
    pub async fn add_sms_second_factor(&self, phone: &str, n: usize) {
        self.click_text("button.cl-navbarButton", "Security").await;
        self.click("button.cl-mfaAddButton").await;
        self.type_into("[data-section=mfa] input[name=phone_number]", phone)
            .await;
        self.click("[data-section=mfa] button.cl-formButtonPrimary")
            .await;
        let code = self.code(phone, n).await;
        self.type_into("[data-section=mfa] input[name=code]", &code)
            .await;
    }

    /// The sign-up card on this page: name, email and password, then the emailed code.
    pub async fn sign_up_here(&self, first_name: &str, email: &str) {
        self.type_into("input[name=first_name]", first_name).await;
        self.type_into("input[name=email_address]", email).await;
        self.type_into("input[name=password]", PASSWORD).await;
        self.click("button.cl-formButtonPrimary").await;
        self.wait_text(".cl-headerTitle", "Verify your email").await;
        let code = self.code(email, 1).await;
        self.type_into("input[name=code]", &code).await;
    }
}

/// `url` on `localhost` instead of `127.0.0.1` (the same server): WebAuthn takes no
/// IP address as a relying party.
pub fn on_localhost(url: &str) -> String {
    url.replace("127.0.0.1", "localhost")
}

/// The code an authenticator app shows `offset` seconds from now (RFC 6238: HMAC-SHA1,
/// 6 digits, 30 s steps), from the base32 secret the server gave.
pub fn totp_code(secret_base32: &str, offset: i64) -> String {
    use hmac::{Hmac, Mac};
    let secret = data_encoding::BASE32_NOPAD
        .decode(secret_base32.as_bytes())
        .expect("a base32 secret");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + offset;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&secret).unwrap();
    mac.update(&((now / 30) as u64).to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let at = (hash[19] & 0x0f) as usize;
    let n = u32::from_be_bytes([hash[at] & 0x7f, hash[at + 1], hash[at + 2], hash[at + 3]]);
    format!("{:06}", n % 1_000_000)
}

/// A browser's calls to the Frontend API without a page (cookies kept, the app's
/// `Origin` sent): for tests of the app's own backend, which need a signed-in user.
pub struct FapiClient {
    http: reqwest::Client,
    base: String,
    origin: String,
}

impl FapiClient {
    /// For the Frontend API at `base`, as the app at `origin` calls it.
    pub fn new(base: &str, origin: &str) -> FapiClient {
        FapiClient {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            base: base.to_owned(),
            origin: origin.to_owned(),
        }
    }

    /// A form POST; asserts a 2xx and gives the JSON.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> serde_json::Value {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("origin", &self.origin)
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let json: serde_json::Value = response.json().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {json}");
        json
    }

    /// Signs up a test-mode address (`+clerk_test`: code 424242) with [`PASSWORD`]:
    /// the new user's id and session id.
    pub async fn sign_up(&self, email: &str) -> (String, String) {
        let v = self
            .post(
                "/v1/client/sign_ups",
                &[("email_address", email), ("password", PASSWORD)],
            )
            .await;
        let id = v["response"]["id"].as_str().unwrap().to_owned();
        self.post(
            &format!("/v1/client/sign_ups/{id}/prepare_verification"),
            &[("strategy", "email_code")],
        )
        .await;
        let done = self
            .post(
                &format!("/v1/client/sign_ups/{id}/attempt_verification"),
                &[("strategy", "email_code"), ("code", "424242")],
            )
            .await;
        assert_eq!(done["response"]["status"], "complete", "{done}");
        let field = |name: &str| done["response"][name].as_str().unwrap().to_owned();
        (field("created_user_id"), field("created_session_id"))
    }

    /// A fresh session token of `session_id`.
    pub async fn token(&self, session_id: &str) -> String {
        self.post(&format!("/v1/client/sessions/{session_id}/tokens"), &[])
            .await["jwt"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}
