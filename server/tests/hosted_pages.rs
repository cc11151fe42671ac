//! Hosted pages: `/sign-in`, `/sign-up` and `/user` served from the built portal,
//! told whether to use a dev browser and where `redirect_url` may go back to; a
//! `redirect_url` to a foreign site is refused; `display_config` names the hosted
//! URLs (unless the instance set its own) and the theme's colours; `cookie_domain`
//! shares the client cookie with sibling subdomains.

use crate::common;

use common::TestServer;
use fapi_server::config::{Environment, Settings};
use reqwest::{header, StatusCode};
use serde_json::Value;

/// A stand-in for the built portal: what the server does with it is what is tested
/// here (the real one runs in `e2e/tests/hosted.rs`).
fn portal(dir: &std::path::Path) -> std::path::PathBuf {
    let portal = dir.join("portal");
    std::fs::create_dir_all(&portal).unwrap();
    std::fs::write(
        portal.join("index.html"),
        "<!doctype html><html><head><title>Sign in</title></head><body>portal</body></html>",
    )
    .unwrap();
    std::fs::write(portal.join("portal.js"), "// the app").unwrap();
    portal
}

async fn with_portal(configure: impl FnOnce(&mut Settings)) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = common::test_settings(dir.path());
    settings.hosted_pages.dir = Some(portal(dir.path()));
    configure(&mut settings);
    TestServer::in_dir(dir, settings).await
}

async fn get(server: &TestServer, path: &str) -> (StatusCode, header::HeaderMap, String) {
    let r = reqwest::get(format!("{}{path}", server.base))
        .await
        .unwrap();
    (r.status(), r.headers().clone(), r.text().await.unwrap())
}

async fn display_config(server: &TestServer) -> Value {
    let v: Value = reqwest::get(format!("{}/v1/environment", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["display_config"].clone()
}

#[tokio::test]
async fn the_pages_are_served_with_what_the_portal_needs_to_know() {
    let server = with_portal(|_| {}).await;
    for path in [
        "/sign-in",
        "/sign-in/factor-two",
        "/sign-up",
        "/user",
        "/user/security",
    ] {
        let (status, headers, body) = get(&server, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            body.contains("<meta name=\"fapi-dev-browser\" content=\"true\">"),
            "{body}"
        );
        assert!(
            body.contains("<meta name=\"fapi-redirect-origin\" content=\"\">"),
            "{body}"
        );
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "never framed");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    }
    let (status, _, body) = get(&server, "/__portal/portal.js").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "// the app"));

    // Back to an app on a loopback origin (development), with its origin passed on.
    let (status, _, body) = get(
        &server,
        "/sign-in?redirect_url=http%3A%2F%2Flocalhost%3A8080%2Fprotected%3Fx%3D1",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("<meta name=\"fapi-redirect-origin\" content=\"http://localhost:8080\">"),
        "{body}"
    );
    let (status, _, _) = get(&server, "/sign-up?redirect_url=%2Fafter").await;
    assert_eq!(status, StatusCode::OK, "a path is always fine");

    // Anywhere else: refused before the page loads.
    for evil in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "javascript%3Aalert(1)",
        "http%3A%2F%2Flocalhost%3A8080%40evil.example%2F",
    ] {
        let (status, _, body) = get(&server, &format!("/sign-in?redirect_url={evil}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{evil}");
        assert!(!body.contains("fapi-dev-browser"), "{evil}");
    }

    // display_config names the hosted pages, on this server's origin.
    let d = display_config(&server).await;
    assert_eq!(d["sign_in_url"], format!("{}/sign-in", server.base));
    assert_eq!(d["sign_up_url"], format!("{}/sign-up", server.base));
    assert_eq!(d["user_profile_url"], format!("{}/user", server.base));
}

