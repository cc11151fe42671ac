//! Codes stay single-use and attempt limits hold when many requests race.

use crate::common;

use common::{account_with_2fa, Browser, Mode, TestServer, PASSWORD};
use futures::future::join_all;
use serde_json::Value;

async fn at_second_factor(server: &TestServer, email: &str, phone: &str) -> (Browser, String) {
    let b = account_with_2fa(server, email, phone).await;
    let sia = b.to_second_factor(email).await;
    (b, sia)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_wrong_codes_count_as_at_most_five_attempts() {
    let server = TestServer::with(|s| s.lockout.max_attempts = 1000).await;
    let (b, sia) = at_second_factor(&server, "r1+clerk_test@example.com", "+14155553001").await;
    let code = server.last_code_to("+14155553001").await;
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 7) % 1_000_000);
    let path = format!("/v1/client/sign_ins/{sia}/attempt_second_factor");
    let results = join_all((0..50).map(|_| {
        let b = b.clone();
        let path = path.clone();
        let wrong = wrong.clone();
        tokio::spawn(async move {
            b.post(&path, &[("strategy", "phone_code"), ("code", &wrong)])
                .await
        })
    }))
    .await;
    let codes: Vec<String> = results
        .into_iter()
        .map(|r| {
            r.unwrap().json["errors"][0]["code"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let checked = codes.iter().filter(|c| *c == "form_code_incorrect").count();
    assert!(
        checked <= 4,
        "{checked} wrong codes were checked past the limit"
    );
    assert!(codes
        .iter()
        .all(|c| c == "form_code_incorrect" || c == "verification_failed"));
    let v = b.get(&format!("/v1/client/sign_ins/{sia}")).await.ok();
    let verification = &v["response"]["second_factor_verification"];
    assert_eq!(
        verification["attempts"], 5,
        "exactly five attempts were counted"
    );
    assert_eq!(verification["status"], "failed");
    // And the right code no longer helps.
    b.post(&path, &[("strategy", "phone_code"), ("code", &code)])
        .await
        .err(400, "verification_failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_right_codes_yield_exactly_one_session() {
    let server = TestServer::start().await;
    let (b, sia) = at_second_factor(&server, "r2+clerk_test@example.com", "+14155553002").await;
    let code = server.last_code_to("+14155553002").await;
    let path = format!("/v1/client/sign_ins/{sia}/attempt_second_factor");
    let results = join_all((0..20).map(|_| {
        let b = b.clone();
        let path = path.clone();
        let code = code.clone();
        tokio::spawn(async move {
            b.post(&path, &[("strategy", "phone_code"), ("code", &code)])
                .await
        })
    }))
    .await;
    let results: Vec<common::Resp> = results.into_iter().map(|r| r.unwrap()).collect();
    let winners: Vec<&common::Resp> = results.iter().filter(|r| r.status.is_success()).collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one submission wins: {:?}",
        results
            .iter()
            .map(|r| (r.status, r.json["errors"][0]["code"].clone()))
            .collect::<Vec<_>>()
    );
    for loser in results.iter().filter(|r| !r.status.is_success()) {
        assert_eq!(loser.status, 400);
    }
    let v = b.get("/v1/client").await.ok();
    let active: Vec<_> = v["client"]["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "active")
        .collect();
    assert_eq!(active.len(), 1, "exactly one session");
    assert_eq!(
        active[0]["id"],
        winners[0].json["response"]["created_session_id"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_prepares_send_one_code() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "r3+clerk_test@example.com", "Race")
        .await;
    b.enable_sms_2fa(&server, "+14155553003").await;
    b.sign_out().await;
    let v = b
        .sign_in_password("r3+clerk_test@example.com", PASSWORD)
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let before = server.messages_to("+14155553003").await;
    let path = format!("/v1/client/sign_ins/{sia}/prepare_second_factor");
    let results = join_all((0..10).map(|_| {
        let b = b.clone();
        let path = path.clone();
        tokio::spawn(async move { b.post(&path, &[("strategy", "phone_code")]).await })
    }))
    .await;
    let ok = results
        .iter()
        .filter(|r| r.as_ref().unwrap().status.is_success())
        .count();
    assert_eq!(ok, 1);
    assert_eq!(
        server.messages_to("+14155553003").await,
        before + 1,
        "one SMS, not ten"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_email_verified_by_two_sign_ups_at_once_gives_one_account() {
    let server = TestServer::start().await;
    let email = "dup+clerk_test@example.com";
    let mut ids = Vec::new();
    let browsers: Vec<Browser> = (0..2)
        .map(|_| Browser::new(&server.base, Mode::Cookie))
        .collect();
    for b in &browsers {
        let id = b.start_sign_up(email, &[]).await;
        ids.push(id);
    }
    let results = join_all(browsers.iter().zip(&ids).map(|(b, id)| {
        let b = b.clone();
        let path = format!("/v1/client/sign_ups/{id}/attempt_verification");
        tokio::spawn(async move {
            b.post(&path, &[("strategy", "email_code"), ("code", "424242")])
                .await
        })
    }))
    .await;
    let statuses: Vec<u16> = results
        .iter()
        .map(|r| r.as_ref().unwrap().status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    let loser = results
        .into_iter()
        .map(|r| r.unwrap())
        .find(|r| !r.status.is_success())
        .unwrap();
    loser.err(422, "form_identifier_exists");
}

fn version(answer: &Value) -> i64 {
    answer["client"]["updated_at"]
        .as_i64()
        .expect("a client with updated_at")
}

/// Answers reach the browser out of order (a `touch` answered after the sign-out sent
/// later), and the browser keeps the newer client by its `updated_at`. That works
/// only if every change moves it forward: also two changes in one millisecond, and
/// after another instance whose clock runs ahead wrote the client.
#[tokio::test]
async fn every_change_to_a_client_moves_its_updated_at_forward() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::DevBrowser);
    b.setup().await;
    let session = b
        .sign_up(&server, "versions+clerk_test@example.com", "Ada")
        .await;
    let touch = format!("/v1/client/sessions/{session}/touch");
    let mut last = version(&b.post(&touch, &[]).await.ok());

    // Another instance, its clock an hour ahead, wrote the client last.
    let client_id = b.get("/v1/client").await.ok()["response"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    sqlx::query("UPDATE clients SET updated_at = updated_at + 3600000 WHERE id = $1")
        .bind(&client_id)
        .execute(&server.state().0.db.write)
        .await
        .unwrap();
    last += 3_600_000;

    // Changes in quick succession, many within one millisecond.
    for _ in 0..5 {
        let now = version(&b.post(&touch, &[]).await.ok());
        assert!(now > last, "updated_at went from {last} to {now}");
        last = now;
    }
    let signed_out = b.delete("/v1/client/sessions").await.ok();
    assert!(
        version(&signed_out) > last,
        "signing out is a newer version"
    );
}
