//! The seed's custom flow, written with `use_sign_in` as an app would:
//! create(identifier, password) -> prepare_second_factor(PhoneCode)
//! -> attempt_second_factor(PhoneCode, code) -> set_active(created_session_id).

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use yew::{platform::spawn_local, prelude::*};
use yew_clerk::{
    prelude::*,
    types::{SignInStatus, Strategy},
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
