//! What the official clerk-js sends, and how fast it sends it, is answered as Clerk
//! answers it: extra parameters its SDKs send are accepted, paths with a trailing
//! slash route, and each action has its own per-IP limit.

use crate::common;

use common::{Browser, Mode, TestServer, PASSWORD};

#[tokio::test]
async fn the_seed_journey_inside_ten_seconds_meets_no_429() {
    // Clerk's published limits, not the raised ones of the other tests.
    let server = TestServer::with(|s| s.limits = fapi_server::config::Limits::default()).await;
    let started = std::time::Instant::now();
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "ada@example.com", "Ada").await; // sign-up verification
    b.enable_sms_2fa(&server, "+14155552123").await; // /v1/me verification
    b.sign_out().await;
    let sia = b.to_second_factor("ada@example.com").await; // create sign-in
    let path = format!("/v1/client/sign_ins/{sia}/attempt_second_factor");
    let code = server.last_code_to("+14155552123").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    b.post(&path, &[("strategy", "phone_code"), ("code", wrong)])
        .await
        .err(422, "form_code_incorrect");
    let v = b
        .post(&path, &[("strategy", "phone_code"), ("code", &code)])
        .await
        .ok();
    assert_eq!(v["response"]["status"], "complete");
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());

    // Each action still has its limit: a third and fourth try at one sign-in's
    // first factor inside the window are the 3rd and the 4th of that bucket.
    b.sign_out().await;
    let v = b
        .post("/v1/client/sign_ins", &[("identifier", "ada@example.com")])
        .await
        .ok();
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/client/sign_ins/{sia}/attempt_first_factor");
    for _ in 0..3 {
        b.post(
            &path,
            &[("strategy", "password"), ("password", "not it at all, no")],
        )
        .await
        .err(422, "form_password_incorrect");
    }
    b.post(&path, &[("strategy", "password"), ("password", PASSWORD)])
        .await
        .err(429, "too_many_requests");
}

#[tokio::test]
async fn parameters_clerk_sdks_send_are_accepted_and_typos_are_not() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    // clerk-js 6.40 `signUp.create({emailAddress, password})`, then the email code.
    let id = b
        .start_sign_up(
            "grace@example.com",
            &[
                ("locale", "en-GB"),
                ("timezone", "Europe/London"),
                ("captcha_token", "x"),
                ("captcha_error", "network"),
                ("captcha_widget_type", "smart"),
            ],
        )
        .await;
    let code = server.last_code_to("grace@example.com").await;
    let v = b.finish_sign_up(&id, &code).await.ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // `session.getToken()` sends the tab's state.
    b.post(
        &format!("/v1/client/sessions/{sid}/tokens"),
        &[("organization_id", ""), ("tab_state", "focused")],
    )
    .await
    .ok();
    b.activate(&sid).await;
    let me = b.get("/v1/me").await.ok();
    assert_eq!(me["response"]["locale"], "en-GB");

    // A typo is still caught, on every kind of request.
    let e = b
        .post(
            "/v1/client/sign_ins",
            &[("identifer", "grace@example.com"), ("timezone", "UTC")],
        )
        .await
        .err(422, "form_param_unknown");
    assert_eq!(e["meta"]["param_name"], "identifer");
    let e = b
        .post(
            &format!("/v1/client/sessions/{sid}/tokens"),
            &[("tab", "x")],
        )
        .await
        .err(422, "form_param_unknown");
    assert_eq!(e["meta"]["param_name"], "tab");
}

#[tokio::test]
async fn a_trailing_slash_routes_like_none() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    b.sign_up(&server, "lin@example.com", "Lin").await;
    // clerk-js `user.createPhoneNumber()` posts to `/v1/me/phone_numbers/`.
    let v = b
        .post("/v1/me/phone_numbers/", &[("phone_number", "+14155552124")])
        .await
        .ok();
    assert_eq!(v["response"]["object"], "phone_number");
    let v = b.get("/v1/client/").await.ok();
    assert_eq!(v["response"]["object"], "client");
    let v = b.get("/v1/environment/").await.ok();
    assert_eq!(v["object"], "environment");
    b.get("/.well-known/jwks.json/").await.ok();
}

/// Core 3's `signUp.password()` sends `strategy=password` with the password, on
/// create and on update; Clerk takes it (it was a 422 here). The sign-up carries
/// `has_password`, which clerk-js reads (the spec's `password_enabled` stays too).
#[tokio::test]
async fn sign_up_password_strategy_is_taken_and_has_password_is_sent() {
    let server = TestServer::start().await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let v = b
        .post(
            "/v1/client/sign_ups",
            &[
                ("strategy", "password"),
                ("email_address", "core3@example.com"),
            ],
        )
        .await
        .ok();
    assert_eq!(v["response"]["has_password"], false, "{v}");
    let id = v["response"]["id"].as_str().unwrap().to_owned();
    let v = b
        .patch(
            &format!("/v1/client/sign_ups/{id}"),
            &[("strategy", "password"), ("password", PASSWORD)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["has_password"], true, "{v}");
    assert_eq!(v["response"]["password_enabled"], true);
    assert_eq!(v["response"]["unverified_fields"][0], "email_address");
    b.post(
        "/v1/client/sign_ups",
        &[("strategy", "totp"), ("email_address", "x@example.com")],
    )
    .await
    .err(422, "form_param_value_invalid");
}
