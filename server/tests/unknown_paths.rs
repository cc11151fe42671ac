//! Every path under the API answers in Clerk's JSON envelope, also when fapi-server
//! serves the app's files beside it: clerk-js reads an HTML page or an empty 405 as
//! "offline" and retries, where Clerk answers a JSON 404 `resource_not_found`.

use crate::common;

use common::TestServer;
use serde_json::Value;

async fn app_server() -> (TestServer, tempfile::TempDir) {
    let app = tempfile::tempdir().unwrap();
    std::fs::write(
        app.path().join("index.html"),
        "<!doctype html><title>app</title>",
    )
    .unwrap();
    let dir = app.path().to_owned();
    (
        TestServer::with(move |s| s.static_dir = Some(dir)).await,
        app,
    )
}

async fn json_error(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let ty = r.headers()["content-type"].to_str().unwrap().to_owned();
    let body = r.text().await.unwrap();
    assert!(ty.starts_with("application/json"), "{ty}: {body}");
    (status, serde_json::from_str(&body).unwrap())
}

#[tokio::test]
async fn unknown_api_paths_are_clerks_json_404_beside_an_app() {
    let (server, _app) = app_server().await;
    let http = reqwest::Client::new();
    for path in [
        "/v1/me/no_such_thing",
        "/v1/client/sign_ins/sia_1/nope",
        "/v1/organizations",
        "/.well-known/openid-configuration",
        "/dev/nothing",
    ] {
        let r = http
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        let (status, v) = json_error(r).await;
        assert_eq!(status, 404, "{path}: {v}");
        assert_eq!(v["errors"][0]["code"], "resource_not_found", "{path}");
    }
    // A known path with a method it does not take.
    let r = http
        .put(format!("{}/v1/environment", server.base))
        .send()
        .await
        .unwrap();
    let (status, v) = json_error(r).await;
    assert_eq!(status, 405, "{v}");
    assert_eq!(v["errors"][0]["code"], "method_not_allowed");
    // The app's own routes still get its page, readable from the app's other origins
    // (the browser tests load axe-core this way).
    let r = http
        .get(format!("{}/user/security", server.base))
        .header("origin", "http://localhost:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://localhost:8080"
    );
    assert!(r.text().await.unwrap().contains("<title>app</title>"));
}

/// DNS rebinding: a page on evil.example, its name pointed at 127.0.0.1, is
/// same-origin with a development instance; the `Host` it sends gives it away.
#[tokio::test]
async fn a_development_instance_answers_only_loopback_names() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    let port = server.base.rsplit(':').next().unwrap().to_owned();
    for host in [
        format!("evil.example:{port}"),
        "127.0.0.1.nip.io".to_owned(),
    ] {
        for path in ["/dev/outbox", "/v1/environment"] {
            let r = http
                .get(format!("{}{path}", server.base))
                .header("host", &host)
                .send()
                .await
                .unwrap();
            let (status, v) = json_error(r).await;
            assert_eq!(status, 403, "{host}{path}: {v}");
            assert_eq!(v["errors"][0]["code"], "host_invalid");
        }
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let r = http
            .get(format!("{}/dev/outbox", server.base))
            .header("host", &host)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{host}");
    }
}
