//! Token checks against keys of the shape Clerk publishes (RS256) and fapi-server's
//! (ES256), served by a JWKS on loopback that counts how often it is asked.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{routing::get, Router};
use base64::Engine;
use fapi_types::{SessionClaims, SessionVerificationLevel};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use yew_clerk_backend::{keys::Key, step_up::require_recent, Clerk, Config, VerifyError};

const ISSUER: &str = "https://clerk.example.com";
const APP: &str = "https://app.example.com";
const RSA: &str = include_str!("keys/rsa.pem");
const RSA_PUBLIC: &str = include_str!("keys/rsa.pub.pem");
const EC: &str = include_str!("keys/ec.pem");
const OTHER_EC: &str = include_str!("keys/other-ec.pem");
const JWKS: &str = include_str!("keys/jwks.json");

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn claims() -> SessionClaims {
    let t = now();
    SessionClaims {
        sid: "sess_1".into(),
        sub: "user_1".into(),
        iss: ISSUER.into(),
        azp: Some(APP.into()),
        exp: t + 60,
        iat: t,
        nbf: t - 5,
        jti: None,
        v: Some(2),
        fva: Some([1, 1]),
        sts: None,
    }
}

fn rs256(claims: &SessionClaims, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    let key = EncodingKey::from_rsa_pem(RSA.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

fn es256(claims: &SessionClaims, pem: &str, kid: &str) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.into());
    let key = EncodingKey::from_ec_pem(pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// A JWKS on loopback; the counter says how many times it was fetched, and the
/// switch makes it fail (503) while on.
async fn jwks_server_with_switch() -> (String, Arc<AtomicUsize>, Arc<AtomicBool>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let down = Arc::new(AtomicBool::new(false));
    let (counted, off) = (hits.clone(), down.clone());
    let app = Router::new().route(
        "/.well-known/jwks.json",
        get(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            let status = if off.load(Ordering::SeqCst) { 503 } else { 200 };
            async move {
                (
                    axum::http::StatusCode::from_u16(status).unwrap(),
                    [("content-type", "application/json")],
                    JWKS,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/.well-known/jwks.json"), hits, down)
}

async fn jwks_server() -> (String, Arc<AtomicUsize>) {
    let (url, hits, _) = jwks_server_with_switch().await;
    (url, hits)
}

async fn clerk() -> (Clerk, Arc<AtomicUsize>) {
    let (url, hits) = jwks_server().await;
    let config = Config::new(ISSUER)
        .authorized_party(APP)
        .jwks_url(&url)
        .jwks_cache(Duration::from_secs(3600), Duration::from_millis(500));
    (Clerk::new(config), hits)
}

#[tokio::test]
async fn good_tokens_of_both_algorithms_sign_in() {
    let (clerk, hits) = clerk().await;
    let s = clerk
        .verify(&rs256(&claims(), "ins_2test_rsa"))
        .await
        .unwrap();
    assert_eq!(
        (s.user_id.as_str(), s.session_id.as_str()),
        ("user_1", "sess_1")
    );
    let s = clerk
        .verify(&es256(&claims(), EC, "ins_2test_ec"))
        .await
        .unwrap();
    assert_eq!(s.claims.azp.as_deref(), Some(APP));
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the JWKS is fetched once and kept"
    );
}

#[tokio::test]
async fn times_issuer_and_origin_are_checked() {
    let (clerk, _) = clerk().await;
    let t = now();
    let verify = |c: SessionClaims| {
        let clerk = clerk.clone();
        async move { clerk.verify(&rs256(&c, "ins_2test_rsa")).await }
    };
    let expired = SessionClaims {
        exp: t - 30,
        ..claims()
    };
    assert!(matches!(verify(expired).await, Err(VerifyError::Expired)));
    // Within the 5 s clock skew: still good.
    let just = SessionClaims {
        exp: t - 2,
        ..claims()
    };
    verify(just).await.unwrap();
    let early = SessionClaims {
        nbf: t + 30,
        ..claims()
    };
    assert!(matches!(verify(early).await, Err(VerifyError::NotYetValid)));
    let foreign = SessionClaims {
        iss: "https://clerk.other.example".into(),
        ..claims()
    };
    assert!(matches!(
        verify(foreign).await,
        Err(VerifyError::WrongIssuer)
    ));
    let elsewhere = SessionClaims {
        azp: Some("https://evil.example".into()),
        ..claims()
    };
    assert!(matches!(
        verify(elsewhere).await,
        Err(VerifyError::UnauthorizedParty(_))
    ));
    // No azp (a native app): taken, as Clerk's SDKs do.
    let native = SessionClaims {
        azp: None,
        ..claims()
    };
    verify(native).await.unwrap();
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let (clerk, _) = clerk().await;
    // Another key under the instance's kid.
    let wrong_key = es256(&claims(), OTHER_EC, "ins_2test_ec");
    assert!(matches!(
        clerk.verify(&wrong_key).await,
        Err(VerifyError::BadSignature)
    ));
    // alg none.
    let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let none = format!(
        "{}.{}.",
        b64(r#"{"alg":"none","kid":"ins_2test_rsa","typ":"JWT"}"#),
        b64(&serde_json::to_string(&claims()).unwrap())
    );
    assert!(clerk.verify(&none).await.is_err());
    // HS256 keyed with the public key (algorithm confusion).
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("ins_2test_rsa".into());
    let confused = jsonwebtoken::encode(
        &header,
        &claims(),
        &EncodingKey::from_secret(RSA_PUBLIC.as_bytes()),
    )
    .unwrap();
    assert!(matches!(
        clerk.verify(&confused).await,
        Err(VerifyError::Algorithm)
    ));
    // An RS256 token under the EC key's kid.
    assert!(matches!(
        clerk.verify(&rs256(&claims(), "ins_2test_ec")).await,
        Err(VerifyError::Algorithm)
    ));
    assert!(matches!(
        clerk.verify("not a token").await,
        Err(VerifyError::Malformed(_))
    ));
}

#[tokio::test]
async fn unknown_kids_refetch_the_jwks_at_most_once_per_interval() {
    let (clerk, hits) = clerk().await;
    clerk
        .verify(&rs256(&claims(), "ins_2test_rsa"))
        .await
        .unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // A burst of made-up kids: one more fetch at most.
    let burst = (0..50).map(|i| {
        let clerk = clerk.clone();
        async move {
            clerk
                .verify(&rs256(&claims(), &format!("ins_made_up_{i}")))
                .await
        }
    });
    for r in futures::future::join_all(burst).await {
        assert!(matches!(r, Err(VerifyError::UnknownKey(_))));
    }
    assert!(
        hits.load(Ordering::SeqCst) <= 2,
        "{}",
        hits.load(Ordering::SeqCst)
    );
    // After the interval, an unknown kid may fetch again (a rotated key).
    tokio::time::sleep(Duration::from_millis(600)).await;
    let _ = clerk.verify(&rs256(&claims(), "ins_rotated")).await;
    assert!(hits.load(Ordering::SeqCst) <= 3);
}

#[tokio::test]
async fn a_pending_session_is_signed_out_unless_asked_for() {
    let (clerk, _) = clerk().await;
    let pending = SessionClaims {
        sts: Some("pending".into()),
        ..claims()
    };
    let token = rs256(&pending, "ins_2test_rsa");
    assert!(matches!(
        clerk.verify(&token).await,
        Err(VerifyError::Pending)
    ));
    let s = clerk.verify_allowing_pending(&token).await.unwrap();
    assert!(s.is_pending());
}

#[tokio::test]
async fn a_stale_second_factor_needs_a_step_up() {
    let (clerk, _) = clerk().await;
    let stale = SessionClaims {
        fva: Some([45, 45]),
        ..claims()
    };
    let s = clerk.verify(&rs256(&stale, "ins_2test_rsa")).await.unwrap();
    let refused = require_recent(&s, SessionVerificationLevel::SecondFactor, 10).unwrap_err();
    let (status, body) = refused.envelope();
    assert_eq!(status, 403);
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(json["errors"][0]["code"], "session_reverification_required");
    assert_eq!(
        json["errors"][0]["meta"]["reverification"],
        serde_json::json!({ "level": "second_factor", "after_minutes": 10 })
    );
    let fresh = clerk
        .verify(&rs256(&claims(), "ins_2test_rsa"))
        .await
        .unwrap();
    require_recent(&fresh, SessionVerificationLevel::SecondFactor, 10).unwrap();
}

#[tokio::test]
async fn a_key_in_configuration_needs_no_network() {
    let clerk = Clerk::new(
        Config::new(ISSUER)
            .authorized_party(APP)
            .key(Key::from_pem(RSA_PUBLIC).unwrap()),
    );
    clerk.verify(&rs256(&claims(), "any kid")).await.unwrap();
    let ec = include_str!("keys/ec.pub.pem");
    let clerk = Clerk::new(Config::new(ISSUER).key(Key::from_pem(ec).unwrap()));
    clerk
        .verify(&es256(&claims(), EC, "ins_2test_ec"))
        .await
        .unwrap();
    assert!(matches!(
        clerk.verify(&rs256(&claims(), "ins_2test_ec")).await,
        Err(VerifyError::Algorithm)
    ));
}

#[tokio::test]
async fn keys_already_known_serve_while_the_jwks_is_unreachable() {
    let (url, hits, down) = jwks_server_with_switch().await;
    let clerk = Clerk::new(
        Config::new(ISSUER)
            .jwks_url(&url)
            // Stale at once, so every verification wants a fresh copy.
            .jwks_cache(Duration::from_millis(1), Duration::from_millis(1)),
    );
    clerk
        .verify(&rs256(&claims(), "ins_2test_rsa"))
        .await
        .unwrap();
    down.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(5)).await;
    // The JWKS fails: the key already known still verifies.
    clerk
        .verify(&rs256(&claims(), "ins_2test_rsa"))
        .await
        .unwrap();
    assert!(hits.load(Ordering::SeqCst) >= 2, "it did ask");
    // A kid it never saw: the failure says why (503, not "signed out").
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert!(matches!(
        clerk.verify(&rs256(&claims(), "ins_unseen")).await,
        Err(VerifyError::Jwks(_))
    ));
}
