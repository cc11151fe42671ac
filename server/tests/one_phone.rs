//! With phone sign-in on, the phone that was the first factor is never offered as
//! the second (security issue, item 3): one stolen SIM must not be both factors.

use crate::common;

use common::{account_with_2fa, Browser, TestServer};
use serde_json::Value;

fn phone_ids(factors: &Value, strategy: &str) -> Vec<String> {
    factors
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|f| f["strategy"] == strategy)
                .map(|f| f["phone_number_id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn sign_in_by_phone(b: &Browser, phone: &str) -> Value {
    b.post("/v1/client/sign_ins", &[("identifier", phone)])
        .await
        .ok()
}

#[tokio::test]
async fn the_first_factor_phone_is_not_the_second() {
    let server = TestServer::with(|s| {
        s.identifiers.phone_number = fapi_server::config::Requirement::Optional;
        s.codes.resend_cooldown_seconds = 0;
    })
    .await;
    let (p1, p2) = ("+14155554101", "+14155554102");
    let b = account_with_2fa(&server, "sim@example.com", p1).await;

    // Its only second factor is not offered as a first factor.
    let v = sign_in_by_phone(&b, p1).await;
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    assert!(
        phone_ids(&v["response"]["supported_first_factors"], "phone_code").is_empty(),
        "{}",
        v["response"]["supported_first_factors"]
    );
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", "phone_code")],
    )
    .await
    .err(400, "strategy_for_user_invalid");

    // With a second phone for 2FA, the first phone may sign in, and only the
    // other phone is the second factor.
    let sia = b.to_second_factor("sim@example.com").await;
    let code = server.last_code_to(p1).await;
    let v = b.attempt_sms_code(&sia, &code).await.ok();
    let sid = v["response"]["created_session_id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.activate(&sid).await;
    let p2_id = b.enable_sms_2fa(&server, p2).await;
    b.sign_out().await;

    let v = sign_in_by_phone(&b, p1).await;
    let sia = v["response"]["id"].as_str().unwrap().to_owned();
    let firsts = &v["response"]["supported_first_factors"];
    assert_eq!(phone_ids(firsts, "phone_code").len(), 2, "{firsts}");
    let p1_id: Vec<String> = firsts
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["safe_identifier"]
                .as_str()
                .unwrap_or_default()
                .ends_with("4101")
        })
        .map(|f| f["phone_number_id"].as_str().unwrap().to_owned())
        .collect();
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_first_factor"),
        &[("strategy", "phone_code"), ("phone_number_id", &p1_id[0])],
    )
    .await
    .ok();
    let code = server.last_code_to(p1).await;
    let v = b
        .post(
            &format!("/v1/client/sign_ins/{sia}/attempt_first_factor"),
            &[("strategy", "phone_code"), ("code", &code)],
        )
        .await
        .ok();
    assert_eq!(v["response"]["status"], "needs_second_factor");
    assert_eq!(
        phone_ids(&v["response"]["supported_second_factors"], "phone_code"),
        vec![p2_id]
    );
    b.post(
        &format!("/v1/client/sign_ins/{sia}/prepare_second_factor"),
        &[("strategy", "phone_code"), ("phone_number_id", &p1_id[0])],
    )
    .await
    .err(422, "form_param_value_invalid");
}
