use std::{cell::Cell, rc::Rc};

use fapi_types::{params, SignIn, SignInStatus, Strategy};
use yew::prelude::*;

use crate::{
    clerk::PasskeyFlow,
    components::{
        session_task::prefetch_tasks,
        social::SocialButtons,
        ui::{
            use_focus_on_mount, use_form, Alert, Card, Field, FieldKind, LinkButton, SubmitButton,
        },
    },
    context::use_clerk_context,
    webauthn::{self, PasskeyError},
    ClerkError, Modal,
};

/// How long the first card waits before offering passkeys in the identifier's
/// autofill (which starts a sign-in on the server).
const AUTOFILL_AFTER_MS: u32 = 400;

#[derive(Properties, PartialEq)]
pub struct StartProps {
    pub on_advance: Callback<SignIn>,
    /// "Forgot password?": the sign-in made with the identifier alone.
    pub on_forgot: Callback<SignIn>,
    #[prop_or_default]
    pub initial_identifier: Option<AttrValue>,
    #[prop_or_default]
    pub sign_up_url: Option<AttrValue>,
    /// Where a provider sends the browser back, and where when that signed in.
    pub sso_back: AttrValue,
    pub sso_complete: AttrValue,
    /// Why the last sign-in with a provider did not work.
    #[prop_or_default]
    pub sso_error: Option<String>,
}

