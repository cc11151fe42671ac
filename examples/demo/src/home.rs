use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use yew::{platform::spawn_local, prelude::*};
use yew_clerk::prelude::*;
use yew_router::prelude::*;

use crate::Route;

/// The claims of a JWT, pretty-printed (decoded only: your backend verifies it
/// against /.well-known/jwks.json).
fn claims(jwt: &str) -> String {
    jwt.split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| "(not a JWT)".into())
}

#[component]
fn TokenPanel() -> Html {
    let auth = use_auth();
    let shown = use_state(|| None::<String>);
    let load = {
        let (auth, shown) = (auth.clone(), shown.clone());
        Callback::from(move |_| {
            let (auth, shown) = (auth.clone(), shown.clone());
            spawn_local(async move {
                let text = match auth.get_token().await {
                    Ok(Some(jwt)) => claims(&jwt),
                    Ok(None) => "signed out".into(),
                    Err(e) => format!("error: {e}"),
                };
                shown.set(Some(text));
            });
        })
    };
    {
        let load = load.clone();
        use_effect_with((), move |_| load.emit(()));
    }
    html! {
        <section class="panel">
            <h2>{ "Your session token" }</h2>
            <p>{ "use_auth().get_token() gives a 60-second JWT for your own backend. Its claims:" }</p>
            <pre class="claims" id="token-claims">{ (*shown).clone().unwrap_or_default() }</pre>
            <button class="btn btn-secondary" onclick={load.reform(|_: MouseEvent| ())}>{ "Get a fresh token" }</button>
        </section>
    }
}

/// Which second factors this instance offers (its `[second_factors]`), whether every
/// account must have one (`[mfa] required`), and where to set them up.
#[component]
fn MethodsPanel() -> Html {
    let clerk = use_clerk();
    let state = clerk.state();
    let Some(env) = state.environment.as_deref() else {
        return html! {};
    };
    let offered = env.user_settings.second_factors();
    let names: Vec<&str> = [
        ("passkey", "a passkey"),
        ("totp", "an authenticator app"),
        ("phone_code", "an SMS code"),
        ("backup_code", "backup codes"),
    ]
    .into_iter()
    .filter(|(key, _)| offered.iter().any(|f| f == key))
    .map(|(_, name)| name)
    .collect();
    let required = state.mfa_required();
    html! {
        <section class="panel" id="methods">
            <h2>{ "Two-step verification on this server" }</h2>
            if names.is_empty() {
                <p>{ "Off: fapi-server's [second_factors] turns none on." }</p>
            } else {
                <p>{ format!("Offered: {}.", names.join(", ")) }</p>
            }
            <p>
                if required {
                    { "Required for every account: a new account sets one up before it reaches the app." }
                } else {
                    { "Optional: set [mfa] required = true in fapi-server's config to require it." }
                }
            </p>
            <p>
                <Link<Route> to={Route::User}>{ "Set them up in your profile (Security)" }</Link<Route>>
            </p>
        </section>
    }
}

#[component]
pub fn Home() -> Html {
    let user = use_user();
    html! {
        <>
            <SignedOut>
                <section class="hero">
                    <h1>{ "Sign-in with two-step verification, for Yew" }</h1>
                    <p>{ "Sign up, turn on two-step verification in your profile (an authenticator app or an SMS code, with backup codes), then sign in with your password and the code." }</p>
                    <div class="actions">
                        <Link<Route> to={Route::SignIn} classes="btn btn-primary">{ "Sign in" }</Link<Route>>
                        <Link<Route> to={Route::SignUp} classes="btn btn-secondary">{ "Sign up" }</Link<Route>>
                    </div>
                    <MethodsPanel />
                    <p class="hint">
                        { "Test mode: the phone +1 201 555 0100 (any +1 XXX 555-01XX) and emails with +clerk_test take the code 424242. Other codes are printed by the server and listed at /dev/outbox." }
                    </p>
                </section>
            </SignedOut>
            <SignedIn>
                <section class="hero">
                    <h1 id="greeting">{ format!("Welcome, {}!", user.user.as_ref().and_then(|u| u.first_name.clone()).unwrap_or_else(|| "friend".into())) }</h1>
                    <p>
                        { "Manage your account, and two-step verification, in " }
                        <Link<Route> to={Route::User}>{ "your profile" }</Link<Route>>
                        { "." }
                    </p>
                </section>
                <MethodsPanel />
                <TokenPanel />
            </SignedIn>
        </>
    }
}
