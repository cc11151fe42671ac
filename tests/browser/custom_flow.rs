//! The seed's custom flow, written with `use_sign_in` as an app would:
//! create(identifier, password) -> prepare_second_factor(PhoneCode)
//! -> attempt_second_factor(PhoneCode, code) -> set_active(created_session_id).

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::{platform::spawn_local, prelude::*};
use yew_clerk::{
    prelude::*,
    types::{params, SignIn as SignInResource, SignInStatus, Strategy},
};

use crate::harness::*;

fn value(id: &str) -> String {
    document()
        .get_element_by_id(id)
        .unwrap()
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap()
        .value()
}

#[component]
fn CustomSignIn() -> Html {
    let sign_in = use_sign_in();
    let stage = use_state(|| "start".to_owned());
    let on_start = {
        let (sign_in, stage) = (sign_in.clone(), stage.clone());
        Callback::from(move |_| {
            let (sign_in, stage) = (sign_in.clone(), stage.clone());
            spawn_local(async move {
                let result = async {
                    let attempt = sign_in.create(&value("email"), &value("password")).await?;
                    if attempt.status == SignInStatus::NeedsSecondFactor {
                        sign_in.prepare_second_factor(Strategy::PhoneCode).await?;
                        stage.set("code".into());
                    }
                    Ok::<_, ClerkError>(())
                }
                .await;
                if let Err(e) = result {
                    stage.set(format!("error: {e}"));
                }
            });
        })
    };
    let on_code = {
        let (sign_in, stage) = (sign_in.clone(), stage.clone());
        Callback::from(move |_| {
            let (sign_in, stage) = (sign_in.clone(), stage.clone());
            spawn_local(async move {
                let result = async {
                    let done = sign_in
                        .attempt_second_factor(Strategy::PhoneCode, &value("code"))
                        .await?;
                    sign_in
                        .set_active(done.created_session_id.as_deref().unwrap_or_default())
                        .await
                }
                .await;
                stage.set(match result {
                    Ok(()) => "done".into(),
                    Err(e) => format!("error: {e}"),
                });
            });
        })
    };
    html! {
        <div>
            <input id="email" /> <input id="password" type="password" />
            <button id="start" onclick={on_start}>{ "Sign in" }</button>
            <input id="code" />
            <button id="verify" onclick={on_code}>{ "Verify" }</button>
            <p id="stage">{ (*stage).clone() }</p>
        </div>
    }
}

#[wasm_bindgen_test]
async fn the_custom_flow_through_use_sign_in() {
    fresh_browser().await;
    let email = unique_email("custom");
    let phone = unique_phone();
    create_account(&email, Some(&phone)).await;
    let enrolment = outbox_to(&phone).await.len();
    let (m, clerk) = mount(html! { <CustomSignIn /> }).await;
    let root = &m.root;
    fill(root, "#email", &email).await;
    fill(root, "#password", PASSWORD).await;
    click(root, "#start").await;
    wait_for_text(root, "#stage", "code").await;
    let code = code_sent_to(&phone).await;
    assert_eq!(
        outbox_to(&phone).await.len(),
        enrolment + 1,
        "one SMS for the sign-in"
    );
    assert!(!clerk.state().is_signed_in());
    fill(root, "#code", &code).await;
    click(root, "#verify").await;
    let stage = wait_until("the flow to finish", || {
        let text = find(root, "#stage")?.text_content()?;
        (text != "code").then_some(text)
    })
    .await;
    assert_eq!(stage, "done");
    assert!(clerk.state().is_signed_in());
}

/// A step drawn again while its code is still on its way (Back, then Forward, before
/// the send has answered) asks for the code once more: that call sends nothing, and
/// returns only once the first send has, so the form it makes ready is never answered
/// before the code exists ("requires verification preparation").
#[wasm_bindgen_test]
async fn a_second_send_waits_for_the_code_already_on_its_way() {
    use std::cell::Cell;

    fresh_browser().await;
    let email = unique_email("send.once+clerk_test");
    create_account(&email, Some(&unique_test_phone())).await;
    let clerk = core();
    let (_, p) = to_the_sms_step(&clerk, &email).await;

    let first_answered = Cell::new(false);
    let first = async {
        let sent = clerk.send_second_factor_code_once(&p).await;
        first_answered.set(true);
        sent
    };
    let second = async {
        let sent = clerk.send_second_factor_code_once(&p).await;
        (sent, first_answered.get())
    };
    let (first, (second, after_first)) = futures::join!(first, second);
    assert_eq!(first, Ok(true), "the first call sends the code");
    assert_eq!(second, Ok(false), "the second sends none");
    assert!(
        after_first,
        "the second call returned while the code was still on its way"
    );

    signs_in_with_sms(&clerk, "424242").await;
}

