//! Three fapi-server instances on one PostgreSQL, requests spread round-robin as a
//! load balancer would: what must hold for the whole service holds across them.
//! Runs when `FAPI_TEST_POSTGRES_URL` names a server (`cargo xtask test` starts
//! one); on SQLite, one process owns the file and there is nothing to share.

use crate::common;

use common::{account_with_2fa, test_settings, Browser, Mode, TestServer, ORIGIN, PASSWORD};
use futures::future::join_all;
use reqwest::StatusCode;

/// Three instances started at once on one fresh database, sharing the secrets
/// key file, behind a proxy (`trust_forwarded_for`), with Clerk's per-IP limit
/// on sign-in creation (5 in 10 s).
async fn three_instances() -> Option<(Vec<TestServer>, tempfile::TempDir)> {
    if !common::on_postgres() {
        eprintln!("not run: needs PostgreSQL (FAPI_TEST_POSTGRES_URL)");
        return None;
    }
    let shared = tempfile::tempdir().unwrap();
    let started = join_all((0..3).map(|_| {
        let s = shared_settings(shared.path());
        async move { TestServer::in_dir(tempfile::tempdir().unwrap(), s).await }
    }))
    .await;
    Some((started, shared))
}

/// What every instance is configured with; the database and the secrets key are
/// named after `shared`.
fn shared_settings(shared: &std::path::Path) -> fapi_server::config::Settings {
    let mut s = test_settings(shared);
    s.trust_forwarded_for = true;
    s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    s.limits.sign_in_create_per_10s = 5;
    s.lockout.max_attempts = 1000;
    common::admin::with_admin(&mut s);
    s
}

/// `n` requests to `path` from one browser at once, spread round-robin over the
/// instances.
async fn spread(
    b: &Browser,
    bases: &[String],
    n: usize,
    path: &str,
    form: &[(&str, &str)],
) -> Vec<common::Resp> {
    let form: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let sent = join_all((0..n).map(|i| {
        let b = b.at(&bases[i % bases.len()]);
        let (path, form) = (path.to_owned(), form.clone());
        tokio::spawn(async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            b.post(&path, &form).await
        })
    }))
    .await;
    sent.into_iter().map(|r| r.unwrap()).collect()
}

fn bases(servers: &[TestServer]) -> Vec<String> {
    servers.iter().map(|s| s.base.clone()).collect()
}

/// Messages of any kind to `to`, over every instance's outbox.
async fn texts_to(servers: &[TestServer], to: &str) -> usize {
    let mut n = 0;
    for s in servers {
        n += s.messages_to(to).await;
    }
    n
}

async fn latest_code(servers: &[TestServer], to: &str) -> String {
    for s in servers {
        let outbox = s.outbox().await;
        if let Some(m) = outbox
            .iter()
            .rev()
            .find(|m| m["to"] == to && m["kind"] == "code")
        {
            return m["code"].as_str().unwrap().to_owned();
        }
    }
    panic!("no code to {to} on any instance");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_on_one_postgres_are_one_service() {
    let Some((servers, _shared)) = three_instances().await else {
        return;
    };
    let bases = bases(&servers);

    // One key set: every instance publishes the same JWKS.
    let jwks = servers[0].jwks().await;
    for s in &servers[1..] {
        assert_eq!(s.jwks().await, jwks, "the same signing keys on {}", s.base);
    }

    // 20 right codes for one sign-in, spread over the instances: one session.
    let phone = "+14155554001";
    let b = account_with_2fa(&servers[0], "many1@example.com", phone).await;
    let sia = b.to_second_factor("many1@example.com").await;
    let code = latest_code(&servers, phone).await;
    let path = format!("/v1/client/sign_ins/{sia}/attempt_second_factor");
    let results = spread(
        &b,
        &bases,
        20,
        &path,
        &[("strategy", "phone_code"), ("code", &code)],
    )
    .await;
    let winners = results
        .into_iter()
        .filter(|r| r.status.is_success())
        .count();
    assert_eq!(winners, 1, "exactly one of 20 right codes wins");
    let client = b.at(&bases[2]).get("/v1/client").await.ok();
    let active = client["client"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "active")
        .count();
    assert_eq!(active, 1, "exactly one session");
    // Its token, minted on one instance, verifies against another's JWKS.
    let sid = client["client"]["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let jwt = b.at(&bases[1]).session_token(&sid).await;
    let kid = jsonwebtoken::decode_header(&jwt).unwrap().kid.unwrap();
    assert!(servers[2].jwks().await.keys.iter().any(|k| k.kid == kid));

    // 50 wrong codes, spread: exactly five are counted.
    let phone = "+14155554002";
    let b = account_with_2fa(&servers[1], "many2@example.com", phone).await;
    let sia = b.to_second_factor("many2@example.com").await;
    let right = latest_code(&servers, phone).await;
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 7) % 1_000_000);
    let path = format!("/v1/client/sign_ins/{sia}/attempt_second_factor");
    spread(
        &b,
        &bases,
        50,
        &path,
        &[("strategy", "phone_code"), ("code", &wrong)],
    )
    .await;
    let v = b
        .at(&bases[0])
        .get(&format!("/v1/client/sign_ins/{sia}"))
        .await
        .ok();
    let verification = &v["response"]["second_factor_verification"];
    assert_eq!(verification["attempts"], 5, "exactly five attempts counted");
    assert_eq!(verification["status"], "failed");

    // 10 prepares of one sign-in's SMS at once, spread: one text.
    let phone = "+14155554003";
    let b = account_with_2fa(&servers[2], "many3@example.com", phone).await;
    let v = b.sign_in_password("many3@example.com", PASSWORD).await.ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let before = texts_to(&servers, phone).await;
    let path = format!("/v1/client/sign_ins/{sia}/prepare_second_factor");
    spread(&b, &bases, 10, &path, &[("strategy", "phone_code")]).await;
    assert_eq!(texts_to(&servers, phone).await - before, 1, "one SMS");

    // Per-IP limits: one client behind the proxy, 15 sign-in creations spread over
    // three instances; the limit of 5 is counted once, not once per instance.
    let mut admitted = 0;
    for i in 0..15 {
        let status = reqwest::Client::new()
            .post(format!("{}/v1/client/sign_ins", bases[i % 3]))
            .header("origin", ORIGIN)
            .header("x-forwarded-for", "198.51.100.77")
            .form(&[("identifier", "nobody@example.com")])
            .send()
            .await
            .unwrap()
            .status();
        if status != StatusCode::TOO_MANY_REQUESTS {
            admitted += 1;
        }
    }
    assert_eq!(admitted, 5, "five of fifteen admitted across the instances");
}

