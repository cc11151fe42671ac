//! With `enumeration_protection = true`, a known, a locked and an unknown identifier
//! get answers of the same shape and codes, identifiers are masked, and a sign-up
//! with a taken address goes on to "verify your email" while its owner gets a
//! notice instead of a code (security issue, item 10).

use crate::common;

use common::{Browser, Mode, TestServer, PASSWORD};
use serde_json::Value;

/// The answer with what may differ (ids, times, trace ids, the identifier as typed,
/// the masked name's first letter) replaced, so two answers can be compared whole.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match k.as_str() {
                        "id"
                        | "email_address_id"
                        | "phone_number_id"
                        | "clerk_trace_id"
                        | "abandon_at"
                        | "expire_at"
                        | "created_at"
                        | "updated_at"
                        | "cookie_expires_at"
                        | "lockout_expires_in_seconds"
                        | "identifier" => Value::String("~".into()),
                        "safe_identifier" => {
                            let s = v.as_str().unwrap_or_default();
                            Value::String(s.chars().skip(1).collect())
                        }
                        _ => shape(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        other => other.clone(),
    }
}

async fn protected() -> TestServer {
    TestServer::with(|s| {
        s.enumeration_protection = true;
        s.codes.resend_cooldown_seconds = 0;
    })
    .await
}

#[tokio::test]
async fn known_and_unknown_identifiers_answer_alike() {
    let server = protected().await;
    Browser::new(&server.base, Mode::Cookie)
        .sign_up(&server, "known@example.com", "Kim")
        .await;
    let known = Browser::new(&server.base, Mode::Cookie);
    let unknown = Browser::new(&server.base, Mode::Cookie);

    // The identifier step: same factors, masked, no name.
    let k = known
        .post(
            "/v1/client/sign_ins",
            &[("identifier", "known@example.com")],
        )
        .await
        .ok();
    let u = unknown
        .post(
            "/v1/client/sign_ins",
            &[("identifier", "nobod@example.com")],
        )
        .await
        .ok();
    assert_eq!(shape(&k["response"]), shape(&u["response"]));
    assert!(k["response"]["user_data"].is_null());
    assert_eq!(
        k["response"]["supported_first_factors"][1]["safe_identifier"],
        "k***@example.com"
    );

    // An email code: both "sent" (only the real one is), both wrong codes alike.
    let (ks, us) = (
        k["response"]["id"].as_str().unwrap().to_owned(),
        u["response"]["id"].as_str().unwrap().to_owned(),
    );
    let prepare = |b: &Browser, sia: &str| {
        let path = format!("/v1/client/sign_ins/{sia}/prepare_first_factor");
        let b = b.clone();
        async move { b.post(&path, &[("strategy", "email_code")]).await.ok() }
    };
    let (k, u) = (prepare(&known, &ks).await, prepare(&unknown, &us).await);
    assert_eq!(shape(&k["response"]), shape(&u["response"]));
    assert_eq!(server.messages_to("nobod@example.com").await, 0);
    let attempt = |b: &Browser, sia: &str| {
        let path = format!("/v1/client/sign_ins/{sia}/attempt_first_factor");
        let b = b.clone();
        async move {
            b.post(&path, &[("strategy", "email_code"), ("code", "000001")])
                .await
        }
    };
    let (k, u) = (attempt(&known, &ks).await, attempt(&unknown, &us).await);
    assert_eq!((k.status, u.status), (u.status, k.status));
    assert_eq!(shape(&k.json), shape(&u.json));

    // Wrong passwords: the same error, and both lock at the tenth failure (the
    // wrong code above was the first).
    for i in 1..10 {
        let k = known
            .sign_in_password("known@example.com", "not the password at all")
            .await;
        let u = unknown
            .sign_in_password("nobod@example.com", "not the password at all")
            .await;
        assert_eq!(shape(&k.json), shape(&u.json), "try {i}");
        let code = if i < 9 {
            "form_password_or_identifier_incorrect"
        } else {
            "user_locked"
        };
        assert_eq!(k.json["errors"][0]["code"], code, "try {i}: {}", k.json);
    }
    // Locked alike, the right password included.
    let k = known.sign_in_password("known@example.com", PASSWORD).await;
    let u = unknown
        .sign_in_password("nobod@example.com", PASSWORD)
        .await;
    assert_eq!(k.json["errors"][0]["code"], "user_locked");
    assert_eq!(shape(&k.json), shape(&u.json));
}

