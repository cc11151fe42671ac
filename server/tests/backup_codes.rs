//! Backup codes: ten, shown once when two-step verification first turns on and on
//! regenerating; each good once, even when twenty sign-ins race with the same one;
//! a new set voids the old; none without another second factor.

use crate::common;

use common::{Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

async fn server() -> TestServer {
    TestServer::with(|s| {
        s.second_factors.totp = true;
        s.second_factors.backup_code = true;
    })
    .await
}

/// Signs up, turns an authenticator app on; the backup codes that came with it.
async fn with_app(server: &TestServer, b: &Browser, email: &str) -> Vec<String> {
    b.sign_up(server, email, "Ada").await;
    let (_, v) = b.enable_authenticator_app().await;
    codes_of(&v["response"]["backup_codes"])
}

fn codes_of(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("backup codes: {v}"))
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

async fn sign_in_with_code(b: &Browser, email: &str, code: &str) -> common::Resp {
    let v = b.sign_in_password(email, PASSWORD).await.ok();
    let id = v["response"]["id"].as_str().unwrap();
    b.attempt_second_factor(id, "backup_code", code).await
}

#[tokio::test]
async fn codes_come_once_with_the_first_factor_and_each_works_once() {
    let server = server().await;
    let email = "codes@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    let codes = with_app(&server, &b, email).await;
    assert_eq!(codes.len(), 10);
    for c in &codes {
        assert_eq!(c.len(), 8, "{c}");
        assert!(c
            .bytes()
            .all(|x| x.is_ascii_lowercase() || x.is_ascii_digit()));
    }
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 10);
    assert_eq!(
        b.get("/v1/me").await.ok()["response"]["backup_code_enabled"],
        true
    );

    b.sign_out().await;
    let v = b.sign_in_password(email, PASSWORD).await.ok();
    let offered: Vec<&str> = v["response"]["supported_second_factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["strategy"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["totp", "backup_code"]);
    let v = sign_in_with_code(&b, email, &codes[0]).await.ok();
    assert_eq!(v["response"]["status"], "complete");
    b.sign_out().await;
    sign_in_with_code(&b, email, &codes[0])
        .await
        .err(422, "form_code_incorrect");
    // Upper case as typed from a printout is the same code.
    b.sign_out().await;
    let v = sign_in_with_code(&b, email, &codes[1].to_uppercase())
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
    b.sign_out().await;
    sign_in_with_code(&b, email, "short")
        .await
        .err(422, "form_param_format_invalid");
}

#[tokio::test]
async fn twenty_sign_ins_racing_with_one_code_let_exactly_one_in() {
    let server = server().await;
    let email = "race@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    let codes = with_app(&server, &b, email).await;
    b.sign_out().await;
    let mut started = Vec::new();
    for _ in 0..20 {
        let b = Browser::new(&server.base, Mode::Cookie);
        let v = b.sign_in_password(email, PASSWORD).await.ok();
        let id = v["response"]["id"].as_str().unwrap().to_owned();
        started.push((b, id));
    }
    let code = codes[2].clone();
    let attempts = started.into_iter().map(|(b, id)| {
        let code = code.clone();
        tokio::spawn(async move {
            b.attempt_second_factor(&id, "backup_code", &code)
                .await
                .status
                .as_u16()
        })
    });
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_new_set_voids_the_old_and_needs_a_fresh_verification_and_another_factor() {
    let server = TestServer::with(|s| {
        s.second_factors.totp = true;
        s.second_factors.backup_code = true;
        s.session.reverification_seconds = 3;
    })
    .await;
    let email = "regen@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);

    // Without another second factor there are none to have.
    let plain = Browser::new(&server.base, Mode::Cookie);
    plain.sign_up(&server, "plain@example.com", "Bo").await;
    plain
        .post("/v1/me/backup_codes", &[])
        .await
        .err(400, "backup_codes_not_available");

    let old = with_app(&server, &b, email).await;
    let v = b.post("/v1/me/backup_codes", &[]).await.ok();
    assert_eq!(v["response"]["object"], "backup_code");
    let new = codes_of(&v["response"]["codes"]);
    assert_eq!(new.len(), 10);
    assert!(old.iter().all(|c| !new.contains(c)));
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    b.post("/v1/me/backup_codes", &[])
        .await
        .err(403, "session_reverification_required");
    b.sign_out().await;
    sign_in_with_code(&b, email, &old[0])
        .await
        .err(422, "form_code_incorrect");
    b.sign_out().await;
    let v = sign_in_with_code(&b, email, &new[0]).await.ok();
    assert_eq!(v["response"]["status"], "complete");

    // Turning the last other factor off voids the codes.
    b.activate(v["response"]["created_session_id"].as_str().unwrap())
        .await;
    b.delete("/v1/me/totp").await.ok();
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["backup_code_enabled"], false);
    assert_eq!(me["response"]["two_factor_enabled"], false);
}

#[tokio::test]
async fn a_phone_that_turns_two_step_verification_on_brings_the_codes() {
    let server = TestServer::with(|s| s.second_factors.backup_code = true).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "phonecodes@example.com", "Ada").await;
    let v = b
        .post("/v1/me/phone_numbers", &[("phone_number", "+14155557101")])
        .await
        .ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/me/phone_numbers/{id}/prepare_verification"),
        &[("strategy", "phone_code")],
    )
    .await
    .ok();
    let code = server.last_code_to("+14155557101").await;
    let v = b
        .post(
            &format!("/v1/me/phone_numbers/{id}/attempt_verification"),
            &[("code", &code)],
        )
        .await
        .ok();
    assert!(
        v["response"]["backup_codes"].is_null(),
        "not a second factor yet"
    );
    let v = b
        .patch(
            &format!("/v1/me/phone_numbers/{id}"),
            &[("reserved_for_second_factor", "true")],
        )
        .await
        .ok();
    assert_eq!(codes_of(&v["response"]["backup_codes"]).len(), 10);
}

/// The database alone cannot check a guess at a backup code: the HMAC key is derived
/// from the secrets key file, not kept in a table beside the hashes. A set stored the
/// old way (under the database's code key) still signs in until it is replaced.
#[tokio::test]
async fn a_copy_of_the_database_cannot_check_backup_codes() {
    use fapi_server::codes::CodeHasher;
    let server = server().await;
    let email = "offline@example.com";
    let b = Browser::new(&server.base, Mode::Cookie);
    let codes = with_app(&server, &b, email).await;
    let db = &server.state().db.read;
    let (user_id,): (String,) = sqlx::query_as("SELECT id FROM users")
        .fetch_one(db)
        .await
        .unwrap();
    let (key,): (String,) = sqlx::query_as("SELECT value FROM secrets WHERE name = 'code_hmac'")
        .fetch_one(db)
        .await
        .unwrap();
    let db_key: [u8; 32] = hex::decode(key).unwrap().try_into().unwrap();
    let from_db = CodeHasher::new(db_key);
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM backup_codes")
        .fetch_all(db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 10);
    let context = format!("backup_code:{user_id}");
    for code in &codes {
        assert!(
            !stored.contains(&from_db.hash(&context, code)),
            "{code} checks out against the database's own key"
        );
    }

    // A code stored the old way.
    sqlx::query("INSERT INTO backup_codes (user_id, code_hash, created_at) VALUES ($1, $2, 0)")
        .bind(&user_id)
        .bind(from_db.hash(&context, "legacy12"))
        .execute(&server.state().db.write)
        .await
        .unwrap();
    b.sign_out().await;
    let v = sign_in_with_code(&b, email, "legacy12").await.ok();
    assert_eq!(v["response"]["status"], "complete");
}
