//! The session-signing key can come from a file, and rotates: a retired key stays
//! in the JWKS until the last token it signed has expired (security issue, item 16).

use crate::common;

use common::{test_settings, Browser, Mode, TestServer};
use p256::pkcs8::{EncodePrivateKey, LineEnding};

async fn kids(server: &TestServer) -> Vec<String> {
    server
        .jwks()
        .await
        .keys
        .into_iter()
        .map(|k| k.kid)
        .collect()
}

async fn token_kid(server: &TestServer, email: &str) -> String {
    let b = Browser::new(&server.base, Mode::Cookie);
    let sid = b.sign_up(server, email, "Key").await;
    let v = b
        .post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
        .await
        .ok();
    jsonwebtoken::decode_header(v["jwt"].as_str().unwrap())
        .unwrap()
        .kid
        .unwrap()
}

#[tokio::test]
async fn a_key_file_takes_over_and_the_old_key_stays_until_its_tokens_expire() {
    let server = TestServer::start().await;
    let old = token_kid(&server, "before@example.com").await;
    assert_eq!(kids(&server).await, vec![old.clone()]);
    let dir = server.stop().await;

    let pem = p256::SecretKey::random(&mut rand::rngs::OsRng)
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap();
    let key_file = dir.path().join("signing-key.pem");
    std::fs::write(&key_file, pem.as_bytes()).unwrap();
    let mut settings = test_settings(dir.path());
    settings.signing_key_file = Some(key_file.clone());
    let server = TestServer::in_dir(dir, settings).await;
    let new = token_kid(&server, "after@example.com").await;
    assert_ne!(new, old);
    assert_eq!(kids(&server).await, vec![new.clone(), old.clone()]);
    // The file's private half never enters the database.
    let stored: String = sqlx::query_scalar("SELECT private_pem FROM signing_keys WHERE kid = $1")
        .bind(&new)
        .fetch_one(&server.state().db.read)
        .await
        .unwrap();
    assert_eq!(stored, "");

    // Once the old key's last token has expired (60 s, and a minute of skew), it goes.
    sqlx::query("UPDATE signing_keys SET retired_at = retired_at - 121000 WHERE kid = $1")
        .bind(&old)
        .execute(&server.state().db.write)
        .await
        .unwrap();
    let dir = server.stop().await;
    let mut settings = test_settings(dir.path());
    settings.signing_key_file = Some(key_file);
    let server = TestServer::in_dir(dir, settings).await;
    assert_eq!(kids(&server).await, vec![new]);
}

#[tokio::test]
async fn rotating_a_database_key_publishes_both_for_a_while() {
    let server = TestServer::start().await;
    let old = token_kid(&server, "rot1@example.com").await;
    let dir = server.stop().await;
    let settings = test_settings(dir.path());
    let made = fapi_server::rotate_signing_key(&settings).await.unwrap();
    let server = TestServer::in_dir(dir, settings).await;
    let new = token_kid(&server, "rot2@example.com").await;
    assert_eq!(new, made);
    assert_eq!(kids(&server).await, vec![new, old]);
}

/// Moves every `column` of `table` for `kid` an hour into the past: as if an hour
/// had gone by, longer than any token lifetime and margin.
async fn an_hour_ago(server: &TestServer, table: &str, column: &str, kid: &str) {
    sqlx::query(&format!(
        "UPDATE {table} SET {column} = {column} - 3600000 WHERE kid = $1"
    ))
    .bind(kid)
    .execute(&server.state().db.write)
    .await
    .unwrap();
}

