//! The demo's own API (`examples/demo-api`) in front of an instance where MFA is
//! required for everyone: a new account's session is `pending` until it sets up a
//! second factor, and the API counts it as signed out (401), as Clerk's backend SDKs
//! do; once an authenticator app is set up, the same user gets their notes.
//!
//! Needs `MFA_REQUIRED_URL` (fapi-server, `[mfa] required`) and `DEMO_API_URL` (the
//! demo's API trusting it); `cargo xtask test` starts both.

use e2e::{env, totp_code, unique};
use serde_json::Value;

#[tokio::test]
async fn a_pending_session_is_signed_out_for_the_apps_api() {
    let fapi = env("MFA_REQUIRED_URL");
    let api = env("DEMO_API_URL");
    let client = e2e::FapiClient::new(&fapi, &fapi);
    let email = format!("pending.{}+clerk_test@example.com", unique());
    let (_, sid) = client.sign_up(&email).await;
    let notes = |jwt: String| {
        let request = reqwest::Client::new()
            .get(format!("{api}/api/notes"))
            .bearer_auth(jwt);
        async move {
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };

    // Pending (MFA required, none set up): signed out for the app's API.
    let (status, body) = notes(client.token(&sid).await).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["errors"][0]["code"], "authentication_invalid");

    // An authenticator app set up: the session is active, the API answers.
    let totp = client.post("/v1/me/totp", &[]).await;
    let secret = totp["response"]["secret"].as_str().unwrap().to_owned();
    client
        .post(
            "/v1/me/totp/attempt_verification",
            &[("code", &totp_code(&secret, 0))],
        )
        .await;
    let (status, body) = notes(client.token(&sid).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["notes"], serde_json::json!([]));
}