/// A sign-up's code goes once to each address: asked again for the same address,
/// nothing goes; for the address it was changed to, its own code goes.
#[wasm_bindgen_test]
async fn a_sign_up_sends_one_code_per_address() {
    use yew_clerk::types::SignUpStatus;

    fresh_browser().await;
    let (first, second) = (unique_email("once.first"), unique_email("once.second"));
    let clerk = core();
    clerk.load().await.unwrap();
    clerk
        .create_sign_up(&params::CreateSignUp {
            email_address: Some(first.clone()),
            password: Some(PASSWORD.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let once = || clerk.send_sign_up_code_once(Strategy::EmailCode);
    assert_eq!(once().await, Ok(true), "the code goes");
    assert_eq!(once().await, Ok(false), "the same address: no second code");
    clerk
        .update_sign_up(&params::CreateSignUp {
            email_address: Some(second.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(once().await, Ok(true), "the changed address gets its code");
    let code = code_sent_to(&second).await;
    assert_eq!(outbox_to(&first).await.len(), 1);
    let su = clerk
        .attempt_sign_up_verification(Strategy::EmailCode, &code)
        .await
        .unwrap();
    assert_eq!(su.status, SignUpStatus::Complete);
    clerk.sign_out().await.unwrap();
}

/// The server keeps one code per step: once another code of the step went out (here
/// the account recovery's, after the SMS), the SMS step opened again sends a new SMS,
/// since the first one no longer works.
#[wasm_bindgen_test]
async fn a_step_sends_again_once_another_code_replaced_its_own() {
    fresh_browser().await;
    let email = unique_email("replaced");
    let phone = unique_phone();
    create_account(&email, Some(&phone)).await;
    let clerk = core();
    let (si, sms) = to_the_sms_step(&clerk, &email).await;
    let texts = outbox_to(&phone).await.len();
    assert_eq!(clerk.send_second_factor_code_once(&sms).await, Ok(true));
    assert_eq!(clerk.send_second_factor_code_once(&sms).await, Ok(false));
    let recovery = si.account_recovery.expect("a recovery is offered");
    clerk
        .prepare_second_factor(&params::PrepareSecondFactor {
            strategy: Strategy::RecoveryEmailCode,
            phone_number_id: None,
            email_address_id: Some(recovery.email_address_id),
        })
        .await
        .unwrap();
    // Past the server's resend cooldown for the phone.
    sleep(31_000).await;
    assert_eq!(
        clerk.send_second_factor_code_once(&sms).await,
        Ok(true),
        "the SMS replaced by the recovery code is sent again"
    );
    let code = code_number(&phone, texts + 2).await;
    signs_in_with_sms(&clerk, &code).await;
}

/// A password sign-in, through the core, of an account with two-step verification by
/// SMS: the sign-in, and what prepares its SMS.
async fn to_the_sms_step(
    clerk: &Clerk,
    email: &str,
) -> (SignInResource, params::PrepareSecondFactor) {
    clerk.load().await.unwrap();
    let si = create_password_sign_in(clerk, email).await;
    assert_eq!(si.status, SignInStatus::NeedsSecondFactor);
    let phone = si
        .supported_second_factors
        .iter()
        .flatten()
        .find(|f| f.strategy == Strategy::PhoneCode)
        .expect("the phone is a second factor");
    let sms = params::PrepareSecondFactor {
        strategy: Strategy::PhoneCode,
        phone_number_id: phone.phone_number_id.clone(),
        email_address_id: None,
    };
    (si, sms)
}

/// The SMS code given: signed in (then out again).
async fn signs_in_with_sms(clerk: &Clerk, code: &str) {
    let done = clerk
        .attempt_second_factor(&params::AttemptSecondFactor {
            strategy: Strategy::PhoneCode,
            code: Some(code.into()),
            remember_device: None,
            public_key_credential: None,
        })
        .await
        .unwrap();
    assert_eq!(done.status, SignInStatus::Complete);
    clerk.sign_out().await.unwrap();
}
