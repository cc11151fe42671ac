//! The custom flow: your own form, Clerk's steps, through `use_sign_in`.

use yew::{platform::spawn_local, prelude::*};
use yew_clerk::{
    prelude::*,
    types::{SignInStatus, Strategy},
};
use yew_router::prelude::*;

use crate::Route;

fn input_value(e: InputEvent) -> String {
    e.target_unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

/// Where the flow ends, through the app's router (`set_active_and_navigate`).
async fn home(navigator: Option<Navigator>) {
    if let Some(nav) = navigator {
        nav.push(&Route::Home);
    }
}

#[component]
pub fn CustomSignIn() -> Html {
    let sign_in = use_sign_in();
    let navigator = use_navigator();
    let (email, password, code) = (
        use_state(String::new),
        use_state(String::new),
        use_state(String::new),
    );
    let needs_code = use_state(|| false);
    let error = use_state(|| None::<String>);

    // Step 1: identifier + password. With 2FA on, an SMS code is sent.
    let start = {
        let (sign_in, email, password, needs_code, error, navigator) = (
            sign_in.clone(),
            email.clone(),
            password.clone(),
            needs_code.clone(),
            error.clone(),
            navigator.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (sign_in, email, password, needs_code, error, navigator) = (
                sign_in.clone(),
                email.clone(),
                password.clone(),
                needs_code.clone(),
                error.clone(),
                navigator.clone(),
            );
            spawn_local(async move {
                let result = async {
                    let attempt = sign_in.create(&email, &password).await?;
                    if attempt.status == SignInStatus::NeedsSecondFactor {
                        sign_in.prepare_second_factor(Strategy::PhoneCode).await?;
                        needs_code.set(true);
                    } else if let Some(session) = attempt.created_session_id {
                        sign_in
                            .set_active_and_navigate(&session, |_| home(navigator))
                            .await?;
                    }
                    Ok::<_, ClerkError>(())
                };
                error.set(result.await.err().map(|e| e.to_string()));
            });
        })
    };
    // Step 2: the code, then the new session becomes the active one.
    let verify = {
        let (sign_in, code, error, navigator) = (
            sign_in.clone(),
            code.clone(),
            error.clone(),
            navigator.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (sign_in, code, error, navigator) = (
                sign_in.clone(),
                code.clone(),
                error.clone(),
                navigator.clone(),
            );
            spawn_local(async move {
                let result = async {
                    let done = sign_in
                        .attempt_second_factor(Strategy::PhoneCode, &code)
                        .await?;
                    let session = done.created_session_id.unwrap_or_default();
                    sign_in
                        .set_active_and_navigate(&session, |_| home(navigator))
                        .await
                };
                if let Err(e) = result.await {
                    error.set(Some(e.to_string()));
                }
            });
        })
    };

    html! {
        <div class="panel custom">
            <h2>{ "A custom sign-in flow" }</h2>
            <p>{ "Your own markup; yew-clerk's use_sign_in does the steps. See examples/demo/src/custom_sign_in.rs." }</p>
            if let Some(e) = (*error).clone() { <p class="error" role="alert">{ e }</p> }
            if !*needs_code {
                <form class="custom" onsubmit={start}>
                    <label for="custom-email">{ "Email" }</label>
                    <input id="custom-email" autocomplete="username" value={(*email).clone()}
                        oninput={let s = email.clone(); Callback::from(move |e| s.set(input_value(e)))} />
                    <label for="custom-password">{ "Password" }</label>
                    <input id="custom-password" type="password" autocomplete="current-password" value={(*password).clone()}
                        oninput={let s = password.clone(); Callback::from(move |e| s.set(input_value(e)))} />
                    <button class="btn btn-primary" type="submit">{ "Continue" }</button>
                </form>
            } else {
                <form class="custom" onsubmit={verify}>
                    <label for="custom-code">{ "The code we texted you" }</label>
                    <input id="custom-code" inputmode="numeric" autocomplete="one-time-code" value={(*code).clone()}
                        oninput={let s = code.clone(); Callback::from(move |e| s.set(input_value(e)))} />
                    <button class="btn btn-primary" type="submit">{ "Verify" }</button>
                </form>
            }
        </div>
    }
}
