//! The Backend API (`/v1/users`, `/v1/sessions`, `/v1/jwks`), as an app's own server
//! calls it with the instance's secret key: Clerk's shapes, its errors, and every
//! change taking effect for the user in the browser.

use crate::common;

use common::{Browser, Mode, Resp, TestServer, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const KEY: &str = "sk_test_backendapikeybackendapikey0123456789";

async fn with_key() -> TestServer {
    TestServer::with(|s| s.backend_api.secret_keys = vec![KEY.into()]).await
}

/// A server's call to the Backend API with `key`.
async fn call(
    server: &TestServer,
    key: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Resp {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", server.base));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let json = response.json().await.unwrap_or(Value::Null);
    Resp {
        status,
        json,
        headers,
    }
}

async fn bapi(server: &TestServer, method: Method, path: &str) -> Resp {
    call(server, Some(KEY), method, path, None).await
}

/// A signed-up user in a browser; their user id.
async fn user(server: &TestServer, email: &str, name: &str) -> (Browser, String) {
    let b = server.browser(Mode::Cookie);
    b.sign_up(server, email, name).await;
    let me = b.get("/v1/me").await.ok();
    (b, me["response"]["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn no_key_wrong_key_and_a_browser_are_refused() {
    let off = TestServer::start().await;
    let e = bapi(&off, Method::GET, "/v1/users")
        .await
        .err(401, "clerk_key_invalid");
    assert!(e["long_message"].as_str().unwrap().contains("off"), "{e}");
    let server = with_key().await;
    call(&server, None, Method::GET, "/v1/users", None)
        .await
        .err(401, "clerk_key_invalid");
    let wrong = format!("{KEY}x");
    call(&server, Some(&wrong), Method::GET, "/v1/users", None)
        .await
        .err(401, "clerk_key_invalid");
    let from_browser = reqwest::Client::new()
        .get(format!("{}/v1/users", server.base))
        .bearer_auth(KEY)
        .header("origin", common::ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(from_browser.status(), StatusCode::BAD_REQUEST);
    assert!(from_browser
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    // The right key, and the answer is exactly `application/json` (Clerk's SDK
    // compares the header as a whole string).
    let ok = bapi(&server, Method::GET, "/v1/users").await;
    assert_eq!(ok.headers["content-type"], "application/json");
    assert_eq!(ok.ok(), json!([]));
}

#[tokio::test]
async fn get_list_and_count_users_by_filter_and_page() {
    let server = with_key().await;
    let (_, ada) = user(&server, "ada@example.com", "Ada").await;
    let (_, bob) = user(&server, "bob@example.com", "Bob").await;
    let (_, cy) = user(&server, "cy@example.org", "Cy").await;

    let got = bapi(&server, Method::GET, &format!("/v1/users/{ada}"))
        .await
        .ok();
    assert_eq!(got["object"], "user");
    assert_eq!(got["id"], ada.as_str());
    assert_eq!(got["first_name"], "Ada");
    assert_eq!(
        got["email_addresses"][0]["email_address"],
        "ada@example.com"
    );
    assert!(got["email_addresses"][0]["linked_to"].is_array());
    assert_eq!(got["private_metadata"], json!({}));
    assert_eq!(got["banned"], false);
    assert!(
        got.get("deleted").is_none(),
        "a live user never carries `deleted`"
    );
    bapi(&server, Method::GET, "/v1/users/user_nobody")
        .await
        .err(404, "resource_not_found");

    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // Newest first by default; oldest first when asked.
    assert_eq!(
        ids(&bapi(&server, Method::GET, "/v1/users").await.ok()),
        [cy.clone(), bob.clone(), ada.clone()]
    );
    assert_eq!(
        ids(&bapi(
            &server,
            Method::GET,
            "/v1/users?order_by=%2Bcreated_at&limit=2"
        )
        .await
        .ok()),
        [ada.clone(), bob.clone()]
    );
    assert_eq!(
        ids(&bapi(
            &server,
            Method::GET,
            "/v1/users?order_by=%2Bcreated_at&limit=2&offset=2"
        )
        .await
        .ok()),
        [cy.as_str()]
    );
    // A list is the key repeated; any case matches an address.
    let two = bapi(
        &server,
        Method::GET,
        "/v1/users?email_address=ADA%40example.com&email_address=cy%40example.org",
    )
    .await
    .ok();
    assert_eq!(ids(&two), [cy.clone(), ada.clone()]);
    assert_eq!(
        ids(&bapi(&server, Method::GET, "/v1/users?query=example.org")
            .await
            .ok()),
        [cy.as_str()]
    );
    let count = bapi(&server, Method::GET, "/v1/users/count?query=example.com")
        .await
        .ok();
    assert_eq!(count, json!({"object": "total_count", "total_count": 2}));
    // A filter this server does not know is refused, not ignored (which would answer
    // every user).
    let e = bapi(&server, Method::GET, "/v1/users?external_id=x")
        .await
        .err(422, "form_param_unknown");
    assert_eq!(e["meta"]["param_name"], "external_id");
    bapi(&server, Method::GET, "/v1/users?limit=501")
        .await
        .err(422, "form_param_format_invalid");
    bapi(&server, Method::GET, "/v1/users?order_by=name")
        .await
        .err(422, "form_param_value_invalid");
}

#[tokio::test]
async fn metadata_merges_and_the_browser_sees_only_the_public_part() {
    let server = with_key().await;
    let (b, id) = user(&server, "meta@example.com", "Meta").await;
    let path = format!("/v1/users/{id}/metadata");
    let v = call(
        &server,
        Some(KEY),
        Method::PATCH,
        &path,
        Some(json!({"public_metadata": {"plan": "pro", "seats": 3}, "private_metadata": {"stripe": "cus_1"}})),
    )
    .await
    .ok();
    assert_eq!(v["public_metadata"], json!({"plan": "pro", "seats": 3}));
    assert_eq!(v["private_metadata"], json!({"stripe": "cus_1"}));
    let v = call(
        &server,
        Some(KEY),
        Method::PATCH,
        &path,
        Some(json!({"public_metadata": {"seats": null, "role": "admin"}})),
    )
    .await
    .ok();
    assert_eq!(
        v["public_metadata"],
        json!({"plan": "pro", "role": "admin"})
    );
    assert_eq!(v["private_metadata"], json!({"stripe": "cus_1"}));
    // Bad input changes nothing: the valid patch beside it is not stored either.
    call(
        &server,
        Some(KEY),
        Method::PATCH,
        &path,
        Some(json!({"public_metadata": {"x": 1}, "private_metadata": [1]})),
    )
    .await
    .err(422, "form_param_format_invalid");
    let big = "x".repeat(9000);
    call(
        &server,
        Some(KEY),
        Method::PATCH,
        &path,
        Some(json!({"private_metadata": {"big": big}})),
    )
    .await
    .err(422, "form_param_format_invalid");
    // All or nothing: a valid public patch beside an oversized private one is not
    // stored either.
    call(
        &server,
        Some(KEY),
        Method::PATCH,
        &path,
        Some(json!({"public_metadata": {"x": 1}, "private_metadata": {"big": big}})),
    )
    .await
    .err(422, "form_param_format_invalid");
    let me = b.get("/v1/me").await.ok();
    assert_eq!(
        me["response"]["public_metadata"],
        json!({"plan": "pro", "role": "admin"})
    );
    assert!(me["response"].get("private_metadata").is_none(), "{me}");
    call(
        &server,
        Some(KEY),
        Method::PATCH,
        "/v1/users/user_nobody/metadata",
        Some(json!({})),
    )
    .await
    .err(404, "resource_not_found");
}

#[tokio::test]
async fn lock_ban_and_their_undoing_reach_the_sign_in() {
    let server = with_key().await;
    let email = "locked@example.com";
    let (b, id) = user(&server, email, "Lock").await;
    let sid = b.session_id.lock().unwrap().clone().unwrap();

    let v = bapi(&server, Method::POST, &format!("/v1/users/{id}/lock"))
        .await
        .ok();
    assert_eq!(v["locked"], true);
    // Its session ended with the lock; a new sign-in is refused.
    b.post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .err(401, "signed_out");
    let other = server.browser(Mode::Cookie);
    other
        .sign_in_password(email, PASSWORD)
        .await
        .err(403, "user_locked");
    bapi(&server, Method::POST, &format!("/v1/users/{id}/unlock"))
        .await
        .ok();
    other.sign_in_password(email, PASSWORD).await.ok();

    let v = bapi(&server, Method::POST, &format!("/v1/users/{id}/ban"))
        .await
        .ok();
    assert_eq!(v["banned"], true);
    let third = server.browser(Mode::Cookie);
    third
        .sign_in_password(email, PASSWORD)
        .await
        .err(403, "user_locked");
    // An unlock does not lift a ban.
    let v = bapi(&server, Method::POST, &format!("/v1/users/{id}/unlock"))
        .await
        .ok();
    assert_eq!(v["banned"], true);
    third
        .sign_in_password(email, PASSWORD)
        .await
        .err(403, "user_locked");
    let v = bapi(&server, Method::POST, &format!("/v1/users/{id}/unban"))
        .await
        .ok();
    assert_eq!(v["banned"], false);
    assert_eq!(v["locked"], false);
    third.sign_in_password(email, PASSWORD).await.ok();
    bapi(&server, Method::POST, "/v1/users/user_nobody/ban")
        .await
        .err(404, "resource_not_found");
}

#[tokio::test]
async fn sessions_listed_by_user_and_status_and_revoked() {
    let server = with_key().await;
    let email = "sessions@example.com";
    let (first, id) = user(&server, email, "Sessions").await;
    let second = server.browser(Mode::Cookie);
    let v = second.sign_in_password(email, PASSWORD).await.ok();
    let s2 = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    second.activate(&s2).await;
    let s1 = first.session_id.lock().unwrap().clone().unwrap();

    let page = bapi(
        &server,
        Method::GET,
        &format!("/v1/sessions?user_id={id}&status=active&paginated=true"),
    )
    .await
    .ok();
    assert_eq!(page["total_count"], 2);
    assert_eq!(page["data"][0]["object"], "session");
    assert_eq!(page["data"][0]["id"], s2.as_str());
    assert_eq!(page["data"][0]["user_id"], id.as_str());
    assert!(page["data"][0]["client_id"]
        .as_str()
        .unwrap()
        .starts_with("client_"));

    let v = bapi(&server, Method::POST, &format!("/v1/sessions/{s1}/revoke"))
        .await
        .ok();
    assert_eq!(v["status"], "revoked");
    first
        .post(&format!("/v1/client/sessions/{s1}/tokens"), &[])
        .await
        .err(401, "signed_out");
    second.session_token(&s2).await;
    let active = bapi(
        &server,
        Method::GET,
        &format!("/v1/sessions?user_id={id}&status=active"),
    )
    .await
    .ok();
    assert_eq!(active["total_count"], 1);
    let revoked = bapi(
        &server,
        Method::GET,
        &format!("/v1/sessions?user_id={id}&status=revoked"),
    )
    .await
    .ok();
    assert_eq!(revoked["data"][0]["id"], s1.as_str());
    let all = bapi(
        &server,
        Method::GET,
        &format!("/v1/sessions?user_id={id}&limit=1"),
    )
    .await
    .ok();
    assert_eq!(
        (
            all["total_count"].as_i64(),
            all["data"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );
    bapi(&server, Method::GET, "/v1/sessions")
        .await
        .err(422, "form_param_missing");
    bapi(
        &server,
        Method::GET,
        &format!("/v1/sessions?user_id={id}&status=sleepy"),
    )
    .await
    .err(422, "form_param_value_invalid");
    bapi(&server, Method::POST, "/v1/sessions/sess_nobody/revoke")
        .await
        .err(404, "resource_not_found");
}

#[tokio::test]
async fn disabling_mfa_and_deleting_a_user() {
    let server = with_key().await;
    let (b, id) = user(&server, "mfa@example.com", "Mfa").await;
    b.enable_sms_2fa(&server, "+14155552125").await;
    let before = bapi(&server, Method::GET, &format!("/v1/users/{id}"))
        .await
        .ok();
    assert_eq!(before["two_factor_enabled"], true);
    let v = bapi(&server, Method::DELETE, &format!("/v1/users/{id}/mfa"))
        .await
        .ok();
    assert_eq!(v, json!({"user_id": id}));
    let after = bapi(&server, Method::GET, &format!("/v1/users/{id}"))
        .await
        .ok();
    assert_eq!(after["two_factor_enabled"], false);
    // The phone stays the user's, no longer a second factor.
    assert_eq!(
        after["phone_numbers"][0]["reserved_for_second_factor"],
        false
    );

    let v = bapi(&server, Method::DELETE, &format!("/v1/users/{id}"))
        .await
        .ok();
    assert_eq!(v, json!({"object": "user", "id": id, "deleted": true}));
    bapi(&server, Method::GET, &format!("/v1/users/{id}"))
        .await
        .err(404, "resource_not_found");
    bapi(&server, Method::DELETE, &format!("/v1/users/{id}"))
        .await
        .err(404, "resource_not_found");
    assert!(!server.notices_to("mfa@example.com").await.is_empty());
}

#[tokio::test]
async fn jwks_and_every_call_in_the_administrators_log() {
    let server = with_key().await;
    let jwks = bapi(&server, Method::GET, "/v1/jwks").await.ok();
    let published = serde_json::to_value(server.jwks().await).unwrap();
    assert_eq!(jwks, published);
    bapi(&server, Method::GET, "/v1/users/user_nobody").await;
    call(
        &server,
        Some("sk_test_wrongwrongwrongwrongwrongwrongwrong"),
        Method::GET,
        "/v1/users",
        None,
    )
    .await;
    let (rows, _) = fapi_server::store::admin_audit::page(&server.state().db, 10, 0)
        .await
        .unwrap();
    let logged: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r.admin.clone(), r.action.clone(), r.detail.clone()))
        .collect();
    assert!(
        logged.contains(&(
            "(backend API)".into(),
            "GET /v1/jwks".into(),
            "answered 200".into()
        )),
        "{logged:?}"
    );
    assert!(
        logged.contains(&(
            "(backend API)".into(),
            "GET /v1/users/user_nobody".into(),
            "answered 404".into()
        )),
        "{logged:?}"
    );
    let target = rows
        .iter()
        .find(|r| r.action.ends_with("user_nobody"))
        .unwrap();
    assert_eq!(target.target, "user_nobody");
    // A call without the key is no administrator's: only the answer says no.
    assert_eq!(rows.len(), 2, "{logged:?}");
}

#[test]
fn secret_keys_must_fit_the_environment_and_be_long() {
    use fapi_server::config::{Environment, Settings};
    let mut s = Settings::default();
    s.backend_api.secret_keys = vec![KEY.into()];
    assert!(s.validate().is_ok());
    s.backend_api.secret_keys = vec!["sk_test_short".into()];
    assert!(s
        .validate()
        .unwrap_err()
        .to_string()
        .contains("at least 32"));
    s.backend_api.secret_keys = vec![KEY.into()];
    s.environment = Environment::Production;
    let e = s.validate().unwrap_err().to_string();
    assert!(e.contains("sk_live_") && !e.contains(KEY), "{e}");
    // Never printed.
    s.environment = Environment::Development;
    assert!(!s.printable().unwrap().contains(KEY));
}

/// `POST /v1/sessions/{id}/verify` (Clerk's `verifySession`): a live session token
/// of that session gives the session; another session's, a template's, a forged or
/// an ended session's token does not.
#[tokio::test]
async fn a_session_token_is_verified_for_its_session_only() {
    let server = TestServer::with(|s| {
        s.backend_api.secret_keys = vec![KEY.into()];
        let template = |name: &str, signing_key: Option<&str>| fapi_server::config::JwtTemplate {
            name: name.into(),
            lifetime_seconds: 60,
            claims: Default::default(),
            signing_key: signing_key.map(str::to_owned),
        };
        s.jwt_templates = vec![
            template("partner", None),
            template("shared", Some("a-partner-secret-of-at-least-32-bytes")),
        ];
    })
    .await;
    let (b, user_id) = user(&server, "verify@example.com", "Vera").await;
    let sid = b.session_id.lock().unwrap().clone().unwrap();
    let token = b.session_token(&sid).await;
    let verify = |sid: String, token: Value| {
        let server = &server;
        async move {
            call(
                server,
                Some(KEY),
                Method::POST,
                &format!("/v1/sessions/{sid}/verify"),
                Some(json!({ "token": token })),
            )
            .await
        }
    };
    let session = verify(sid.clone(), json!(token)).await.ok();
    assert_eq!(
        (session["object"].as_str(), session["id"].as_str()),
        (Some("session"), Some(sid.as_str()))
    );
    assert_eq!(session["user_id"], user_id.as_str());
    // The crate's client asks the same.
    let api = yew_clerk_backend::api::BackendApi::new(&server.base, KEY);
    assert_eq!(api.verify_session(&sid, &token).await.unwrap().id, sid);

    // Another session of another user: not this token's.
    let (other, _) = user(&server, "other@example.com", "Otto").await;
    let other_sid = other.session_id.lock().unwrap().clone().unwrap();
    let e = verify(other_sid, json!(token))
        .await
        .err(400, "token_invalid");
    assert!(e["long_message"]
        .as_str()
        .unwrap()
        .contains("another session"));
    // A template's token is not a session token; a tampered one is not signed here.
    let template = b
        .post(&format!("/v1/client/sessions/{sid}/tokens/partner"), &[])
        .await
        .ok()["jwt"]
        .as_str()
        .unwrap()
        .to_owned();
    verify(sid.clone(), json!(template))
        .await
        .err(400, "token_invalid");
    let shared = b
        .post(&format!("/v1/client/sessions/{sid}/tokens/shared"), &[])
        .await
        .ok()["jwt"]
        .as_str()
        .unwrap()
        .to_owned();
    verify(sid.clone(), json!(shared))
        .await
        .err(400, "token_invalid");
    // The same claims under `alg: none`, with the real key's kid: no signature, no entry.
    let kid = server.jwks().await.keys[0].kid.clone();
    let b64 = |v: Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let claims = token.split('.').nth(1).unwrap().to_owned();
    let unsigned = format!("{}.{claims}.", b64(json!({"alg": "none", "kid": kid})));
    verify(sid.clone(), json!(unsigned))
        .await
        .err(400, "token_invalid");
    // Signed by the instance's key, but past its life.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let expired = server.state().signing.sign(&fapi_types::SessionClaims {
        sid: sid.clone(),
        sub: user_id.clone(),
        iss: "http://127.0.0.1".into(),
        azp: None,
        exp: now - 120,
        iat: now - 180,
        nbf: now - 190,
        jti: None,
        v: Some(2),
        fva: None,
        sts: Some("active".into()),
    });
    let e = verify(sid.clone(), json!(expired))
        .await
        .err(400, "token_invalid");
    assert!(e["long_message"].as_str().unwrap().contains("expired"));
    verify(sid.clone(), json!(42))
        .await
        .err(422, "form_param_format_invalid");
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[2] = parts[2].chars().rev().collect();
    verify(sid.clone(), json!(parts.join(".")))
        .await
        .err(400, "token_invalid");
    verify(sid.clone(), json!("not a jwt"))
        .await
        .err(400, "token_invalid");
    assert_eq!(verify(sid.clone(), json!("")).await.status.as_u16(), 422);
    verify("sess_nope".into(), json!(token))
        .await
        .err(404, "resource_not_found");
    // Without the secret key, nothing.
    let e = call(
        &server,
        None,
        Method::POST,
        &format!("/v1/sessions/{sid}/verify"),
        Some(json!({ "token": token })),
    )
    .await;
    assert_eq!(e.status, StatusCode::UNAUTHORIZED);
    // Signed out: the token is still within its minute, but the session has ended.
    b.sign_out().await;
    let e = verify(sid, json!(token)).await.err(400, "token_invalid");
    assert!(e["long_message"].as_str().unwrap().contains("ended"));
}
