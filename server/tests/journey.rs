//! The whole journey a user takes, through each of the three ways a client identifies
//! itself: sign up, verify the email, add and verify a phone, reserve it for two-step
//! verification, sign out, sign in with the password, pass the SMS second factor, and
//! get a session token that verifies against the published JWKS.

use crate::common;

use common::{Browser, Mode, TestServer, PASSWORD};
use fapi_types::{Jwks, SessionClaims};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

fn verify_token(jwt: &str, jwks: &Jwks) -> SessionClaims {
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    assert_eq!(header.alg, Algorithm::ES256);
    let kid = header.kid.expect("kid in header");
    let key = jwks
        .keys
        .iter()
        .find(|k| k.kid == kid)
        .expect("kid published");
    let decoding =
        DecodingKey::from_ec_components(key.x.as_deref().unwrap(), key.y.as_deref().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::ES256);
    validation.validate_nbf = true;
    validation.set_required_spec_claims(&["exp", "nbf", "sub"]);
    jsonwebtoken::decode::<SessionClaims>(jwt, &decoding, &validation)
        .expect("token verifies offline against the JWKS")
        .claims
}

async fn journey(mode: Mode) {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base, mode);
    browser.setup().await;
    let email = format!("ada.{}@example.com", format!("{mode:?}").to_lowercase());
    let phone = "+14155552671";

    // A new browser has no client yet (cookie) or an empty one (dev browser).
    let v = browser.get("/v1/client").await.ok();
    if mode == Mode::Cookie {
        assert!(v["response"].is_null());
    }

    let session_id = browser.sign_up(&server, &email, "Ada").await;
    let me = browser.get("/v1/me").await.ok();
    assert_eq!(me["response"]["first_name"], "Ada");
    assert_eq!(
        me["response"]["email_addresses"][0]["email_address"],
        email.as_str()
    );
    assert_eq!(me["response"]["two_factor_enabled"], false);
    assert_eq!(me["client"]["last_active_session_id"], session_id.as_str());

    let phone_id = browser.enable_sms_2fa(&server, phone).await;
    let me = browser.get("/v1/me").await.ok()["response"].clone();
    assert_eq!(me["two_factor_enabled"], true);
    assert!(me["mfa_enabled_at"].is_number());
    assert_eq!(me["phone_numbers"][0]["default_second_factor"], true);

    browser.sign_out().await;
    let v = browser.get("/v1/client").await.ok();
    assert!(v["client"]["last_active_session_id"].is_null());
    browser
        .get("/v1/me")
        .await
        .err(401, "authentication_invalid");

    // The password alone is not enough: the second factor appears, and no session yet.
    let v = browser.sign_in_password(&email, PASSWORD).await.ok();
    let sign_in = &v["response"];
    assert_eq!(sign_in["status"], "needs_second_factor");
    assert_eq!(sign_in["first_factor_verification"]["status"], "verified");
    let second = sign_in["supported_second_factors"].as_array().unwrap();
    // The phone, then the backup codes that came when two-step verification turned on.
    assert_eq!(second.len(), 2);
    assert_eq!(second[0]["strategy"], "phone_code");
    assert_eq!(second[1]["strategy"], "backup_code");
    assert_eq!(second[0]["phone_number_id"], phone_id.as_str());
    assert_eq!(second[0]["safe_identifier"], "+1******2671");
    assert!(sign_in["created_session_id"].is_null());
    let live: Vec<&Value> = v["client"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "active")
        .collect();
    assert!(live.is_empty(), "no session before the second factor");
    let sia = sign_in["id"].as_str().unwrap().to_owned();

    let before = server.messages_to(phone).await;
    let v = browser
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "phone_code")],
        )
        .await
        .ok();
    assert_eq!(
        v["response"]["second_factor_verification"]["status"],
        "unverified"
    );
    assert_eq!(
        server.messages_to(phone).await,
        before + 1,
        "exactly one SMS"
    );
    let code = server.last_code_to(phone).await;
    let v = browser
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_second_factor"),
            &[("strategy", "phone_code"), ("code", &code)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(sid, session_id);
    browser.activate(&sid).await;
    let me = browser.get("/v1/me").await.ok();
    assert_eq!(
        me["response"]["email_addresses"][0]["email_address"],
        email.as_str()
    );

    let token = browser
        .post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .ok();
    assert_eq!(token["object"], "token");
    let jwks = server.jwks().await;
    let claims = verify_token(token["jwt"].as_str().unwrap(), &jwks);
    assert_eq!(claims.sid, sid);
    assert_eq!(claims.sub, me["response"]["id"].as_str().unwrap());
    assert_eq!(claims.exp - claims.iat, 60);
    assert_eq!(claims.fva.unwrap()[1], 0, "second factor verified just now");
    assert_eq!(claims.azp.as_deref(), Some(common::ORIGIN));
}

