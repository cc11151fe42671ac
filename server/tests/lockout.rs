//! The account lockout holds against an attacker who knows the password, fires a
//! parallel burst, or waits out a lock (security issue, items 1 and 2).

use crate::common;

use common::{account_with_2fa, Browser, Mode, TestServer, PASSWORD};

fn wrong(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

#[tokio::test]
async fn wrong_codes_across_sign_ins_lock_the_account_even_with_the_right_password() {
    let server = TestServer::start().await;
    let phone = "+14155553101";
    let b = account_with_2fa(&server, "bf@example.com", phone).await;
    // Two sign-ins with the right password, five wrong codes each: ten failures.
    for round in 0..2 {
        let sia = b.to_second_factor("bf@example.com").await;
        let code = server.last_code_to(phone).await;
        let path = format!("/v1/client/sign_ins/{sia}/attempt_second_factor");
        for i in 0..5 {
            let r = b
                .post(&path, &[("strategy", "phone_code"), ("code", wrong(&code))])
                .await;
            if round == 1 && i == 4 {
                r.err(403, "user_locked");
            } else {
                // form_code_incorrect, and verification_failed at the fifth.
                assert!(
                    [400, 422].contains(&r.status.as_u16()),
                    "round {round}, try {i}: {}",
                    r.json
                );
            }
        }
    }
    // Locked on every path: the right password, and no SMS goes out.
    let sent = server.messages_to(phone).await;
    let e = b
        .sign_in_password("bf@example.com", PASSWORD)
        .await
        .err(403, "user_locked");
    assert!(e["meta"]["lockout_expires_in_seconds"].as_i64().unwrap() > 3500);
    assert_eq!(server.messages_to(phone).await, sent);
}

#[tokio::test]
async fn a_right_password_does_not_wipe_earlier_wrong_codes() {
    let server = TestServer::start().await;
    let phone = "+14155553102";
    let b = account_with_2fa(&server, "bf2@example.com", phone).await;
    let sia = b.to_second_factor("bf2@example.com").await;
    let code = server.last_code_to(phone).await;
    let path = format!("/v1/client/sign_ins/{sia}/attempt_second_factor");
    for _ in 0..4 {
        b.post(&path, &[("strategy", "phone_code"), ("code", wrong(&code))])
            .await
            .err(422, "form_code_incorrect");
    }
    b.sign_in_password("bf2@example.com", PASSWORD).await.ok();
    let me = sqlx::query_scalar::<_, i64>("SELECT failed_attempts FROM users")
        .fetch_one(&server.state().db.read)
        .await
        .unwrap();
    assert_eq!(
        me, 4,
        "the right password kept the four wrong codes counted"
    );
    // Passing the second factor clears them.
    let sia = b.to_second_factor("bf2@example.com").await;
    let code = server.last_code_to(phone).await;
    let v = b.attempt_sms_code(&sia, &code).await.ok();
    assert_eq!(v["response"]["status"], "complete");
    let me = sqlx::query_scalar::<_, i64>("SELECT failed_attempts FROM users")
        .fetch_one(&server.state().db.read)
        .await
        .unwrap();
    assert_eq!(me, 0);
}

#[tokio::test]
async fn a_parallel_burst_of_wrong_passwords_is_checked_at_most_ten_times() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "burst@example.com", "Burst").await;
    b.sign_out().await;
    // Fifty sign-ins wait at the password step, then all answer at once.
    let mut pending = Vec::new();
    for _ in 0..50 {
        let b = Browser::new(&server.base, Mode::Cookie);
        let v = b
            .post(
                "/v1/client/sign_ins",
                &[("identifier", "burst@example.com")],
            )
            .await
            .ok();
        let sia = v["response"]["id"].as_str().unwrap().to_owned();
        pending.push((b, sia));
    }
    let tries = pending.iter().enumerate().map(|(i, (b, sia))| async move {
        let password = format!("wrong password number {i}");
        b.post(
            &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
            &[("strategy", "password"), ("password", &password)],
        )
        .await
    });
    let answers = futures::future::join_all(tries).await;
    let incorrect = answers
        .iter()
        .filter(|r| r.json["errors"][0]["code"] == "form_password_incorrect")
        .count();
    let locked = answers
        .iter()
        .filter(|r| r.status == 403 && r.json["errors"][0]["code"] == "user_locked")
        .count();
    assert_eq!(incorrect + locked, 50);
    // The tenth checked one locks (and says so); the other forty are never checked,
    // so never counted either.
    assert_eq!(incorrect, 9, "{incorrect} answered form_password_incorrect");
    let checked = sqlx::query_scalar::<_, i64>("SELECT failed_attempts FROM users")
        .fetch_one(&server.state().db.read)
        .await
        .unwrap();
    assert_eq!(checked, 10, "{checked} wrong passwords were checked");
}

