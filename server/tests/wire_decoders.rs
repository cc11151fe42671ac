//! The browser decodes with `fapi_types::FromJson`, not serde: every answer of a whole
//! journey against this server (sign-up, two-step set-up by SMS and app, backup codes,
//! sign-in at each step, reverification, sessions, tokens, errors) is decoded both
//! ways and must come out the same.

use crate::common;

use common::{app_code, Browser, Mode, TestServer, PASSWORD};
use fapi_types::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `v` as `T` with serde and with `FromJson`; both succeed and agree.
fn same<T: FromJson + DeserializeOwned + PartialEq + std::fmt::Debug>(v: &Value) -> T {
    let text = v.to_string();
    let by_serde: T =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("serde refuses {text}: {e}"));
    let by_us: T = decode(&text).unwrap_or_else(|e| panic!("FromJson refuses {text}: {e}"));
    assert_eq!(by_serde, by_us, "the decoders disagree on {text}");
    by_us
}

#[tokio::test]
async fn every_answer_of_a_journey_decodes_the_same_both_ways() {
    let server = TestServer::with(|s| {
        s.second_factors.totp = true;
        s.second_factors.backup_code = true;
    })
    .await;
    let (email, phone) = ("wire@example.com", "+14155556142");
    let b = Browser::new(&server.base, Mode::Cookie);
    b.setup().await;

    same::<Environment>(&b.get("/v1/environment").await.ok());
    same::<Envelope<Option<Client>>>(&b.get("/v1/client").await.ok());

    // Sign-up with an email code.
    let v = b
        .post(
            "/v1/client/sign_ups",
            &[
                ("email_address", email),
                ("password", PASSWORD),
                ("first_name", "Ada"),
            ],
        )
        .await
        .ok();
    let su: Envelope<SignUp> = same(&v);
    let id = su.response.id;
    let v = b
        .post(
            &format!("/v1/client/sign_ups/{id}/prepare_verification"),
            &[("strategy", "email_code")],
        )
        .await
        .ok();
    let su: Envelope<SignUp> = same(&v);
    assert!(su.response.verifications.email_address.is_some());
    let e = b
        .post(
            &format!("/v1/client/sign_ups/{id}/attempt_verification"),
            &[("strategy", "email_code"), ("code", "000000")],
        )
        .await;
    same::<ErrorEnvelope>(&e.json);
    e.err(422, "form_code_incorrect");
    let code = server.last_code_to(email).await;
    let v = b
        .post(
            &format!("/v1/client/sign_ups/{id}/attempt_verification"),
            &[("strategy", "email_code"), ("code", &code)],
        )
        .await
        .ok();
    let su: Envelope<SignUp> = same(&v);
    let sid = su.response.created_session_id.unwrap();
    let v = b
        .post(&format!("/v1/client/sessions/{sid}/touch"), &[])
        .await
        .ok();
    let s: Envelope<Session> = same(&v);
    assert!(s.client.is_some());
    *b.session_id.lock().unwrap() = Some(sid.clone());
    same::<Token>(
        &b.post(&format!("/v1/client/sessions/{sid}/tokens"), &[])
            .await
            .ok(),
    );
    same::<Envelope<User>>(&b.get("/v1/me").await.ok());
    same::<Envelope<User>>(&b.patch("/v1/me", &[("last_name", "Lovelace")]).await.ok());

    // SMS two-step verification, with backup codes in the answer that turns it on.
    let v = b
        .post("/v1/me/phone_numbers", &[("phone_number", phone)])
        .await
        .ok();
    let pid = same::<Envelope<PhoneNumber>>(&v).response.id;
    let v = b
        .post(
            &format!("/v1/me/phone_numbers/{pid}/prepare_verification"),
            &[("strategy", "phone_code")],
        )
        .await
        .ok();
    same::<Envelope<PhoneNumber>>(&v);
    let code = server.last_code_to(phone).await;
    let v = b
        .post(
            &format!("/v1/me/phone_numbers/{pid}/attempt_verification"),
            &[("code", &code)],
        )
        .await
        .ok();
    same::<Envelope<PhoneNumber>>(&v);
    let v = b
        .patch(
            &format!("/v1/me/phone_numbers/{pid}"),
            &[("reserved_for_second_factor", "true")],
        )
        .await
        .ok();
    let p: Envelope<PhoneNumber> = same(&v);
    assert!(p.response.backup_codes.is_some());

    // An authenticator app, then a fresh set of backup codes.
    let v = b.post("/v1/me/totp", &[]).await.ok();
    let t: Envelope<Totp> = same(&v);
    let secret = fapi_server::totp::decode_secret(&t.response.secret.unwrap()).unwrap();
    let v = b
        .post(
            "/v1/me/totp/attempt_verification",
            &[("code", &app_code(&secret, 0))],
        )
        .await
        .ok();
    assert!(same::<Envelope<Totp>>(&v).response.verified);
    same::<Envelope<BackupCodes>>(&b.post("/v1/me/backup_codes", &[]).await.ok());
    let sessions = b.get("/v1/me/sessions/active").await.ok();
    assert!(!same::<Vec<SessionWithActivity>>(&sessions).is_empty());
    same::<Envelope<User>>(&b.get("/v1/me").await.ok());

    // Step-up: a new verification of the session.
    let v = b
        .post(
            &format!("/v1/client/sessions/{sid}/verify"),
            &[("level", "multi_factor")],
        )
        .await
        .ok();
    same::<Envelope<SessionVerification>>(&v);
    let v = b
        .post(
            &format!("/v1/client/sessions/{sid}/verify/attempt_first_factor"),
            &[("strategy", "password"), ("password", PASSWORD)],
        )
        .await
        .ok();
    same::<Envelope<SessionVerification>>(&v);
    let v = b
        .post(
            &format!("/v1/client/sessions/{sid}/verify/prepare_second_factor"),
            &[("strategy", "phone_code"), ("phone_number_id", &pid)],
        )
        .await
        .ok();
    same::<Envelope<SessionVerification>>(&v);
    let code = server.last_code_to(phone).await;
    let v = b
        .post(
            &format!("/v1/client/sessions/{sid}/verify/attempt_second_factor"),
            &[("strategy", "phone_code"), ("code", &code)],
        )
        .await
        .ok();
    same::<Envelope<SessionVerification>>(&v);

    // Sign out, then in: password, each second factor offered, the SMS code sent.
    same::<Envelope<Option<Client>>>(&b.delete("/v1/client/sessions").await.ok());
    let v = b.sign_in_password(email, PASSWORD).await.ok();
    let si: Envelope<SignIn> = same(&v);
    assert_eq!(si.response.supported_second_factors.unwrap().len(), 3);
    let sia = si.response.id;
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
            &[("strategy", "phone_code")],
        )
        .await
        .ok();
    same::<Envelope<SignIn>>(&v);
    let e = b.attempt_sms_code(&sia, "000000").await;
    assert_eq!(e.status.as_u16(), 422);
    let err: ErrorEnvelope = same(&e.json);
    assert_eq!(err.errors[0].meta.param_name.as_deref(), Some("code"));
    let code = server.last_code_to(phone).await;
    let v = b.attempt_sms_code(&sia, &code).await.ok();
    let si: Envelope<SignIn> = same(&v);
    assert_eq!(si.response.status, SignInStatus::Complete);
    let sid = si.response.created_session_id.unwrap();
    same::<Envelope<Session>>(
        &b.post(&format!("/v1/client/sessions/{sid}/touch"), &[])
            .await
            .ok(),
    );
    *b.session_id.lock().unwrap() = Some(sid);
    same::<Envelope<Option<Client>>>(&b.get("/v1/client").await.ok());

    // Removing what was added answers deleted objects; errors are the error envelope.
    let e = b.delete("/v1/me/totp").await;
    let deleted = if e.status.is_success() {
        same::<Envelope<DeletedObject>>(&e.json).response.deleted
    } else {
        same::<ErrorEnvelope>(&e.json);
        true
    };
    assert!(deleted);
    let e = b.get("/v1/me/phone_numbers/idn_nope").await;
    assert!(!e.status.is_success());
    same::<ErrorEnvelope>(&e.json);
}
