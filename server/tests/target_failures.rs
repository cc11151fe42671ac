//! Wrong codes for an address are counted across every verification sent to it:
//! asking for a new code buys no fresh guesses (security issue, item 5).

use crate::common;

use common::{Browser, Mode, TestServer, PASSWORD};

#[tokio::test]
async fn new_codes_to_an_address_buy_no_fresh_guesses() {
    let server = TestServer::with(|s| s.codes.resend_cooldown_seconds = 0).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let email = "target@example.com";
    let v = b
        .post(
            "/v1/client/sign_ups",
            &[("email_address", email), ("password", PASSWORD)],
        )
        .await
        .ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    let prepare_path = format!("/v1/client/sign_ups/{id}/prepare_verification");
    let prepare = || b.post(&prepare_path, &[("strategy", "email_code")]);
    // Two verifications, five wrong codes each: ten wrong codes for one address.
    for round in 0..2 {
        prepare().await.ok();
        let code = server.last_code_to(email).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for i in 0..5 {
            let r = b.finish_sign_up(&id, wrong).await;
            if round == 1 && i == 4 {
                r.err(429, "too_many_requests");
            } else {
                assert!(r.status.is_client_error() && r.status != 429, "{}", r.json);
            }
        }
    }
    // A third code, even the right one, waits out the lock.
    prepare().await.ok();
    let code = server.last_code_to(email).await;
    let r = b.finish_sign_up(&id, &code).await;
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait > 3500, "{wait}");
    r.err(429, "too_many_requests");
}