#[tokio::test]
async fn journey_with_the_client_cookie() {
    journey(Mode::Cookie).await;
}

#[tokio::test]
async fn journey_with_the_dev_browser_token() {
    journey(Mode::DevBrowser).await;
}

#[tokio::test]
async fn journey_as_a_native_app_with_a_bearer_token() {
    journey(Mode::Native).await;
}

#[tokio::test]
async fn the_client_cookie_is_httponly_lax_and_rotates_on_sign_in() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base, Mode::Cookie);
    let r = browser
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", "rot+clerk_test@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let set_cookie = r.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.starts_with("__client="), "{set_cookie}");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attr), "{attr} in {set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain-http loopback in development"
    );
    let planted = set_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("__client=")
        .to_owned();
    let su = r.json["response"]["id"].as_str().unwrap().to_owned();
    browser
        .post(
            &format!("/v1/client/sign_ups/{su}/prepare_verification"),
            &[("strategy", "email_code")],
        )
        .await
        .ok();
    let r = browser
        .post(
            &format!("/v1/client/sign_ups/{su}/attempt_verification"),
            &[("strategy", "email_code"), ("code", "424242")],
        )
        .await;
    let rotated = r.headers["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        !rotated.contains(&planted),
        "a new token after the session is created"
    );
    // The pre-sign-in token (think: planted by an attacker) no longer reaches the client.
    let stale = reqwest::Client::new()
        .get(format!("{}/v1/client", server.base))
        .header("cookie", format!("__client={planted}"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert!(stale["client"].is_null());
    let v = browser.get("/v1/client").await.ok();
    assert_eq!(v["client"]["sessions"][0]["status"], "active");
}

#[tokio::test]
async fn destroying_the_client_ends_its_sessions_and_clears_the_cookie() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base, Mode::Cookie);
    let sid = browser
        .sign_up(&server, "gone+clerk_test@example.com", "Gone")
        .await;
    let r = browser.delete("/v1/client").await;
    assert!(r.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let v = r.ok();
    assert_eq!(v["response"]["deleted"], true);
    assert!(browser.get("/v1/client").await.ok()["client"].is_null());
    let other = Browser::new(&server.base, Mode::Cookie);
    other
        .get(&format!("/v1/client/sessions/{sid}"))
        .await
        .err(404, "resource_not_found");
}

