//! A sign-up's code verifies only the exact address it was sent to: a PATCH that
//! races a prepare cannot leave the victim's address holding the attacker's
//! verification (security issue, item 8).

use crate::common;

use common::{Browser, Mode, TestServer};

#[tokio::test]
async fn a_code_sent_to_one_address_does_not_verify_another() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let id = b.start_sign_up("attacker@example.com", &[]).await;
    let code = server.last_code_to("attacker@example.com").await;
    // What the race leaves behind: the row holds the victim's address while its
    // verification is the one whose code went to the attacker.
    sqlx::query("UPDATE sign_ups SET email_address = 'victim@example.com' WHERE id = $1")
        .bind(&id)
        .execute(&server.state().db.write)
        .await
        .unwrap();
    let v = b.get(&format!("/v1/client/sign_ups/{id}")).await.ok();
    assert_eq!(
        v["response"]["unverified_fields"],
        serde_json::json!(["email_address"])
    );
    assert_eq!(
        v["response"]["verifications"]["email_address"]["next_action"],
        "needs_prepare"
    );
    let r = b.finish_sign_up(&id, &code).await;
    assert!(r.status.is_client_error(), "{}", r.json);
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&server.state().db.read)
        .await
        .unwrap();
    assert_eq!(users, 0, "no account holds the victim's address");
}
