//! The whole journey on the built demo, as a person takes it, in headless Chromium
//! driven over WebDriver: sign up and verify the email, turn on 2-step verification
//! in the profile, sign out, sign in with password + SMS code, and a protected page
//! that sends you to sign in and back. Screenshots land in `target/screenshots/`.
//!
//! Needs `DEMO_URL` (the demo and its API on one origin) and `WEBDRIVER_URL`;
//! `cargo xtask test` starts both.

use std::time::Duration;

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};

const PASSWORD: &str = "correct horse battery staple";

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run this through `cargo xtask test`"))
}

struct Journey {
    c: Client,
    base: String,
    http: reqwest::Client,
    shots: std::path::PathBuf,
}

impl Journey {
    async fn start() -> Journey {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900"
            ] }),
        );
        let c = ClientBuilder::rustls()
            .expect("tls config")
            .capabilities(caps)
            .connect(&env("WEBDRIVER_URL"))
            .await
            .expect("chromedriver answers");
        let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        Journey {
            c,
            base: env("DEMO_URL"),
            http: reqwest::Client::new(),
            shots,
        }
    }

    async fn goto(&self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    async fn wait(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    /// Waits for an element whose text contains `text`.
    async fn wait_text(&self, css: &str, text: &str) -> Element {
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

    async fn wait_path(&self, path: &str) {
        for _ in 0..200 {
            let url = self.c.current_url().await.unwrap();
            if url.path() == path {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "never reached {path}; at {}",
            self.c.current_url().await.unwrap()
        );
    }

    async fn type_into(&self, css: &str, text: &str) {
        let el = self.wait(css).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.wait(css).await.click().await.unwrap();
    }

    async fn click_text(&self, css: &str, text: &str) {
        self.wait_text(css, text).await.click().await.unwrap();
    }

    /// A picture of one element (the card, the section), as the README shows it.
    async fn screenshot(&self, css: &str, name: &str) {
        let png = self.wait(css).await.screenshot().await.unwrap();
        std::fs::write(self.shots.join(name), png).unwrap();
    }

    async fn outbox(&self, to: &str) -> Vec<String> {
        let v: serde_json::Value = self
            .http
            .get(format!("{}/dev/outbox", self.base))
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
            .filter(|m| m["to"] == to)
            .map(|m| m["code"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The newest code once `n` messages have gone to `to`.
    async fn code(&self, to: &str, n: usize) -> String {
        for _ in 0..200 {
            let codes = self.outbox(to).await;
            if codes.len() >= n {
                return codes.last().unwrap().clone();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("fewer than {n} codes went to {to}");
    }

    async fn sign_out(&self) {
        self.click("button.cl-userButtonTrigger").await;
        self.click(".cl-userButtonPopoverActionButton__signOut")
            .await;
        self.wait_text("a", "Sign in").await;
    }

    /// Password, then the SMS code: the second-factor card appears by itself.
    async fn sign_in(&self, email: &str, phone: &str, codes_before: usize, shots: bool) {
        self.wait("input[name=identifier]").await;
        if shots {
            self.screenshot(".cl-card", "sign-in.png").await;
        }
        self.type_into("input[name=identifier]", email).await;
        self.type_into("input[name=password]", PASSWORD).await;
        self.click("button.cl-formButtonPrimary").await;
        self.wait_text(".cl-headerTitle", "Check your phone").await;
        let code = self.code(phone, codes_before + 1).await;
        if shots {
            self.screenshot(".cl-card", "second-factor.png").await;
        }
        self.type_into("input[name=code]", &code).await;
    }
}

#[tokio::test]
async fn the_whole_journey_on_the_demo() {
    let j = Journey::start().await;
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        % 10_000_000;
    let email = format!("ada.{n}@example.com");
    let phone = format!("+1415{:07}", n % 10_000_000);

    // Sign up and verify the email.
    j.goto("/").await;
    j.click_text("a.btn", "Sign up").await;
    j.wait_path("/sign-up").await;
    j.type_into("input[name=first_name]", "Ada").await;
    j.type_into("input[name=email_address]", &email).await;
    j.type_into("input[name=password]", PASSWORD).await;
    j.click("button.cl-formButtonPrimary").await;
    j.wait_text(".cl-headerTitle", "Verify your email").await;
    let code = j.code(&email, 1).await;
    j.type_into("input[name=code]", &code).await;
    j.wait_path("/").await;
    j.wait_text("#greeting", "Welcome, Ada!").await;
    j.wait_text("#token-claims", "\"sid\"").await;

    // Turn on 2-step verification with a new phone, verified by code.
    j.goto("/user").await;
    j.click_text("button.cl-navbarButton", "Security").await;
    j.click("button.cl-mfaAddButton").await;
    j.type_into("[data-section=mfa] input[name=phone_number]", &phone)
        .await;
    j.click("[data-section=mfa] button.cl-formButtonPrimary")
        .await;
    let code = j.code(&phone, 1).await;
    j.type_into("[data-section=mfa] input[name=code]", &code)
        .await;
    j.wait_text(
        "[data-section=mfa] .cl-alert__success",
        "SMS code verification is on",
    )
    .await;
    j.wait(".cl-mfaPhoneCodeItem").await;
    j.screenshot("[data-section=mfa]", "user-profile-2fa.png")
        .await;

    // Sign out, then sign in: password, then the code form appears by itself.
    j.sign_out().await;
    j.goto("/sign-in").await;
    j.sign_in(&email, &phone, 1, true).await;
    j.wait_path("/").await;
    j.wait_text("#greeting", "Welcome, Ada!").await;

    // A protected page sends a signed-out visitor to sign in, and back after.
    j.sign_out().await;
    j.goto("/protected").await;
    j.wait_path("/sign-in").await;
    let url = j.c.current_url().await.unwrap();
    assert!(
        url.query().unwrap_or_default().contains("redirect_url="),
        "{url}"
    );
    j.sign_in(&email, &phone, 2, false).await;
    j.wait_path("/protected").await;
    j.wait("#protected").await;

    j.c.close().await.unwrap();
}