/// A rolling key rotation: `--rotate-signing-key`, then the instances restart one
/// at a time. A token signed by a restarted instance verifies against the JWKS of
/// one not yet restarted, and a token of the old key against the restarted one's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_key_rotation_keeps_every_jwks_complete() {
    let Some((mut servers, shared)) = three_instances().await else {
        return;
    };
    let settings = shared_settings(shared.path());
    let old_kid = servers[0].jwks().await.keys[0].kid.clone();
    let new_kid = fapi_server::rotate_signing_key(&settings).await.unwrap();
    assert_ne!(new_kid, old_kid);

    // Instance 0 restarts first and signs with the new key.
    let first = servers.remove(0);
    let dir = first.stop().await;
    let restarted = TestServer::in_dir(dir, settings).await;
    let b = Browser::new(&restarted.base, Mode::Cookie);
    let sid = b.sign_up(&restarted, "rolling@example.com", "Ada").await;
    let jwt = b.session_token(&sid).await;
    let kid = jsonwebtoken::decode_header(&jwt).unwrap().kid.unwrap();
    assert_eq!(
        kid, new_kid,
        "the restarted instance signs with the new key"
    );
    for s in servers.iter().chain([&restarted]) {
        let kids: Vec<String> = s.jwks().await.keys.into_iter().map(|k| k.kid).collect();
        assert!(
            kids.contains(&new_kid),
            "{} publishes the new key: {kids:?}",
            s.base
        );
        assert!(
            kids.contains(&old_kid),
            "{} publishes the old key: {kids:?}",
            s.base
        );
    }
}

/// "Apply Changes" on one instance: the others answer with the new settings within
/// a second or two, without a restart; and the administrator's sign-in, kept in the
/// database, works on every instance.
#[tokio::test]
async fn a_setting_applied_on_one_instance_reaches_the_others_without_a_restart() {
    let Some((servers, _shared)) = three_instances().await else {
        return;
    };
    let admin = common::admin::signed_in_admin(&servers[0]).await;
    let form = common::admin::form_with(&[("mfa.required", Some("on"))]);
    let page = admin.apply(&form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    for server in &servers {
        let mut required = false;
        for _ in 0..40 {
            let env: serde_json::Value = reqwest::get(format!("{}/v1/environment", server.base))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            required = env["user_settings"]["sign_in"]["second_factor"]["required"] == true;
            if required {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(required, "{} applied the setting within 4 s", server.base);
    }

    // The same dashboard session on another instance.
    let elsewhere = common::admin::AdminBrowser {
        base: servers[2].base.clone(),
        http: admin.http.clone(),
    };
    assert!(elsewhere.log().await.contains("mfa.required: false → true"));
}
