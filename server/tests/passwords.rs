//! Passwords are taken byte for byte, never trimmed: at sign-up, sign-in and change
//! (security issue, item 13).

use crate::common;

use common::{Browser, Mode, TestServer};

const SPACED: &str = "  correct horse battery staple  ";

#[tokio::test]
async fn a_password_with_spaces_is_the_same_password_everywhere() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let email = "spaces+clerk_test@example.com";
    let v = b
        .post(
            "/v1/client/sign_ups",
            &[("email_address", email), ("password", SPACED)],
        )
        .await
        .ok();
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    b.post(
        &format!("/v1/client/sign_ups/{id}/prepare_verification"),
        &[("strategy", "email_code")],
    )
    .await
    .ok();
    let v = b.finish_sign_up(&id, "424242").await.ok();
    assert_eq!(v["response"]["status"], "complete");
    b.sign_out().await;

    // The trimmed password is another password.
    b.sign_in_password(email, SPACED.trim())
        .await
        .err(422, "form_password_incorrect");
    let v = b.sign_in_password(email, SPACED).await.ok();
    assert_eq!(v["response"]["status"], "complete");
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.activate(&sid).await;

    // Changing it asks for the same bytes.
    b.post(
        "/v1/me/change_password",
        &[
            ("current_password", SPACED.trim()),
            ("new_password", "another long passphrase here"),
        ],
    )
    .await
    .err(422, "form_password_validation_failed");
    b.post(
        "/v1/me/change_password",
        &[
            ("current_password", SPACED),
            ("new_password", " another long passphrase here "),
        ],
    )
    .await
    .ok();
    b.sign_out().await;
    b.sign_in_password(email, "another long passphrase here")
        .await
        .err(422, "form_password_incorrect");
    let v = b
        .sign_in_password(email, " another long passphrase here ")
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
}

#[tokio::test]
async fn the_most_common_passwords_are_refused_whatever_their_case() {
    let server = TestServer::with(|s| s.password.min_length = Some(8)).await;
    let b = Browser::new(&server.base, Mode::Cookie);
    for common in ["baseball", "FootBall", "12345678"] {
        let e = b
            .post(
                "/v1/client/sign_ups",
                &[("email_address", "pwned@example.com"), ("password", common)],
            )
            .await
            .err(422, "form_password_pwned");
        assert_eq!(e["meta"]["param_name"], "password");
    }
    // Not on the list: fine at this instance's minimum of 8.
    b.post(
        "/v1/client/sign_ups",
        &[
            ("email_address", "pwned@example.com"),
            ("password", "tram-wisp-ochre"),
        ],
    )
    .await
    .ok();
}