#[tokio::test]
async fn production_sends_people_back_to_allowed_origins_only() {
    let server = with_portal(|s| {
        s.environment = Environment::Production;
        s.frontend_api_url = "https://clerk.example.com".into();
        s.allowed_redirect_origins = vec!["https://app.example.com".into()];
        common::production_passkeys(s);
        s.allowed_origins = vec!["https://other.example.com".into()];
        s.delivery = Default::default();
    })
    .await;
    let ok = |target: &str| format!("/sign-in?redirect_url={}", urlencode(target));
    for allowed in [
        "https://app.example.com/dashboard",
        "https://other.example.com/",
        "https://clerk.example.com/user",
    ] {
        let (status, _, body) = get(&server, &ok(allowed)).await;
        assert_eq!(status, StatusCode::OK, "{allowed}");
        assert!(
            body.contains("content=\"false\""),
            "no dev browser in production"
        );
    }
    for refused in [
        "http://localhost:8080/",
        "https://app.example.com.evil.example/",
    ] {
        let (status, _, _) = get(&server, &ok(refused)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    }
    let d = display_config(&server).await;
    assert_eq!(d["sign_in_url"], "https://clerk.example.com/sign-in");
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn the_instances_own_urls_and_app_win_and_unbuilt_pages_say_how_to_build_them() {
    let server = with_portal(|s| s.urls.sign_in = "https://app.example.com/login".into()).await;
    let d = display_config(&server).await;
    assert_eq!(d["sign_in_url"], "https://app.example.com/login");
    assert_eq!(d["sign_up_url"], format!("{}/sign-up", server.base));

    // An app served on this origin (static_dir) keeps its own /sign-in.
    let app = tempfile::tempdir().unwrap();
    std::fs::write(app.path().join("index.html"), "<html>the app</html>").unwrap();
    let app_dir = app.path().to_owned();
    let server = with_portal(move |s| s.static_dir = Some(app_dir)).await;
    let (status, _, body) = get(&server, "/sign-in").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "<html>the app</html>")
    );
    assert_eq!(display_config(&server).await["sign_in_url"], "");

    // Not built: the page says how, and display_config does not send people there.
    let empty = tempfile::tempdir().unwrap();
    let empty_dir = empty.path().to_owned();
    let server = TestServer::with(move |s| s.hosted_pages.dir = Some(empty_dir)).await;
    let (status, _, body) = get(&server, "/sign-in").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("cargo xtask portal"), "{body}");
    assert_eq!(display_config(&server).await["sign_in_url"], "");

    // Turned off: the paths are nobody's.
    let server = with_portal(|s| s.hosted_pages.enabled = false).await;
    let (status, _, _) = get(&server, "/sign-in").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_theme_reaches_display_config() {
    let server = with_portal(|s| s.theme.primary_color = "#0a7e4f".into()).await;
    let d = display_config(&server).await;
    assert_eq!(d["theme"]["general"]["color"], "#0a7e4f");
    assert_eq!(d["theme"]["general"]["background_color"], "");
    let mut s = Settings::default();
    s.theme.background_color = "navy".into();
    assert!(s.validate().is_err(), "colours are hex");
}

#[tokio::test]
async fn a_cookie_domain_shares_the_client_with_sibling_subdomains() {
    let server = TestServer::with(|s| {
        s.environment = Environment::Production;
        s.frontend_api_url = "https://clerk.example.com".into();
        s.cookie_domain = Some("example.com".into());
        common::production_passkeys(s);
    })
    .await;
    let r = reqwest::Client::new()
        .post(format!("{}/v1/client", server.base))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__client="), "{cookie}");
    assert!(cookie.contains("Domain=example.com"), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );

    let mut s = Settings {
        environment: Environment::Production,
        frontend_api_url: "https://clerk.example.com".into(),
        cookie_domain: Some("elsewhere.com".into()),
        ..Settings::default()
    };
    common::production_passkeys(&mut s);
    assert!(s
        .validate()
        .unwrap_err()
        .to_string()
        .contains("cookie_domain"));
    s.cookie_domain = Some(".example.com".into());
    s.validate().unwrap();
    s.cookie_domain = Some("ample.com".into());
    assert!(s.validate().is_err(), "a suffix is not a parent domain");
}

/// A page URL may carry a dev browser token meant for another instance (the hosted
/// pages hand theirs back to the app): the page still loads; only the API checks it.
#[tokio::test]
async fn pages_load_whatever_dev_browser_token_their_url_carries() {
    let app = tempfile::tempdir().unwrap();
    std::fs::write(app.path().join("index.html"), "<html>the app</html>").unwrap();
    let app_dir = app.path().to_owned();
    let server = TestServer::with(move |s| s.static_dir = Some(app_dir)).await;
    let (status, _, body) = get(&server, "/sign-up?__clerk_db_jwt=from-another-instance").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "<html>the app</html>")
    );

    let server = with_portal(|_| {}).await;
    let (status, _, body) = get(&server, "/sign-in?__clerk_db_jwt=unknown").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("fapi-dev-browser"));
    let (status, _, _) = get(&server, "/v1/client?__clerk_db_jwt=unknown").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the API still refuses it");
}