#[tokio::test]
async fn a_taken_address_at_sign_up_goes_on_and_its_owner_is_told() {
    let server = protected().await;
    Browser::new(&server.base, Mode::Cookie)
        .sign_up(&server, "taken@example.com", "Tia")
        .await;
    let codes_before = server.messages_to("taken@example.com").await;
    let b = Browser::new(&server.base, Mode::Cookie);
    let id = b.start_sign_up("taken@example.com", &[]).await;
    let v = b.get(&format!("/v1/client/sign_ups/{id}")).await.ok();
    assert_eq!(
        v["response"]["verifications"]["email_address"]["next_action"],
        "needs_attempt"
    );
    assert_eq!(server.messages_to("taken@example.com").await, codes_before);
    let notices = server.notices_to("taken@example.com").await;
    assert!(
        notices
            .last()
            .unwrap()
            .contains("tried to create a new account"),
        "{notices:?}"
    );
    b.finish_sign_up(&id, "424242")
        .await
        .err(422, "form_code_incorrect");
}

/// At the default resend cooldown, a second code within it is refused alike for a
/// real and an unknown address (at sign-in), and for a free and a taken one (at
/// sign-up): the cooldown told them apart before.
#[tokio::test]
async fn the_resend_cooldown_does_not_tell_accounts_apart() {
    let server = TestServer::with(|s| s.enumeration_protection = true).await;
    Browser::new(&server.base, Mode::Cookie)
        .sign_up(&server, "real@example.com", "Ada")
        .await;
    let mut sign_in_answers = Vec::new();
    for email in ["real@example.com", "nobody@example.com"] {
        let b = Browser::new(&server.base, Mode::Cookie);
        let v = b
            .post(
                "/v1/client/sign_ins",
                &[("identifier", email), ("strategy", "email_code")],
            )
            .await
            .ok();
        let sia = v["response"]["id"].as_str().unwrap().to_owned();
        let again = b
            .post(
                &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
                &[("strategy", "email_code")],
            )
            .await;
        sign_in_answers.push((
            again.status.as_u16(),
            again.json["errors"][0]["code"].clone(),
        ));
    }
    assert_eq!(
        sign_in_answers[0], sign_in_answers[1],
        "{sign_in_answers:?}"
    );
    assert_eq!(sign_in_answers[0].0, 429);

    let mut sign_up_answers = Vec::new();
    for email in ["real@example.com", "free@example.com"] {
        let b = Browser::new(&server.base, Mode::Cookie);
        let v = b
            .post(
                "/v1/client/sign_ups",
                &[("email_address", email), ("strategy", "email_code")],
            )
            .await
            .ok();
        let id = v["response"]["id"].as_str().unwrap().to_owned();
        let again = b
            .post(
                &format!("/v1/client/sign_ups/{id}/prepare_verification"),
                &[("strategy", "email_code")],
            )
            .await;
        sign_up_answers.push((
            again.status.as_u16(),
            again.json["errors"][0]["code"].clone(),
        ));
    }
    assert_eq!(
        sign_up_answers[0], sign_up_answers[1],
        "{sign_up_answers:?}"
    );
    assert_eq!(sign_up_answers[0].0, 429);
}

/// An address that is its account's only second factor is no first factor and
/// resets nothing; asked for a code to it, the answer is still the one an unknown
/// address gets (a decoy, nothing sent), not a refusal that tells the account exists.
#[tokio::test]
async fn an_only_second_factor_address_answers_like_an_unknown_one() {
    let server = TestServer::with(|s| {
        s.enumeration_protection = true;
        s.codes.resend_cooldown_seconds = 0;
        s.second_factors.email_code = true;
    })
    .await;
    let email = "only.2fa@example.com";
    let owner = Browser::new(&server.base, Mode::Cookie);
    owner.sign_up(&server, email, "Ada").await;
    let me = owner.get("/v1/me").await.ok();
    let id = me["response"]["email_addresses"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    owner
        .patch(
            &format!("/v1/me/email_addresses/{id}"),
            &[("reserved_for_second_factor", "true")],
        )
        .await
        .ok();
    let sent_before = server.messages_to(email).await;

    for strategy in ["email_code", "reset_password_email_code"] {
        let mut answers = Vec::new();
        for identifier in [email, "nobody.else@example.com"] {
            let b = Browser::new(&server.base, Mode::Cookie);
            let created = b
                .post("/v1/client/sign_ins", &[("identifier", identifier)])
                .await
                .ok();
            let sia = created["response"]["id"].as_str().unwrap().to_owned();
            let prepared = b
                .post(
                    &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
                    &[("strategy", strategy)],
                )
                .await;
            let at_once = b
                .post(
                    "/v1/client/sign_ins",
                    &[("identifier", identifier), ("strategy", strategy)],
                )
                .await;
            answers.push((prepared, at_once));
        }
        let (known, unknown) = (&answers[0], &answers[1]);
        assert_eq!(
            known.0.status, unknown.0.status,
            "{strategy}: {}",
            known.0.json
        );
        assert_eq!(shape(&known.0.json), shape(&unknown.0.json), "{strategy}");
        assert_eq!(
            known.1.status, unknown.1.status,
            "{strategy}: {}",
            known.1.json
        );
        assert_eq!(shape(&known.1.json), shape(&unknown.1.json), "{strategy}");
    }
    assert_eq!(
        server.messages_to(email).await,
        sent_before,
        "nothing is sent"
    );
}