#[tokio::test]
async fn sessions_end_and_stop_minting_tokens() {
    let server = TestServer::start().await;
    let browser = Browser::new(&server.base, Mode::Cookie);
    let sid = browser
        .sign_up(&server, "end+clerk_test@example.com", "End")
        .await;
    let v = browser
        .post(&format!("/v1/client/sessions/{sid}/end"), &[])
        .await
        .ok();
    assert_eq!(v["response"]["status"], "ended");
    browser
        .post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .err(401, "signed_out");
    let v = browser
        .post(&format!("/v1/client/sessions/{sid}/remove"), &[])
        .await
        .ok();
    assert_eq!(v["response"]["status"], "removed");
    assert!(v["client"]["sessions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn me_lists_active_sessions_and_revokes_them() {
    let server = TestServer::start().await;
    let laptop = Browser::new(&server.base, Mode::Cookie);
    laptop
        .sign_up(&server, "two+clerk_test@example.com", "Two")
        .await;
    let phone = Browser::new(&server.base, Mode::Cookie);
    let v = phone
        .sign_in_password("two+clerk_test@example.com", PASSWORD)
        .await
        .ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    phone.activate(&sid).await;
    let list = laptop.get("/v1/me/sessions/active").await.ok();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(list[0]["latest_activity"]["ip_address"].is_string());
    laptop
        .post(&format!("/v1/me/sessions/{sid}/revoke"), &[])
        .await
        .ok();
    phone.get("/v1/me").await.err(401, "authentication_invalid");
    assert_eq!(
        laptop
            .get("/v1/me/sessions/active")
            .await
            .ok()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn profile_changes_names_password_and_identifications() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "prof+clerk_test@example.com", "Pro")
        .await;
    let v = b
        .patch(
            "/v1/me",
            &[("first_name", "Grace"), ("last_name", "Hopper")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["last_name"], "Hopper");

    b.post(
        "/v1/me/change_password",
        &[
            ("current_password", "wrong wrong wrong"),
            ("new_password", "a brand new passphrase"),
        ],
    )
    .await
    .err(422, "form_password_validation_failed");
    b.post(
        "/v1/me/change_password",
        &[("current_password", PASSWORD), ("new_password", "short")],
    )
    .await
    .err(422, "form_password_length_too_short");
    b.post(
        "/v1/me/change_password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "a brand new passphrase"),
        ],
    )
    .await
    .ok();
    b.sign_out().await;
    b.sign_in_password("prof+clerk_test@example.com", PASSWORD)
        .await
        .err(422, "form_password_incorrect");
    let v = b
        .sign_in_password("prof+clerk_test@example.com", "a brand new passphrase")
        .await
        .ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.activate(&sid).await;

    // A second email: add, verify, make primary, then the first can go.
    let v = b
        .post(
            "/v1/me/email_addresses",
            &[("email_address", "grace+clerk_test@example.org")],
        )
        .await
        .ok();
    let eid = v["response"]["id"].as_str().unwrap().to_owned();
    assert_eq!(v["response"]["verification"], Value::Null);
    b.post(
        &format!("/v1/me/email_addresses/{eid}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .ok();
    let v = b
        .post(
            &format!("/v1/me/email_addresses/{eid}/attempt_verification"),
            &[("code", "424242")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["verification"]["status"], "verified");
    let me = b
        .patch("/v1/me", &[("primary_email_address_id", &eid)])
        .await
        .ok()["response"]
        .clone();
    assert_eq!(me["primary_email_address_id"], eid.as_str());
    let first = me["email_addresses"][0]["id"].as_str().unwrap().to_owned();
    let v = b
        .delete(&format!("/v1/me/email_addresses/{first}"))
        .await
        .ok();
    assert_eq!(v["response"]["deleted"], true);
    b.delete(&format!("/v1/me/email_addresses/{eid}"))
        .await
        .err(400, "identification_deletion_failed");
}

#[tokio::test]
async fn two_step_verification_is_managed_on_phone_numbers() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "mfa+clerk_test@example.com", "Mfa")
        .await;
    let first = b.enable_sms_2fa(&server, "+14155550001").await;
    let second = b.enable_sms_2fa(&server, "+14155550002").await;
    let v = b
        .patch(
            &format!("/v1/me/phone_numbers/{second}"),
            &[("default_second_factor", "true")],
        )
        .await
        .ok();
    assert_eq!(v["response"]["default_second_factor"], true);
    let me = b.get("/v1/me").await.ok()["response"].clone();
    let first_phone = me["phone_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == first.as_str())
        .unwrap()
        .clone();
    assert_eq!(first_phone["default_second_factor"], false);
    b.patch(
        &format!("/v1/me/phone_numbers/{first}"),
        &[("default_second_factor", "false")],
    )
    .await
    .err(422, "form_disable_default_second_factor_not_allowed");

    // Unverified phones cannot be second factors.
    let v = b
        .post("/v1/me/phone_numbers", &[("phone_number", "+14155550003")])
        .await
        .ok();
    let unverified = v["response"]["id"].as_str().unwrap().to_owned();
    b.patch(
        &format!("/v1/me/phone_numbers/{unverified}"),
        &[("reserved_for_second_factor", "true")],
    )
    .await
    .err(400, "identification_update_second_factor_unverified");

    // Removing both second-factor phones turns two-step verification off.
    b.patch(
        &format!("/v1/me/phone_numbers/{first}"),
        &[("reserved_for_second_factor", "false")],
    )
    .await
    .ok();
    assert_eq!(
        b.get("/v1/me").await.ok()["response"]["two_factor_enabled"],
        true
    );
    b.delete(&format!("/v1/me/phone_numbers/{second}"))
        .await
        .ok();
    let me = b.get("/v1/me").await.ok()["response"].clone();
    assert_eq!(me["two_factor_enabled"], false);
    assert!(me["mfa_disabled_at"].is_number());
    b.sign_out().await;
    let v = b
        .sign_in_password("mfa+clerk_test@example.com", PASSWORD)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn email_code_works_as_a_first_factor() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "otp@example.com", "Otp").await;
    b.sign_out().await;
    let v = b
        .post("/v1/client/sign_ins", &[("identifier", "OTP@example.com")])
        .await
        .ok();
    let si = &v["response"];
    assert_eq!(si["status"], "needs_first_factor");
    let strategies: Vec<&str> = si["supported_first_factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["strategy"].as_str().unwrap())
        .collect();
    assert_eq!(
        strategies,
        ["password", "email_code", "reset_password_email_code"]
    );
    let email_id = si["supported_first_factors"][1]["email_address_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sia = si["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", "email_code"), ("email_address_id", &email_id)],
    )
    .await
    .ok();
    let code = server.last_code_to("otp@example.com").await;
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
    assert_eq!(v["client"]["last_authentication_strategy"], "email_code");
}

#[tokio::test]
async fn the_environment_reports_the_instance_settings() {
    let server = TestServer::with(|s| {
        s.application_name = "Acme".into();
        s.mfa.required = true;
        s.urls.sign_in = "http://localhost:8080/sign-in".into();
    })
    .await;
    let env: fapi_types::Environment = reqwest::get(format!("{}/v1/environment", server.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(env.display_config.application_name, "Acme");
    assert_eq!(
        env.display_config.sign_in_url,
        "http://localhost:8080/sign-in"
    );
    let mut offered = env.user_settings.second_factors();
    offered.sort();
    assert_eq!(offered, ["backup_code", "passkey", "phone_code", "totp"]);
    assert!(env.user_settings.sign_up.mfa.unwrap().required);
    assert!(env.user_settings.sign_in.second_factor.required);
    assert_eq!(env.user_settings.password_settings.min_length, 8);
    assert!(env.auth_config.test_mode);
    assert_eq!(env.display_config.instance_environment_type, "development");
}

#[tokio::test]
async fn a_static_dir_serves_the_app_beside_the_api() {
    let app = tempfile::tempdir().unwrap();
    std::fs::write(
        app.path().join("index.html"),
        "<!doctype html><title>app</title>",
    )
    .unwrap();
    std::fs::write(app.path().join("app.js"), "console.log(1)").unwrap();
    let dir = app.path().to_owned();
    let server = TestServer::with(move |s| s.static_dir = Some(dir)).await;
    let get = |path: &str| reqwest::get(format!("{}{path}", server.base));
    let r = get("/app.js").await.unwrap();
    assert_eq!(r.text().await.unwrap(), "console.log(1)");
    let r = get("/user/security").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.text().await.unwrap().contains("<title>app</title>"),
        "client-side routes get index.html"
    );
    let env: serde_json::Value = get("/v1/environment").await.unwrap().json().await.unwrap();
    assert_eq!(env["object"], "environment", "the API still answers");
}

#[tokio::test]
async fn an_idle_session_expires_and_signs_nothing_more() {
    // idle_minutes = 0: every session is past its idle deadline the moment it exists.
    let server = TestServer::with(|s| s.session.idle_minutes = 0).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let id = b.start_sign_up("idle+clerk_test@example.com", &[]).await;
    let v = b.finish_sign_up(&id, "424242").await.ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    *b.session_id.lock().unwrap() = Some(sid.clone());
    b.post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .err(401, "signed_out");
    b.get("/v1/me").await.err(401, "authentication_invalid");
    let v = b.get("/v1/client").await.ok();
    assert_eq!(v["client"]["sessions"][0]["status"], "expired");
    assert!(v["client"]["last_active_session_id"].is_null());
}