#[tokio::test]
async fn once_a_lock_expires_one_wrong_password_does_not_lock_again() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "expiry@example.com", "Exp").await;
    b.sign_out().await;
    for _ in 0..9 {
        b.sign_in_password("expiry@example.com", "not the password at all")
            .await
            .err(422, "form_password_incorrect");
    }
    b.sign_in_password("expiry@example.com", "not the password at all")
        .await
        .err(403, "user_locked");
    // An hour passes (for the source's lock, and the account's count).
    for table in ["users", "target_failures"] {
        sqlx::query(&format!(
            "UPDATE {table} SET locked_until = locked_until - 3600001"
        ))
        .execute(&server.state().db.write)
        .await
        .unwrap();
    }
    b.sign_in_password("expiry@example.com", "not the password at all")
        .await
        .err(422, "form_password_incorrect");
    let v = b
        .sign_in_password("expiry@example.com", PASSWORD)
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
}

/// Knowing an identifier is no switch that locks its owner out: ten wrong passwords
/// lock out the address they came from, not the owner's known browser, nor the owner's
/// live session (its "verify it's you"); and the locked source is sent no code.
#[tokio::test]
async fn an_attacker_locks_out_only_their_own_source() {
    let server = TestServer::start().await;
    let email = "owner@example.com";
    let home = Browser::new(&server.base, Mode::Cookie);
    home.sign_up(&server, email, "Ada").await;
    let sid = home.session_id.lock().unwrap().clone().unwrap();

    let attacker = Browser::new(&server.base, Mode::Cookie);
    for _ in 0..9 {
        attacker
            .sign_in_password(email, "not the password at all")
            .await
            .err(422, "form_password_incorrect");
    }
    attacker
        .sign_in_password(email, "not the password at all")
        .await
        .err(403, "user_locked");
    attacker
        .sign_in_password(email, PASSWORD)
        .await
        .err(403, "user_locked");
    // A code to the owner's inbox is not the attacker's to ask for now.
    let sent = server.messages_to(email).await;
    attacker
        .post(
            "/v1/client/sign_ins",
            &[("identifier", email), ("strategy", "email_code")],
        )
        .await
        .err(403, "user_locked");
    assert_eq!(server.messages_to(email).await, sent, "no code was sent");

    // The owner's live session can still step up (change the password, 2FA)...
    home.step_up_with_password(&sid).await;
    // ...and the owner's browser signs in again with the password.
    home.sign_out().await;
    let v = home.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
}

async fn behind_a_proxy(account_max_attempts: u32) -> TestServer {
    TestServer::with(move |s| {
        s.trust_forwarded_for = true;
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        s.lockout.account_max_attempts = account_max_attempts;
    })
    .await
}

/// Each address has its ten tries; a new device elsewhere is not refused.
#[tokio::test]
async fn one_address_is_locked_and_another_is_not() {
    let server = behind_a_proxy(100).await;
    let email = "spread@example.com";
    let home = Browser::from_address(&server.base, "198.51.100.1");
    home.sign_up(&server, email, "Ada").await;
    home.sign_out().await;
    let attacker = Browser::from_address(&server.base, "203.0.113.66");
    for _ in 0..10 {
        attacker.sign_in_password(email, "wrong guess again").await;
    }
    attacker
        .sign_in_password(email, PASSWORD)
        .await
        .err(403, "user_locked");
    let laptop = Browser::from_address(&server.base, "198.51.100.2");
    let v = laptop.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
}

/// Many addresses together meet the account's bound (`account_max_attempts`): then
/// new devices wait it out, while the owner's known browser goes on.
#[tokio::test]
async fn many_addresses_lock_new_devices_but_not_known_ones() {
    let server = behind_a_proxy(20).await;
    let email = "botnet@example.com";
    let home = Browser::from_address(&server.base, "198.51.100.1");
    home.sign_up(&server, email, "Ada").await;
    home.sign_out().await;
    for bot in 1..=2 {
        let b = Browser::from_address(&server.base, &format!("203.0.113.{bot}"));
        for _ in 0..10 {
            b.sign_in_password(email, "wrong guess again").await;
        }
    }
    let fresh = Browser::from_address(&server.base, "192.0.2.44");
    let e = fresh
        .sign_in_password(email, PASSWORD)
        .await
        .err(403, "user_locked");
    assert!(e["meta"]["lockout_expires_in_seconds"].as_i64().unwrap() > 3500);
    let v = home.sign_in_password(email, PASSWORD).await.ok();
    assert_eq!(v["response"]["status"], "complete", "{v}");
}