/// Identifier and password. With the password left empty, the next step offers the
/// account's other first factors (an email code).
#[component]
pub fn Start(props: &StartProps) -> Html {
    let ctx = use_clerk_context();
    let identifier = use_state(|| {
        props
            .initial_identifier
            .as_ref()
            .map(|v| v.to_string())
            .unwrap_or_default()
    });
    let password = use_state(String::new);
    let form = use_form(&["identifier", "password"]);
    let first = use_node_ref();
    use_focus_on_mount(first.clone());
    // This card is up: the cards after it start loading (in a split build), so the
    // next step does not wait on the network; so does the set-up-MFA card where MFA
    // is required, as a sign-in can end in it.
    let mfa_required = ctx.state.mfa_required();
    use_effect_with((), move |_| {
        super::LATER_STEPS.prefetch();
        if mfa_required {
            prefetch_tasks();
        }
    });

    let env = ctx.state.environment.clone();
    let ids: Vec<&str> = env
        .as_deref()
        .map(|e| {
            ["email_address", "phone_number", "username"]
                .into_iter()
                .filter(|k| {
                    e.user_settings
                        .enabled(k)
                        .is_some_and(|a| *k == "username" || a.used_for_first_factor)
                })
                .collect()
        })
        .unwrap_or_else(|| vec!["email_address"]);
    let label = match (
        ids.contains(&"email_address"),
        ids.contains(&"username"),
        ids.contains(&"phone_number"),
    ) {
        (true, true, _) => ctx.t("formFieldLabel__emailAddress_username"),
        (false, true, _) => ctx.t("formFieldLabel__username"),
        (false, false, true) => ctx.t("formFieldLabel__phoneNumber"),
        _ => ctx.t("formFieldLabel__emailAddress"),
    };

    // Passkeys, where the instance offers them and this browser has WebAuthn: a
    // button, and the identifier field's autofill (conditional mediation).
    let passkeys = env
        .as_deref()
        .filter(|e| e.user_settings.enabled("passkey").is_some() && webauthn::supported())
        .map(|e| e.user_settings.passkey_settings.clone().unwrap_or_default());
    // Not while a sign-in this card's steps can return to is in progress (Back from
    // the code step, then Forward): the autofill's own sign-in would replace it.
    let resumable = ctx.state.sign_in().is_some_and(|si| match si.status {
        SignInStatus::NeedsFirstFactor => si.identifier.is_some(),
        SignInStatus::NeedsSecondFactor
        | SignInStatus::NeedsClientTrust
        | SignInStatus::NeedsNewPassword => true,
        _ => false,
    });
    let autofill = !resumable && passkeys.as_ref().is_some_and(|p| p.allow_autofill);
    {
        let (ctx, advance) = (ctx.clone(), props.on_advance.clone());
        use_effect_with(autofill, move |on| {
            let shown = Rc::new(Cell::new(true));
            if *on {
                let shown = shown.clone();
                // Anything that makes a sign-in meanwhile (the form, "Forgot
                // password?", the button) cancels, and this one must not follow it:
                // the last sign-in made is the client's.
                let untouched = webauthn::cancellations();
                yew::platform::spawn_local(async move {
                    // Not at once: a card shown only for a moment (a redirect on its
                    // way) starts no sign-in. Nobody picks a suggestion that fast.
                    gloo_timers::future::TimeoutFuture::new(AUTOFILL_AFTER_MS).await;
                    let still = || shown.get() && webauthn::cancellations() == untouched;
                    if !still() || !webauthn::autofill_available().await || !still() {
                        return;
                    }
                    // Picked from the suggestions: signed in like the button's flow.
                    // Anything else (replaced by a submit, left) is no error to show.
                    if let Ok(sign_in) = ctx
                        .clerk
                        .authenticate_with_passkey(PasskeyFlow::Autofill)
                        .await
                    {
                        advance.emit(sign_in);
                    }
                });
            }
            move || {
                shown.set(false);
                webauthn::cancel_pending();
            }
        });
    }
    let with_passkey = passkeys.filter(|p| p.show_sign_in_button).map(|_| {
        let (form, ctx, advance) = (form.clone(), ctx.clone(), props.on_advance.clone());
        Callback::from(move |_: MouseEvent| {
            // The autofill's request (or its sign-in still being made) gives way.
            webauthn::cancel_pending();
            let (clerk, advance) = (ctx.clerk.clone(), advance.clone());
            form.submit(&ctx, async move {
                match clerk
                    .authenticate_with_passkey(PasskeyFlow::Discoverable)
                    .await
                {
                    Ok(sign_in) => advance.emit(sign_in),
                    Err(ClerkError::Passkey(PasskeyError::Aborted)) => {}
                    Err(e) => return Err(e),
                }
                Ok(())
            });
        })
    });
    let onsubmit = {
        let (identifier, password, form, ctx, advance) = (
            identifier.clone(),
            password.clone(),
            form.clone(),
            ctx.clone(),
            props.on_advance.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // A pending autofill request would answer a sign-in this one replaces.
            webauthn::cancel_pending();
            let with_password = !password.is_empty();
            let p = params::CreateSignIn {
                strategy: with_password.then_some(Strategy::Password),
                identifier: Some(identifier.trim().to_owned()),
                password: with_password.then(|| (*password).clone()),
                ..Default::default()
            };
            let (clerk, advance) = (ctx.clerk.clone(), advance.clone());
            form.submit(&ctx, async move {
                match clerk.create_sign_in(&p).await {
                    Ok(sign_in) => advance.emit(sign_in),
                    // Already signed in on this browser: use that session and go on.
                    Err(e) if e.is("session_exists") => {
                        if let Some(session) = e.api().and_then(|a| a.meta.session_id.clone()) {
                            clerk.set_active(&session).await?;
                        }
                    }
                    Err(e) => return Err(e),
                }
                Ok(())
            });
        })
    };
    // "Forgot password?" needs only the identifier: the sign-in starts with it.
    let forgot = {
        let (identifier, form, ctx, on_forgot) = (
            identifier.clone(),
            form.clone(),
            ctx.clone(),
            props.on_forgot.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            webauthn::cancel_pending();
            let p = params::CreateSignIn {
                identifier: Some(identifier.trim().to_owned()),
                ..Default::default()
            };
            let (clerk, on_forgot) = (ctx.clerk.clone(), on_forgot.clone());
            form.submit(&ctx, async move {
                on_forgot.emit(clerk.create_sign_in(&p).await?);
                Ok(())
            });
        })
    };
    let sign_up = {
        let (clerk, url, modals) = (
            ctx.clerk.clone(),
            props.sign_up_url.clone(),
            ctx.modals.clone(),
        );
        Callback::from(move |_| {
            // In a modal, the sign-up takes its place, with the same redirect options.
            if let Some(Modal::SignIn(o)) = clerk.state().modal {
                if modals.get(&Modal::SignUp(o.clone())).is_some() {
                    return clerk.open_sign_up(o);
                }
                clerk.close_modal();
            }
            let target = url
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_else(|| clerk.sign_up_url());
            clerk.navigate(&target);
        })
    };
    let app = ctx.state.application_name().to_owned();
    let footer = html! {
        <span>
            { ctx.t("signIn.start.actionText") }{ " " }
            <LinkButton label={ctx.t("signIn.start.actionLink")} onclick={sign_up} />
        </span>
    };
    html! {
        <Card title={ctx.t_with("signIn.start.title", &[("applicationName", &app)])}
              subtitle={ctx.t("signIn.start.subtitle")} {footer}>
            <Alert message={form.errors.global.clone().or_else(|| props.sso_error.clone())} />
            <SocialButtons redirect_url={props.sso_back.clone()}
                redirect_url_complete={props.sso_complete.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <Field name="identifier" {label} node_ref={first} required=true
                    kind={FieldKind::Text}
                    autocomplete={AttrValue::Static(if autofill { "username webauthn" } else { "username" })}
                    value={(*identifier).clone()}
                    oninput={let s = identifier.clone(); Callback::from(move |v| s.set(v))}
                    error={form.errors.field("identifier")} />
                <Field name="password" label={ctx.t("formFieldLabel__password")} required=true
                    kind={FieldKind::CurrentPassword}
                    value={(*password).clone()}
                    oninput={let s = password.clone(); Callback::from(move |v| s.set(v))}
                    error={form.errors.field("password")} />
                <LinkButton label={ctx.t("formFieldAction__forgotPassword")} onclick={forgot}
                    element="formFieldAction__forgotPassword" disabled={form.busy} />
                <SubmitButton label={ctx.t("formButtonPrimary")} busy={form.busy} />
            </form>
            if let Some(onclick) = with_passkey {
                <button type="button" class={classes!(ctx.class("button"), ctx.class("passkeyButton"))}
                    {onclick} disabled={form.busy}>
                    { ctx.t("signIn.start.actionLink__use_passkey") }
                </button>
            }
        </Card>
    }
}
