//! JWT templates (Clerk's `session.getToken({ template })`): a token with the claims
//! a third-party service expects, filled from the user, with its own lifetime, signed
//! by the instance's key or a secret the service shares.

use crate::common;

use common::{Mode, TestServer};
use fapi_server::config::{JwtTemplate, Settings};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::{json, Value};

fn template(name: &str, claims: Value, signing_key: Option<&str>) -> JwtTemplate {
    JwtTemplate {
        name: name.into(),
        lifetime_seconds: 120,
        claims: claims.as_object().unwrap().clone(),
        signing_key: signing_key.map(str::to_owned),
    }
}

const SHARED: &str = "a-supabase-jwt-secret-of-at-least-32-bytes";

#[tokio::test]
async fn a_template_token_carries_the_users_data_and_its_own_lifetime() {
    let server = TestServer::with(|s| {
        s.jwt_templates = vec![
            template(
                "hasura",
                json!({"aud": "authenticated", "email": "{{user.primary_email_address}}",
                    "plan": "{{user.public_metadata.plan}}", "meta": "{{user.public_metadata}}",
                    "greeting": "hello {{user.first_name}}", "verified": "{{user.email_verified}}"}),
                None,
            ),
            template("supabase", json!({"role": "authenticated"}), Some(SHARED)),
        ]
    })
    .await;
    let b = server.browser(Mode::Cookie);
    let sid = b.sign_up(&server, "tpl@example.com", "Tess").await;
    let user = b.get("/v1/me").await.ok()["response"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    fapi_server::store::users::change_metadata(
        &server.state().db,
        &user,
        fapi_server::store::users::Metadata::Public,
        |_| Ok::<_, sqlx::Error>(r#"{"plan":"pro"}"#.to_owned()),
    )
    .await
    .unwrap();

    let v = b
        .post(&format!("/v1/client/sessions/{sid}/tokens/hasura"), &[])
        .await
        .ok();
    assert_eq!(v["object"], "token");
    let jwt = v["jwt"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    let jwks = server.jwks().await;
    assert_eq!(header.kid.as_deref(), Some(jwks.keys[0].kid.as_str()));
    let key = server.current_key().await;
    let claims = common::claims_of(jwt, &key, Algorithm::ES256);
    assert_eq!(claims["sub"], user.as_str());
    assert_eq!(claims["aud"], "authenticated");
    assert_eq!(claims["email"], "tpl@example.com");
    assert_eq!(claims["plan"], "pro");
    assert_eq!(claims["meta"], json!({"plan": "pro"}));
    assert_eq!(claims["greeting"], "hello Tess");
    assert_eq!(claims["verified"], true);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        120
    );
    assert!(claims.get("sid").is_none(), "not a session token: {claims}");

    let v = b
        .post(&format!("/v1/client/sessions/{sid}/tokens/supabase"), &[])
        .await
        .ok();
    let jwt = v["jwt"].as_str().unwrap();
    let claims = common::claims_of(
        jwt,
        &DecodingKey::from_secret(SHARED.as_bytes()),
        Algorithm::HS256,
    );
    assert_eq!(
        (claims["role"].as_str(), claims["sub"].as_str()),
        (Some("authenticated"), Some(user.as_str()))
    );

    let e = b
        .post(&format!("/v1/client/sessions/{sid}/tokens/nope"), &[])
        .await
        .err(404, "resource_not_found");
    assert!(e["long_message"].as_str().unwrap().contains("nope"));
    // Another client's session is not this browser's.
    let stranger = server.browser(Mode::Cookie);
    stranger
        .post(&format!("/v1/client/sessions/{sid}/tokens/hasura"), &[])
        .await
        .err(404, "resource_not_found");
    // Signed out: refused as a session token is.
    b.sign_out().await;
    let plain = b
        .post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await;
    let templated = b
        .post(&format!("/v1/client/sessions/{sid}/tokens/hasura"), &[])
        .await;
    assert!(plain.status.is_client_error());
    assert_eq!(
        (templated.status, &templated.json["errors"][0]["code"]),
        (plain.status, &plain.json["errors"][0]["code"])
    );
}

#[test]
fn templates_are_checked_at_start() {
    let check = |t: JwtTemplate| {
        let s = Settings {
            jwt_templates: vec![t],
            ..Settings::default()
        };
        s.validate().err().map(|e| e.to_string())
    };
    assert_eq!(
        check(template("ok", json!({"a": "{{user.id}}"}), None)),
        None
    );
    assert!(check(template("bad name!", json!({}), None))
        .unwrap()
        .contains("name"));
    assert!(check(template("t", json!({"sid": "sess_1"}), None))
        .unwrap()
        .contains("sid is set by the server"));
    assert!(check(template("t", json!({"sub": "x"}), None))
        .unwrap()
        .contains("sub is set by the server"));
    assert!(
        check(template("t", json!({"a": "{{user.password}}"}), None))
            .unwrap()
            .contains("unknown shortcode")
    );
    assert!(check(template("t", json!({}), Some("short")))
        .unwrap()
        .contains("signing_key"));
    let s = Settings {
        jwt_templates: vec![
            template("t", json!({}), None),
            template("t", json!({}), None),
        ],
        ..Settings::default()
    };
    assert!(s
        .validate()
        .unwrap_err()
        .to_string()
        .contains("two templates"));
    let s = Settings {
        jwt_templates: vec![template("t", json!({}), Some(SHARED))],
        ..Settings::default()
    };
    assert!(!s.printable().unwrap().contains(SHARED));
}

/// A pending session (MFA required, none set up) signs in nobody elsewhere either.
#[tokio::test]
async fn a_pending_session_gets_no_template_token() {
    let server = TestServer::with(|s| {
        s.mfa.required = true;
        s.second_factors.totp = true;
        s.jwt_templates = vec![template("hasura", json!({}), None)];
    })
    .await;
    let b = server.browser(Mode::Cookie);
    let id = b.start_sign_up("pending+clerk_test@example.com", &[]).await;
    let v = b.finish_sign_up(&id, "424242").await.ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.post(&format!("/v1/client/sessions/{sid}/tokens/hasura"), &[])
        .await
        .err(403, "session_task_pending");
}