/// A rolling rotation on one database (review finding L4): the instance restarted
/// first retires the old key, but one not yet restarted still signs with it. The
/// old key stays published as long as some instance signs with it, however long
/// ago it was retired; once none has for a token lifetime and the margins, it goes.
#[tokio::test]
async fn a_key_an_instance_still_signs_with_stays_published() {
    let shared = tempfile::tempdir().unwrap();
    let settings = test_settings(shared.path());
    let b = TestServer::in_dir(tempfile::tempdir().unwrap(), settings.clone()).await;
    let old = token_kid(&b, "b1+clerk_test@example.com").await;
    let new = fapi_server::rotate_signing_key(&settings).await.unwrap();
    // A restarts after the rotation: it signs with the new key and retires the old.
    let a = TestServer::in_dir(tempfile::tempdir().unwrap(), settings.clone()).await;
    assert_eq!(token_kid(&a, "a1+clerk_test@example.com").await, new);

    // Long past the old key's retirement, B, not yet restarted, still signs with it.
    an_hour_ago(&a, "signing_keys", "retired_at", &old).await;
    assert_eq!(token_kid(&b, "b2+clerk_test@example.com").await, old);
    assert_eq!(
        kids(&a).await,
        vec![new.clone(), old.clone()],
        "A publishes the key B signs with"
    );
    assert_eq!(kids(&b).await, vec![old.clone(), new.clone()]);

    // B says so again and again: had it not for an hour, the old key would go; it
    // comes back with B's next heartbeat (every 10 s).
    an_hour_ago(&a, "signing_key_use", "seen_at", &old).await;
    assert_eq!(kids(&a).await, vec![new.clone()]);
    let deadline = std::time::Instant::now()
        + fapi_server::keys::HEARTBEAT
        + std::time::Duration::from_secs(5);
    while kids(&a).await != vec![new.clone(), old.clone()] {
        assert!(
            std::time::Instant::now() < deadline,
            "B's heartbeat brings the old key back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // B stops: its last tokens keep the old key published for a while, then it goes.
    b.stop().await;
    assert_eq!(kids(&a).await, vec![new.clone(), old.clone()]);
    an_hour_ago(&a, "signing_key_use", "seen_at", &old).await;
    assert_eq!(kids(&a).await, vec![new]);
}

/// `[session] token_algorithm = "RS256"`: the next start signs with a new RSA key
/// (Clerk's own kind, what Clerk's backend SDKs verify), the P-256 one stays
/// published for its last tokens, and going back makes a P-256 key again. A key file
/// of the other kind is refused with a message.
#[tokio::test]
async fn switching_to_rs256_makes_an_rsa_key_and_keeps_the_old_one_published() {
    use fapi_server::config::TokenAlgorithm;
    let server = TestServer::start().await;
    let es = token_kid(&server, "es@example.com").await;
    let dir = server.stop().await;

    let mut settings = test_settings(dir.path());
    settings.session.token_algorithm = TokenAlgorithm::Rs256;
    let server = TestServer::in_dir(dir, settings.clone()).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let sid = b.sign_up(&server, "rs@example.com", "Rsa").await;
    let jwt = b.session_token(&sid).await;
    let header = jsonwebtoken::decode_header(&jwt).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::RS256);
    let rs = header.kid.unwrap();
    let jwks = server.jwks().await;
    assert_eq!(
        jwks.keys
            .iter()
            .map(|k| (k.kid.clone(), k.kty.clone()))
            .collect::<Vec<_>>(),
        vec![
            (rs.clone(), "RSA".to_owned()),
            (es.clone(), "EC".to_owned())
        ]
    );
    // The token verifies against the published RSA key.
    let jwk = &jwks.keys[0];
    let key = jsonwebtoken::DecodingKey::from_rsa_components(
        jwk.n.as_deref().unwrap(),
        jwk.e.as_deref().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.validate_aud = false;
    jsonwebtoken::decode::<serde_json::Value>(&jwt, &key, &validation).unwrap();
    // A restart keeps the RSA key.
    let dir = server.stop().await;
    let server = TestServer::in_dir(dir, settings).await;
    assert_eq!(token_kid(&server, "rs2@example.com").await, rs);

    // Back to ES256: a new P-256 key (not the retired one), the RSA key published.
    let dir = server.stop().await;
    let settings = test_settings(dir.path());
    let server = TestServer::in_dir(dir, settings).await;
    let back = token_kid(&server, "back@example.com").await;
    assert!(back != es && back != rs);
    assert_eq!(kids(&server).await[..2], [back, rs]);
    server.stop().await;

    // A key file of the other kind is refused at start.
    let dir = tempfile::tempdir().unwrap();
    let pem = p256::SecretKey::random(&mut rand::rngs::OsRng)
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap();
    let key_file = dir.path().join("signing-key.pem");
    std::fs::write(&key_file, pem.as_bytes()).unwrap();
    let mut settings = test_settings(dir.path());
    settings.signing_key_file = Some(key_file);
    settings.session.token_algorithm = TokenAlgorithm::Rs256;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let refused = fapi_server::Server::start_on(settings, listener)
        .await
        .err()
        .unwrap();
    assert!(
        refused.to_string().contains("token_algorithm is RS256"),
        "{refused}"
    );
}
