//! Sign-in with a provider, against a real OpenID Connect provider on loopback
//! (`oidc-provider` from npm, OpenID Certified, standing in for Google): the code
//! flow with PKCE, `state` used once and bound to the browser, an account with two-
//! step verification still asked for its code, an unverified email never joined to
//! an account, a new person handed over to sign-up.
//!
//! `cargo xtask test` installs the provider into `target/oidc-provider`; without it
//! (a bare `cargo test`) these tests say so and pass over.

use crate::common;

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

use common::{account_with_2fa, Browser, Mode, TestServer};
use fapi_server::config::SocialProvider;
use reqwest::StatusCode;

const CLIENT_ID: &str = "fapi-test-client";
const CLIENT_SECRET: &str = "a secret the provider and the server share";
const APP: &str = "http://localhost:8080";

/// The provider's folder (`node_modules/oidc-provider` inside), if installed.
fn provider_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("OIDC_PROVIDER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/oidc-provider")
        });
    dir.join("node_modules/oidc-provider")
        .is_dir()
        .then_some(dir)
}

/// The provider process, stopped with the test.
struct Provider {
    child: Child,
    issuer: String,
}

impl Provider {
    /// The same provider (port, client) started again with `env`.
    fn restart(&mut self, server: &TestServer, env: &[(&str, &str)]) {
        let port = reqwest::Url::parse(&self.issuer).unwrap().port().unwrap();
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = spawn_provider(&provider_dir().unwrap(), port, server, Flavour::Google, env);
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// How the stand-in provider speaks.
#[derive(Clone, Copy, PartialEq)]
enum Flavour {
    /// OpenID Connect, as Google.
    Google,
    /// Plain OAuth 2 and a REST API, as GitHub (Enterprise Server's layout).
    GitHub,
    /// Sign in with Apple: a signed client secret, the answer as a form POST.
    Apple,
}

/// A P-256 key made for these tests alone, as Apple hands out (`.p8`, PKCS #8).
const APPLE_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwRzW/wGVijfZWaST
NF7j1nxhOQdWpEj/6qoSmSdsk+KhRANCAATnevcVGMXSIhAB4wwGoBwpj0UdXBji
20CKZupwOBdrMsgFbPKqIRIizukXv2C/Nz/Ai7gdVm0yTRHoCoA7FULE
-----END PRIVATE KEY-----
";
/// Its public half, which the stand-in for Apple checks client secrets with.
const APPLE_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE53r3FRjF0iIQAeMMBqAcKY9FHVwY
4ttAimbqcDgXazLIBWzyqiESIs7pF79gvzc/wIu4HVZtMk0R6AqAOxVCxA==
-----END PUBLIC KEY-----
";
const APPLE_TEAM: &str = "TEAM123456";
const APPLE_KEY_ID: &str = "KEY1234567";

/// fapi-server with Google pointed at the provider, and the provider told where
/// to send people back. `None` when the provider is not installed.
async fn server_and_provider(
    configure: impl FnOnce(&mut fapi_server::config::Settings),
) -> Option<(TestServer, Provider)> {
    server_and(Flavour::Google, configure).await
}

/// fapi-server with the stand-in provider as `flavour` (`google` or `github`).
async fn server_and(
    flavour: Flavour,
    configure: impl FnOnce(&mut fapi_server::config::Settings),
) -> Option<(TestServer, Provider)> {
    let Some(dir) = provider_dir() else {
        eprintln!("oidc-provider is not installed (cargo xtask test installs it): skipped");
        return None;
    };
    let port = free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    let server = TestServer::with(|s| {
        s.social = vec![SocialProvider {
            provider: match flavour {
                Flavour::Google => "google",
                Flavour::GitHub => "github",
                Flavour::Apple => "apple",
            }
            .into(),
            client_id: CLIENT_ID.into(),
            client_secret: if flavour == Flavour::Apple {
                String::new()
            } else {
                CLIENT_SECRET.into()
            },
            team_id: (flavour == Flavour::Apple).then(|| APPLE_TEAM.into()),
            key_id: (flavour == Flavour::Apple).then(|| APPLE_KEY_ID.into()),
            private_key: (flavour == Flavour::Apple).then(|| APPLE_KEY.into()),
            issuer: Some(issuer.clone()),
            // The stand-in is no Google: the instance trusts it to check emails.
            trust_verified_email: Some(true),
            ..SocialProvider::default()
        }];
        configure(s);
    })
    .await;
    // Beside its node_modules: an ES module finds its imports from where it lies.
    static COPY: std::sync::Once = std::sync::Once::new();
    COPY.call_once(|| {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc/provider.mjs");
        std::fs::copy(script, dir.join("provider.mjs")).expect("the provider's script");
    });
    let child = spawn_provider(&dir, port, &server, flavour, &[]);
    Some((server, Provider { child, issuer }))
}

/// The stand-in provider's process on `port`, sending people back to `server`, with
/// `env` (`FRESH_KEYS`, `TAMPER_ID_TOKEN`: see the script).
fn spawn_provider(
    dir: &std::path::Path,
    port: u16,
    server: &TestServer,
    flavour: Flavour,
    env: &[(&str, &str)],
) -> Child {
    let mut child = Command::new("node")
        .arg(dir.join("provider.mjs"))
        .args([
            &port.to_string(),
            &format!("{}/v1/oauth_callback", server.base),
            CLIENT_ID,
            CLIENT_SECRET,
        ])
        .args(match flavour {
            Flavour::Google => None,
            Flavour::GitHub => Some("github"),
            Flavour::Apple => Some("apple"),
        })
        .env("APPLE_PUBLIC_KEY", APPLE_PUBLIC_KEY)
        .env("APPLE_KEY_ID", APPLE_KEY_ID)
        .env("APPLE_TEAM_ID", APPLE_TEAM)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines.any(|l| l.is_ok_and(|l| l.starts_with("listening ")));
    assert!(ready, "the provider started");
    // Read on: a closed pipe would end the provider at its next line of output.
    std::thread::spawn(move || lines.for_each(drop));
    child
}

/// The person at the provider: signs in there as `login` (the provider's accounts
/// are named by their email; `unverified:` makes the email unverified) and is sent
/// back; answers the callback URL the provider sent the browser to.
async fn at_provider(authorize: &str, login: &str) -> String {
    let answer = provider_answer(authorize, login).await;
    location(&answer)
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .unwrap_or_else(|| panic!("a redirect, got {}", r.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The provider's last answer after the person signed in there as `login`.
async fn provider_answer(authorize: &str, login: &str) -> reqwest::Response {
    let person = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let issuer = reqwest::Url::parse(authorize)
        .unwrap()
        .origin()
        .ascii_serialization();
    let absolute = |l: String| {
        if l.starts_with('/') {
            format!("{issuer}{l}")
        } else {
            l
        }
    };
    let r = person.get(authorize).send().await.unwrap();
    let interaction = absolute(location(&r));
    let r = person
        .post(&interaction)
        .form(&[("login", login)])
        .send()
        .await
        .unwrap();
    let resume = absolute(location(&r));
    person.get(&resume).send().await.unwrap()
}

/// Apple's way back: the page the provider answers with posts a form to the
/// callback. Its action and fields.
async fn at_apple(authorize: &str, login: &str) -> (String, Vec<(String, String)>) {
    let page = provider_answer(authorize, login)
        .await
        .text()
        .await
        .unwrap();
    let unescape = |v: &str| {
        v.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let attribute = |tag: &str, name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        Some(unescape(&tag[start..][..tag[start..].find('"')?]))
    };
    let form = page.split("<form").nth(1).expect("a form");
    let action = attribute(form, "action").expect("its action");
    let fields = form
        .split("<input")
        .skip(1)
        .filter_map(|tag| Some((attribute(tag, "name")?, attribute(tag, "value")?)))
        .collect();
    (action, fields)
}

/// The sign-in `id` as `browser` reads it (the client beside it).
async fn read_sign_in(browser: &Browser, id: &str) -> serde_json::Value {
    browser.get(&format!("/v1/client/sign_ins/{id}")).await.ok()
}

/// clerk-js's handover: the sign-up made from the provider's answer (`transfer`).
async fn transfer(browser: &Browser) -> serde_json::Value {
    browser
        .post("/v1/client/sign_ups", &[("transfer", "true")])
        .await
        .ok()
}

/// Starts "Continue with Google" on `browser`: the sign-in and the provider's URL.
async fn continue_with_google(browser: &Browser) -> (String, String) {
    continue_with(browser, "oauth_google").await
}

/// Starts "Continue with …" (`strategy`) on `browser`: the sign-in and the
/// provider's URL.
async fn continue_with(browser: &Browser, strategy: &str) -> (String, String) {
    let v = browser
        .post(
            "/v1/client/sign_ins",
            &[
                ("strategy", strategy),
                ("redirect_url", &format!("{APP}/sign-in#/sso-callback")),
                ("action_complete_redirect_url", &format!("{APP}/welcome")),
            ],
        )
        .await
        .ok();
    let sign_in = &v["response"];
    let ff = &sign_in["first_factor_verification"];
    assert_eq!(ff["object"], "verification_oauth", "{v}");
    assert_eq!(ff["status"], "unverified");
    assert_eq!(ff["strategy"], strategy);
    let url = ff["external_verification_redirect_url"]
        .as_str()
        .unwrap()
        .to_owned();
    (sign_in["id"].as_str().unwrap().to_owned(), url)
}

#[tokio::test]
async fn a_known_account_signs_in_with_the_provider_and_it_is_joined() {
    let Some((server, provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    browser.sign_up(&server, "alice@example.com", "Alice").await;
    browser.sign_out().await;

    let (sign_in, authorize) = continue_with_google(&browser).await;
    assert!(authorize.starts_with(&format!("{}/auth?", provider.issuer)));
    for part in [
        "code_challenge_method=S256",
        "nonce=",
        "state=",
        "scope=openid",
    ] {
        assert!(authorize.contains(part), "{part} in {authorize}");
    }
    let callback = at_provider(&authorize, "alice@example.com").await;
    assert!(callback.starts_with(&format!("{}/v1/oauth_callback?", server.base)));
    let (status, location) = browser.navigate(&callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(&*format!("{APP}/welcome")));

    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(v["response"]["status"], "complete", "{v}");
    assert_eq!(
        v["response"]["first_factor_verification"]["status"],
        "verified"
    );
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    browser.activate(&sid).await;
    let me = browser.get("/v1/me").await.ok();
    let accounts = &me["response"]["external_accounts"];
    assert_eq!(accounts.as_array().unwrap().len(), 1, "{me}");
    assert_eq!(accounts[0]["provider"], "oauth_google");
    assert_eq!(accounts[0]["email_address"], "alice@example.com");
    assert_eq!(accounts[0]["verification"]["status"], "verified");
    // Joined by the email Google vouched for: the owner is told.
    let notices = server.notices_to("alice@example.com").await;
    assert!(
        notices
            .iter()
            .any(|n| n.contains("Google now signs you in")),
        "{notices:?}"
    );

    // The next time, the provider account itself says whose account this is.
    browser.sign_out().await;
    let (_, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "alice@example.com").await;
    let (_, location) = browser.navigate(&callback).await;
    assert_eq!(location.as_deref(), Some(&*format!("{APP}/welcome")));
}

#[tokio::test]
async fn a_banned_account_stays_shut() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    browser.sign_up(&server, "gina@example.com", "Gina").await;
    let me = browser.get("/v1/me").await.ok();
    let user_id = me["response"]["id"].as_str().unwrap().to_owned();
    browser.sign_out().await;
    fapi_server::store::users::set_banned(&server.state().db, &user_id, true)
        .await
        .unwrap();
    let (sign_in, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "gina@example.com").await;
    let (_, location) = browser.navigate(&callback).await;
    assert!(
        location.unwrap().contains("__clerk_error_code=user_locked"),
        "back to the sign-in with the reason"
    );
    assert!(
        joined_to(&server, &user_id).await.is_empty(),
        "a shut account is not joined to the provider"
    );
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(
        v["response"]["first_factor_verification"]["status"],
        "failed"
    );
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn an_account_with_two_step_verification_still_needs_its_code() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let browser = account_with_2fa(&server, "bob@example.com", "+14155553261").await;
    let (sign_in, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "bob@example.com").await;
    let (status, location) = browser.navigate(&callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Not signed in yet: back to the sign-in, which asks for the second factor.
    assert_eq!(
        location.as_deref(),
        Some(&*format!("{APP}/sign-in#/sso-callback"))
    );
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(v["response"]["status"], "needs_second_factor", "{v}");
    assert!(v["response"]["created_session_id"].is_null());
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());
    // Not joined yet: whoever holds the provider account has not given the code.
    let user_id = v["response"]["user_data"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_default();
    let owner = user_of(&server, "bob@example.com").await;
    assert!(user_id.is_empty() || user_id == owner);
    assert!(joined_to(&server, &owner).await.is_empty());
    assert!(
        !server
            .notices_to("bob@example.com")
            .await
            .iter()
            .any(|n| n.contains("now signs you in")),
        "no notice of a join that did not happen"
    );

    let v = browser
        .answer_second_factor(&server, &sign_in, "phone_code", "+14155553261")
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
    // Both factors given: joined now, and the owner told.
    assert_eq!(joined_to(&server, &owner).await, ["oauth_google"]);
    assert!(server
        .notices_to("bob@example.com")
        .await
        .iter()
        .any(|n| n.contains("Google now signs you in")));
}

/// The id of the user with this verified email.
async fn user_of(server: &TestServer, email: &str) -> String {
    fapi_server::store::identifications::owner_of_verified(
        &server.state().db,
        "email_address",
        email,
    )
    .await
    .unwrap()
    .expect("a user with that email")
}

/// The providers joined to `user_id`.
async fn joined_to(server: &TestServer, user_id: &str) -> Vec<String> {
    fapi_server::store::external_accounts::list_for_user(&server.state().db, user_id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.provider)
        .collect()
}

#[tokio::test]
async fn a_new_person_is_handed_over_to_sign_up() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    let (sign_in, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "newcomer@example.com").await;
    let (_, location) = browser.navigate(&callback).await;
    assert_eq!(
        location.as_deref(),
        Some(&*format!("{APP}/sign-in#/sso-callback"))
    );
    let v = read_sign_in(&browser, &sign_in).await;
    let ff = &v["response"]["first_factor_verification"];
    assert_eq!(ff["status"], "transferable", "{v}");
    assert_eq!(ff["error"]["code"], "external_account_not_found");
    assert!(ff["external_verification_redirect_url"].is_null());
    assert!(v["response"]["created_session_id"].is_null());

    // A sign-up refused for what it was sent does not use the handover up.
    browser
        .post(
            "/v1/client/sign_ups",
            &[("transfer", "true"), ("username", "not-on-this-instance")],
        )
        .await
        .err(422, "form_param_unknown");

    // clerk-js then turns it into a sign-up: the provider's email (verified, as the
    // provider vouched for it) and names, no password asked, and the account is made.
    let v = transfer(&browser).await;
    let sign_up = &v["response"];
    assert_eq!(sign_up["status"], "complete", "{v}");
    assert_eq!(sign_up["email_address"], "newcomer@example.com");
    assert_eq!(sign_up["first_name"], "Oidc");
    assert_eq!(
        sign_up["verifications"]["external_account"]["status"],
        "verified"
    );
    assert_eq!(
        sign_up["verifications"]["email_address"]["strategy"],
        "from_oauth_google"
    );
    let sid = sign_up["created_session_id"].as_str().unwrap().to_owned();
    browser.activate(&sid).await;
    let me = browser.get("/v1/me").await.ok();
    assert_eq!(
        me["response"]["external_accounts"][0]["provider"],
        "oauth_google"
    );
    assert_eq!(
        me["response"]["email_addresses"][0]["verification"]["status"],
        "verified"
    );
    assert_eq!(me["response"]["password_enabled"], false);

    // The same proof makes one account.
    browser.sign_out().await;
    browser
        .post("/v1/client/sign_ups", &[("transfer", "true")])
        .await
        .err(400, "client_state_invalid");

    // Signing in with the provider again opens that account.
    let (sign_in, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "newcomer@example.com").await;
    let (_, location) = browser.navigate(&callback).await;
    assert_eq!(location.as_deref(), Some(&*format!("{APP}/welcome")));
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn an_unverified_email_from_the_provider_is_proven_by_code_at_sign_up() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    let (_, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "unverified:frank@example.com").await;
    browser.navigate(&callback).await;
    let v = transfer(&browser).await;
    assert_eq!(v["response"]["status"], "missing_requirements", "{v}");
    assert_eq!(
        v["response"]["unverified_fields"],
        serde_json::json!(["email_address"])
    );
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    browser
        .post(
            &format!("/v1/client/sign_ups/{id}/prepare_verification"),
            &[("strategy", "email_code")],
        )
        .await
        .ok();
    let code = server.last_code_to("frank@example.com").await;
    let v = browser.finish_sign_up(&id, &code).await.ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn an_unverified_email_is_not_joined_to_the_account_with_it() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, "carol@example.com", "Carol").await;
    owner.sign_out().await;

    // Someone registered carol's address at the provider without proving it.
    let intruder = Browser::new(&server.base, Mode::Cookie);
    let (sign_in, authorize) = continue_with_google(&intruder).await;
    let callback = at_provider(&authorize, "unverified:carol@example.com").await;
    intruder.navigate(&callback).await;
    let v = read_sign_in(&intruder, &sign_in).await;
    assert_eq!(
        v["response"]["first_factor_verification"]["status"],
        "transferable"
    );
    assert!(
        v["response"]["user_data"].is_null(),
        "nothing of carol's shows: {v}"
    );
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());
    // Nor can the proof become a second account with carol's address.
    intruder
        .post("/v1/client/sign_ups", &[("transfer", "true")])
        .await
        .err(422, "form_identifier_exists");
}

#[tokio::test]
async fn an_untrusted_providers_verified_email_is_not_joined() {
    let Some((server, _provider)) = server_and_provider(|s| {
        s.social[0].trust_verified_email = Some(false);
    })
    .await
    else {
        return;
    };
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, "dave@example.com", "Dave").await;
    owner.sign_out().await;
    let (sign_in, authorize) = continue_with_google(&owner).await;
    let callback = at_provider(&authorize, "dave@example.com").await;
    owner.navigate(&callback).await;
    let v = read_sign_in(&owner, &sign_in).await;
    assert_eq!(
        v["response"]["first_factor_verification"]["status"],
        "transferable"
    );
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_state_works_once_and_only_in_the_browser_that_started_it() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let victim = Browser::new(&server.base, Mode::Cookie);
    victim.sign_up(&server, "erin@example.com", "Erin").await;
    victim.sign_out().await;

    // A trip someone else started, finished in the victim's browser: refused, and
    // the one who started it is not signed in as the victim.
    let attacker = Browser::new(&server.base, Mode::Cookie);
    let (attack, authorize) = continue_with_google(&attacker).await;
    let callback = at_provider(&authorize, "erin@example.com").await;
    let (status, _) = victim.navigate(&callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let v = attacker
        .get(&format!("/v1/client/sign_ins/{attack}"))
        .await
        .ok();
    assert_ne!(v["response"]["status"], "complete");
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());

    // A made-up state, and a callback without one.
    let made_up = format!("{}/v1/oauth_callback?code=x&state=made-up", server.base);
    assert_eq!(victim.navigate(&made_up).await.0, StatusCode::BAD_REQUEST);
    let bare = format!("{}/v1/oauth_callback?code=x", server.base);
    assert_eq!(victim.navigate(&bare).await.0, StatusCode::BAD_REQUEST);

    // The right browser's callback works once; the same again is refused.
    let (_, authorize) = continue_with_google(&victim).await;
    let callback = at_provider(&authorize, "erin@example.com").await;
    assert_eq!(victim.navigate(&callback).await.0, StatusCode::SEE_OTHER);
    victim.sign_out().await;
    assert_eq!(victim.navigate(&callback).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_refusal_at_the_provider_fails_the_verification() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    let (sign_in, authorize) = continue_with_google(&browser).await;
    let state = authorize
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("state="))
        .unwrap();
    let denied = format!(
        "{}/v1/oauth_callback?error=access_denied&state={state}",
        server.base
    );
    let (status, location) = browser.navigate(&denied).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some(&*format!(
            "{APP}/sign-in?__clerk_status=failed&__clerk_error_code=oauth_access_denied#/sso-callback"
        ))
    );
    let v = read_sign_in(&browser, &sign_in).await;
    let ff = &v["response"]["first_factor_verification"];
    assert_eq!(ff["status"], "failed");
    assert_eq!(ff["error"]["code"], "oauth_access_denied");
}

#[tokio::test]
async fn the_way_back_must_be_an_allowed_origin_and_providers_are_listed() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    for (param, url) in [
        ("redirect_url", "https://evil.example/sso-callback"),
        (
            "action_complete_redirect_url",
            "https://evil.example/welcome",
        ),
    ] {
        let mut form = vec![
            ("strategy", "oauth_google"),
            ("redirect_url", "http://localhost:8080/sso-callback"),
        ];
        form.retain(|(k, _)| *k != param);
        form.push((param, url));
        let e = browser
            .post("/v1/client/sign_ins", &form)
            .await
            .err(422, "form_param_value_invalid");
        assert_eq!(e["meta"]["param_name"], param);
    }
    let e = browser
        .post("/v1/client/sign_ins", &[("strategy", "oauth_google")])
        .await
        .err(422, "form_param_missing");
    assert_eq!(e["meta"]["param_name"], "redirect_url");
    // A provider that is not configured is no strategy at all.
    browser
        .post(
            "/v1/client/sign_ins",
            &[
                ("strategy", "oauth_github"),
                ("redirect_url", "http://localhost:8080/cb"),
            ],
        )
        .await
        .err(422, "form_param_value_invalid");

    // A native app's client rides in a header, which the provider's redirect to the
    // callback cannot bring.
    let app = Browser::new(&server.base, Mode::Native);
    app.post(
        "/v1/client/sign_ins",
        &[
            ("strategy", "oauth_google"),
            ("redirect_url", "http://localhost:8080/cb"),
        ],
    )
    .await
    .err(400, "oauth_cookie_required");

    let env = browser.get("/v1/environment").await.ok();
    let google = &env["user_settings"]["social"]["oauth_google"];
    assert_eq!(google["enabled"], true, "{env}");
    assert_eq!(google["authenticatable"], true);
    assert_eq!(google["name"], "Google");
    assert!(!env.to_string().contains(CLIENT_SECRET));
}

#[tokio::test]
async fn a_provider_is_connected_from_the_profile_and_removed() {
    let Some((server, provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    browser.sign_up(&server, "carol@example.com", "Carol").await;
    let connect = |b: &Browser| {
        let b = b.clone();
        async move {
            b.post(
                "/v1/me/external_accounts",
                &[
                    ("strategy", "oauth_google"),
                    ("redirect_url", &format!("{APP}/user")),
                    ("additional_scope", "calendar"),
                ],
            )
            .await
            .ok()
        }
    };
    let v = connect(&browser).await;
    let pending = &v["response"];
    assert_eq!(pending["object"], "external_account", "{v}");
    assert_eq!(pending["provider"], "oauth_google");
    assert_eq!(pending["verification"]["status"], "unverified");
    let authorize = pending["verification"]["external_verification_redirect_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(authorize.starts_with(&format!("{}/auth?", provider.issuer)));
    // The provider's account has another email: connecting is proof enough.
    let callback = at_provider(&authorize, "carol.elsewhere@example.com").await;
    let (status, location) = browser.navigate(&callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(&*format!("{APP}/user")));
    let me = browser.get("/v1/me").await.ok();
    let accounts = me["response"]["external_accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "{me}");
    assert_eq!(accounts[0]["email_address"], "carol.elsewhere@example.com");
    let id = accounts[0]["id"].as_str().unwrap().to_owned();
    let notices = server.notices_to("carol@example.com").await;
    assert!(
        notices.iter().any(|n| n.contains("from your profile")),
        "{notices:?}"
    );

    // The same provider account for someone else: refused, back with the reason.
    let other = Browser::new(&server.base, Mode::Cookie);
    other.sign_up(&server, "dave@example.com", "Dave").await;
    let v = connect(&other).await;
    let authorize = v["response"]["verification"]["external_verification_redirect_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let callback = at_provider(&authorize, "carol.elsewhere@example.com").await;
    let (_, location) = other.navigate(&callback).await;
    assert_eq!(
        location.as_deref(),
        Some(&*format!(
            "{APP}/user?__clerk_status=failed&__clerk_error_code=external_account_exists"
        ))
    );
    let me = other.get("/v1/me").await.ok();
    assert!(me["response"]["external_accounts"]
        .as_array()
        .unwrap()
        .is_empty());

    // A provider nobody configured, and no way back: refused, nothing started.
    other
        .post(
            "/v1/me/external_accounts",
            &[("strategy", "oauth_nobody"), ("redirect_url", APP)],
        )
        .await
        .err(422, "form_param_value_invalid");
    other
        .post("/v1/me/external_accounts", &[("strategy", "oauth_google")])
        .await
        .err(422, "form_param_missing");

    // Removed: gone from the user, and the owner is told.
    let v = browser
        .delete(&format!("/v1/me/external_accounts/{id}"))
        .await
        .ok();
    assert_eq!(v["response"]["deleted"], true);
    let me = browser.get("/v1/me").await.ok();
    assert!(me["response"]["external_accounts"]
        .as_array()
        .unwrap()
        .is_empty());
    let notices = server.notices_to("carol@example.com").await;
    assert!(
        notices.iter().any(|n| n.contains("disconnected")),
        "{notices:?}"
    );
    // Someone else's account id is nobody's here.
    other
        .delete(&format!("/v1/me/external_accounts/{id}"))
        .await
        .err(404, "resource_not_found");
}

/// Signed in with a password in another tab while the provider's page was open: in
/// single-session mode the way back signs nobody in a second time.
#[tokio::test]
async fn a_client_signed_in_meanwhile_keeps_its_one_session() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    browser.sign_up(&server, "erin@example.com", "Erin").await;
    browser.sign_out().await;
    let (_, authorize) = continue_with_google(&browser).await;
    let v = browser
        .post(
            "/v1/client/sign_ins",
            &[
                ("identifier", "erin@example.com"),
                ("password", common::PASSWORD),
                ("strategy", "password"),
            ],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    let callback = at_provider(&authorize, "erin@example.com").await;
    let (_, location) = browser.navigate(&callback).await;
    assert!(
        location
            .unwrap()
            .contains("__clerk_status=failed&__clerk_error_code=session_exists"),
        "back with the reason"
    );
    let v = browser.get("/v1/client").await.ok();
    assert_eq!(
        v["response"]["sessions"].as_array().unwrap().len(),
        1,
        "{v}"
    );
}

#[tokio::test]
async fn github_says_who_it_is_through_its_api() {
    let Some((server, provider)) = server_and(Flavour::GitHub, |_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    let (sign_in, authorize) = continue_with(&browser, "oauth_github").await;
    assert!(
        authorize.starts_with(&format!("{}/login/oauth/authorize?", provider.issuer)),
        "{authorize}"
    );
    for part in [
        "code_challenge_method=S256",
        "state=",
        "scope=user%3Aemail+read%3Auser",
    ] {
        assert!(authorize.contains(part), "{part} in {authorize}");
    }
    assert!(
        !authorize.contains("nonce="),
        "no OpenID Connect: {authorize}"
    );

    // Someone new: GitHub's primary, verified email and name make the sign-up.
    let callback = at_provider(&authorize, "grace@example.com").await;
    let (_, location) = browser.navigate(&callback).await;
    assert_eq!(
        location.as_deref(),
        Some(&*format!("{APP}/sign-in#/sso-callback"))
    );
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(
        v["response"]["first_factor_verification"]["status"], "transferable",
        "{v}"
    );
    let v = transfer(&browser).await;
    let sign_up = &v["response"];
    assert_eq!(sign_up["status"], "complete", "{v}");
    assert_eq!(sign_up["email_address"], "grace@example.com");
    assert_eq!(sign_up["first_name"], "Oidc");
    assert_eq!(sign_up["last_name"], "Tester");
    browser
        .activate(sign_up["created_session_id"].as_str().unwrap())
        .await;
    let me = browser.get("/v1/me").await.ok();
    let account = &me["response"]["external_accounts"][0];
    assert_eq!(account["provider"], "oauth_github", "{me}");
    let github_id = account["provider_user_id"].as_str().unwrap().to_owned();
    assert!(
        github_id.chars().all(|c| c.is_ascii_digit()),
        "GitHub's numeric user id: {github_id}"
    );
    assert!(account["approved_scopes"]
        .as_str()
        .unwrap()
        .contains("user:email"));

    // Next time the same GitHub account opens it.
    browser.sign_out().await;
    let (sign_in, authorize) = continue_with(&browser, "oauth_github").await;
    let callback = at_provider(&authorize, "grace@example.com").await;
    let (_, location) = browser.navigate(&callback).await;
    assert_eq!(location.as_deref(), Some(&*format!("{APP}/welcome")));
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(v["response"]["status"], "complete", "{v}");
}

#[tokio::test]
async fn github_with_an_unverified_primary_email_is_not_joined_and_2fa_holds() {
    let Some((server, _provider)) = server_and(Flavour::GitHub, |_| {}).await else {
        return;
    };
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, "heidi@example.com", "Heidi").await;
    owner.sign_out().await;
    let intruder = Browser::new(&server.base, Mode::Cookie);
    let (sign_in, authorize) = continue_with(&intruder, "oauth_github").await;
    let callback = at_provider(&authorize, "unverified:heidi@example.com").await;
    intruder.navigate(&callback).await;
    let v = read_sign_in(&intruder, &sign_in).await;
    assert_eq!(
        v["response"]["first_factor_verification"]["status"], "transferable",
        "{v}"
    );
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());

    // A verified address joins its account, and the second factor is still asked.
    let browser = account_with_2fa(&server, "ivan@example.com", "+14155553262").await;
    let (sign_in, authorize) = continue_with(&browser, "oauth_github").await;
    let callback = at_provider(&authorize, "ivan@example.com").await;
    browser.navigate(&callback).await;
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(v["response"]["status"], "needs_second_factor", "{v}");
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());
}

/// Posts a Providers page form with the session's token.
async fn dashboard_post(
    admin: &common::admin::AdminBrowser,
    action: &str,
    fields: &[(&str, &str)],
) -> common::admin::Page {
    let csrf = admin.csrf().await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    admin
        .post(&format!("/dashboard/providers/{action}"), &form)
        .await
}

#[tokio::test]
async fn a_provider_added_in_the_dashboard_signs_people_in_until_removed() {
    let Some((server, provider)) = server_and(Flavour::Google, |s| {
        s.social.clear();
        common::admin::with_admin(s);
    })
    .await
    else {
        return;
    };
    let admin = common::admin::signed_in_admin(&server).await;
    let page = admin.get("/dashboard/providers").await;
    assert!(
        page.body
            .contains(&format!("{}/v1/oauth_callback", server.base)),
        "the redirect URI to register: {}",
        page.body
    );
    let fields = [
        ("provider", "loopback_id"),
        ("name", "Loopback ID"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("issuer", provider.issuer.as_str()),
        ("trust_verified_email", "on"),
    ];
    // What the server would refuse at start changes nothing: an issuer off loopback
    // over plain http, a provider without its secret, an unknown one without issuer.
    for bad in [
        vec![("issuer", "http://login.example.com")],
        vec![("client_secret", "")],
        vec![("issuer", "")],
    ] {
        let mut form: Vec<_> = fields
            .iter()
            .filter(|(k, _)| !bad.iter().any(|(b, _)| b == k))
            .copied()
            .collect();
        form.extend(bad.iter().copied());
        let page = dashboard_post(&admin, "add", &form).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{form:?}");
        assert!(page.body.contains("Not changed"), "{}", page.body);
    }
    let browser = Browser::new(&server.base, Mode::Cookie);
    let env = browser.get("/v1/environment").await.ok();
    assert_eq!(env["user_settings"]["social"], serde_json::json!({}));

    let page = dashboard_post(&admin, "add", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        page.location.as_deref(),
        Some("/dashboard/providers?done=added")
    );
    let page = admin.get("/dashboard/providers").await;
    assert!(page.body.contains("oauth_loopback_id"), "{}", page.body);
    assert!(!page.body.contains(CLIENT_SECRET), "never shown again");
    let saved = fapi_server::store::instance_settings::stored(&server.state().db, "social")
        .await
        .unwrap()
        .unwrap();
    assert!(saved.contains("client_secret_sealed") && !saved.contains(CLIENT_SECRET));
    let log = admin.log().await;
    assert!(log.contains("provider-add") && !log.contains(CLIENT_SECRET));

    // In force at once: its button is offered and a new person signs up through it.
    let env = browser.get("/v1/environment").await.ok();
    let offered = &env["user_settings"]["social"]["oauth_loopback_id"];
    assert_eq!(offered["name"], "Loopback ID", "{env}");
    let (_, authorize) = continue_with(&browser, "oauth_loopback_id").await;
    let callback = at_provider(&authorize, "judy@example.com").await;
    browser.navigate(&callback).await;
    let v = transfer(&browser).await;
    assert_eq!(v["response"]["status"], "complete", "{v}");
    browser
        .activate(v["response"]["created_session_id"].as_str().unwrap())
        .await;
    browser.sign_out().await;

    // Removed: no button, no trip; the account keeps its other ways in.
    let page = dashboard_post(&admin, "remove", &[("provider", "loopback_id")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let env = browser.get("/v1/environment").await.ok();
    assert_eq!(env["user_settings"]["social"], serde_json::json!({}));
    browser
        .post(
            "/v1/client/sign_ins",
            &[
                ("strategy", "oauth_loopback_id"),
                ("redirect_url", &format!("{APP}/cb")),
            ],
        )
        .await
        .err(422, "form_param_value_invalid");
    assert!(admin.log().await.contains("provider-remove"));

    // Added again, it lasts across a restart (its secret opened from the seal).
    dashboard_post(&admin, "add", &fields).await;
    let dir = server.stop().await;
    let mut settings = common::test_settings(dir.path());
    common::admin::with_admin(&mut settings);
    let effective = fapi_server::effective_settings(&settings).await.unwrap();
    assert_eq!(effective.social.len(), 1);
    assert_eq!(effective.social[0].client_secret, CLIENT_SECRET);
}

#[tokio::test]
async fn apple_answers_with_a_form_post_and_a_signed_client_secret() {
    let Some((server, provider)) = server_and(Flavour::Apple, |_| {}).await else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    let (sign_in, authorize) = continue_with(&browser, "oauth_apple").await;
    for part in [
        "response_mode=form_post",
        "scope=openid+name+email",
        "nonce=",
    ] {
        assert!(authorize.contains(part), "{part} in {authorize}");
    }
    let (action, fields) = at_apple(&authorize, "kim@example.com").await;
    assert_eq!(action, format!("{}/v1/oauth_callback", server.base));
    assert!(fields.iter().any(|(k, _)| k == "user"), "{fields:?}");

    // Posted from Apple's site: no cookie comes with it (SameSite=Lax), so it only
    // turns into a GET, which the browser then makes with its cookie.
    let apple_site = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = apple_site
        .post(&action)
        .header("origin", &provider.issuer)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let get = reqwest::Url::parse(&action)
        .unwrap()
        .join(&location(&r))
        .unwrap()
        .to_string();
    assert!(get.starts_with(&format!("{action}?code=")), "{get}");
    assert!(!get.contains("user="), "the name stays off the URL: {get}");
    let (_, back) = browser.navigate(&get).await;
    assert_eq!(
        back.as_deref(),
        Some(&*format!("{APP}/sign-in#/sso-callback"))
    );
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(
        v["response"]["first_factor_verification"]["status"], "transferable",
        "the client secret Apple took, the ID token checked: {v}"
    );
    // The name from the posted `user`, the email verified (Apple says "true").
    let v = transfer(&browser).await;
    let sign_up = &v["response"];
    assert_eq!(sign_up["status"], "complete", "{v}");
    assert_eq!(sign_up["first_name"], "Apple");
    assert_eq!(sign_up["last_name"], "Tester");
    assert_eq!(sign_up["email_address"], "kim@example.com");
    assert_eq!(
        sign_up["verifications"]["email_address"]["status"],
        "verified"
    );

    // A GET from a browser that did not start the trip still signs nobody in.
    let starter = Browser::new(&server.base, Mode::Cookie);
    let stranger = Browser::new(&server.base, Mode::Cookie);
    let (_, authorize) = continue_with(&starter, "oauth_apple").await;
    let (action, fields) = at_apple(&authorize, "kim@example.com").await;
    let r = apple_site.post(&action).form(&fields).send().await.unwrap();
    let get = reqwest::Url::parse(&action)
        .unwrap()
        .join(&location(&r))
        .unwrap();
    let (status, _) = stranger.navigate(get.as_str()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_client_secret_apple_cannot_check_fails_the_exchange() {
    let Some((server, _provider)) = server_and(Flavour::Apple, |s| {
        s.social[0].key_id = Some("ANOTHERKEY".into());
    })
    .await
    else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    let (sign_in, authorize) = continue_with(&browser, "oauth_apple").await;
    let (action, fields) = at_apple(&authorize, "leo@example.com").await;
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(&action)
        .form(&fields)
        .send()
        .await
        .unwrap();
    let get = reqwest::Url::parse(&action)
        .unwrap()
        .join(&location(&r))
        .unwrap();
    let (_, back) = browser.navigate(get.as_str()).await;
    assert!(
        back.unwrap()
            .contains("__clerk_error_code=oauth_token_exchange_error"),
        "back with the reason"
    );
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(
        v["response"]["first_factor_verification"]["status"],
        "failed"
    );
}

#[tokio::test]
async fn with_enumeration_protection_a_taken_email_goes_on_as_a_free_one() {
    let Some((server, _provider)) = server_and_provider(|s| {
        s.enumeration_protection = true;
        s.social[0].trust_verified_email = Some(false);
    })
    .await
    else {
        return;
    };
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, "mia@example.com", "Mia").await;
    owner.sign_out().await;

    // Someone at a provider the instance does not trust with mia's address, and
    // someone with a free address: the same answer.
    let mut answers = Vec::new();
    for login in ["mia@example.com", "noah@example.com"] {
        let browser = Browser::new(&server.base, Mode::Cookie);
        let (_, authorize) = continue_with_google(&browser).await;
        let callback = at_provider(&authorize, login).await;
        browser.navigate(&callback).await;
        let v = transfer(&browser).await;
        let sign_up = &v["response"];
        answers.push((
            sign_up["status"].clone(),
            sign_up["unverified_fields"].clone(),
            sign_up["verifications"]["email_address"]["status"].clone(),
        ));
        let id = sign_up["id"].as_str().unwrap().to_owned();
        browser
            .post(
                &format!("/v1/client/sign_ups/{id}/prepare_verification"),
                &[("strategy", "email_code")],
            )
            .await
            .ok();
    }
    assert_eq!(answers[0], answers[1], "{answers:?}");
    assert_eq!(answers[0].0, "missing_requirements");
    // Only the free address got a code; mia hears of the attempt instead.
    assert!(server
        .notices_to("mia@example.com")
        .await
        .iter()
        .all(|n| !n.contains("verification code")));
}

#[tokio::test]
async fn a_development_browsers_trip_is_refused_to_another_browser() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, "olga@example.com", "Olga").await;
    owner.sign_out().await;

    // The app's page holds its client token (`__clerk_db_jwt`); the trip's cookie is
    // what comes back with the provider's redirect.
    let browser = Browser::new(&server.base, Mode::DevBrowser);
    browser.setup().await;
    let (sign_in, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "olga@example.com").await;

    // Someone else's browser following the same way back: refused.
    let stranger = Browser::new(&server.base, Mode::DevBrowser);
    stranger.setup().await;
    let (status, _) = stranger.navigate(&callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(
        v["response"]["first_factor_verification"]["status"], "unverified",
        "{v}"
    );
    // The stranger's try used nothing up: the browser that started it finishes.
    let (status, location) = browser.navigate(&callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location
            .unwrap()
            .starts_with(&format!("{APP}/welcome?__clerk_db_jwt=")),
        "signed in"
    );
}

#[tokio::test]
async fn a_development_browser_signs_in_with_a_provider() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, "pia@example.com", "Pia").await;
    owner.sign_out().await;

    let browser = Browser::new(&server.base, Mode::DevBrowser);
    browser.setup().await;
    let (sign_in, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "pia@example.com").await;
    let (status, location) = browser.navigate(&callback).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Signed in: the client's new token handed to the page in the URL, as Clerk's
    // development instances do; no `__client` cookie.
    let location = location.unwrap();
    assert!(
        location.starts_with(&format!("{APP}/welcome?__clerk_db_jwt=")),
        "{location}"
    );
    let token = reqwest::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "__clerk_db_jwt")
        .unwrap()
        .1
        .into_owned();
    browser.set_token(Some(token));
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(v["response"]["status"], "complete", "{v}");
    assert_eq!(v["client"]["sessions"].as_array().unwrap().len(), 1, "{v}");

    // The trip's cookie went with its use: a replay of the way back finds nothing.
    let (status, _) = browser.navigate(&callback).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_sign_up_from_a_provider_goes_on_with_what_the_instance_still_needs() {
    let Some((server, _provider)) = server_and_provider(|s| {
        s.identifiers.username = fapi_server::config::Requirement::Required;
    })
    .await
    else {
        return;
    };
    let browser = Browser::new(&server.base, Mode::Cookie);
    let (_, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "ruth@example.com").await;
    browser.navigate(&callback).await;
    let v = transfer(&browser).await;
    let sign_up = &v["response"];
    assert_eq!(sign_up["status"], "missing_requirements", "{v}");
    assert_eq!(sign_up["missing_fields"], serde_json::json!(["username"]));
    // No password asked of someone who came from a provider.
    let id = sign_up["id"].as_str().unwrap().to_owned();
    let v = browser
        .patch(
            &format!("/v1/client/sign_ups/{id}"),
            &[("username", "ruth_r")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    assert_eq!(v["response"]["username"], "ruth_r");
}

#[tokio::test]
async fn keys_the_provider_rotated_since_discovery_are_read_again() {
    let Some((server, mut provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    let trip = |login: &'static str| {
        let server = &server;
        async move {
            let browser = Browser::new(&server.base, Mode::Cookie);
            let (sign_in, authorize) = continue_with_google(&browser).await;
            let callback = at_provider(&authorize, login).await;
            browser.navigate(&callback).await;
            read_sign_in(&browser, &sign_in).await["response"]["first_factor_verification"]
                ["status"]
                .clone()
        }
    };
    // The provider's keys are read with its discovery document, and kept.
    assert_eq!(trip("sam@example.com").await, "transferable");
    // It starts signing with a new key (same place, same client).
    provider.restart(&server, &[("FRESH_KEYS", "1")]);
    assert_eq!(
        trip("tom@example.com").await,
        "transferable",
        "an ID token signed with the new key holds up"
    );
}

#[tokio::test]
async fn an_id_token_for_another_nonce_or_audience_is_refused() {
    // `resign`: the stand-in's own signing holds up, so what fails below is the claim.
    for (tamper, outcome) in [
        ("resign", "transferable"),
        ("nonce", "failed"),
        ("audience", "failed"),
    ] {
        let Some((server, mut provider)) = server_and_provider(|_| {}).await else {
            return;
        };
        provider.restart(&server, &[("TAMPER_ID_TOKEN", tamper)]);
        let browser = Browser::new(&server.base, Mode::Cookie);
        let (sign_in, authorize) = continue_with_google(&browser).await;
        let callback = at_provider(&authorize, "una@example.com").await;
        let (_, back) = browser.navigate(&callback).await;
        let v = read_sign_in(&browser, &sign_in).await;
        assert_eq!(
            v["response"]["first_factor_verification"]["status"], outcome,
            "{tamper}: {v}"
        );
        if outcome == "failed" {
            assert!(
                back.unwrap()
                    .contains("__clerk_error_code=oauth_token_exchange_error"),
                "{tamper}"
            );
            assert!(v["client"]["sessions"].as_array().unwrap().is_empty());
        }
    }
}

#[tokio::test]
async fn a_development_browser_gives_its_second_factor_after_the_provider() {
    let Some((server, _provider)) = server_and_provider(|_| {}).await else {
        return;
    };
    account_with_2fa(&server, "vera@example.com", "+14155553263").await;
    let browser = Browser::new(&server.base, Mode::DevBrowser);
    browser.setup().await;
    let (sign_in, authorize) = continue_with_google(&browser).await;
    let callback = at_provider(&authorize, "vera@example.com").await;
    let (_, location) = browser.navigate(&callback).await;
    // No session yet: no new token, back to the code step with the page's own.
    assert_eq!(
        location.as_deref(),
        Some(&*format!("{APP}/sign-in#/sso-callback"))
    );
    let v = read_sign_in(&browser, &sign_in).await;
    assert_eq!(v["response"]["status"], "needs_second_factor", "{v}");
    let v = browser
        .answer_second_factor(&server, &sign_in, "phone_code", "+14155553263")
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
    // Joined once both factors were given.
    let owner = user_of(&server, "vera@example.com").await;
    assert_eq!(joined_to(&server, &owner).await, ["oauth_google"]);
}
