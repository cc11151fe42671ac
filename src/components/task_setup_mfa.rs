//! `<TaskSetupMfa/>`: the `setup-mfa` session task. When the instance requires
//! two-step verification, a user without it signs in to a *pending* session that
//! can only set one up; this card does that, shows the backup codes, then sends the
//! user on. `<SignIn/>` and `<SignUp/>` show it by themselves; put it on its own
//! page with the provider's `task_urls`.

use yew::{platform::spawn_local, prelude::*};

use super::{
    status::LoadingCard,
    ui::LinkButton,
    user_profile::{
        email_second_factor::EmailCodeSection, passkeys::AddPasskey, security::MfaSection,
        two_step::AuthenticatorApp,
    },
};
use crate::{
    context::use_clerk_context,
    localization::{bring_english, en_us},
};

#[derive(Properties, PartialEq)]
pub struct TaskSetupMfaProps {
    /// Where to go once a second factor is on (default: the after-sign-in target).
    #[prop_or_default]
    pub redirect_url_complete: Option<AttrValue>,
}

#[derive(Clone, Copy, PartialEq)]
enum Method {
    Passkey,
    App,
    Sms,
    Email,
}

/// Sets up a second factor for a pending session, then goes on.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// // With `task_urls={TaskUrls { setup_mfa: Some("/setup-mfa".into()), ..Default::default() }}`:
/// #[component]
/// fn SetupMfaPage() -> Html {
///     html! { <TaskSetupMfa redirect_url_complete="/dashboard" /> }
/// }
/// ```
#[component]
pub fn TaskSetupMfa(props: &TaskSetupMfaProps) -> Html {
    // Its sections are the profile's, and so are their strings; an app may show this
    // card on a page of its own, outside any chunk that brings them.
    bring_english(en_us::PROFILE);
    let ctx = use_clerk_context();
    let pending = ctx.state.is_pending();
    // Once started, the card stays until its backup codes are put away, even though
    // the session turns active the moment the factor is on.
    let started = use_state(|| pending);
    let finished = use_state(|| false);
    let method = use_state(|| None::<Method>);
    {
        let started = started.clone();
        use_effect_with(pending, move |pending| {
            if *pending {
                started.set(true);
            }
        });
    }
    let target = {
        let clerk = ctx.clerk.clone();
        let explicit = props.redirect_url_complete.clone();
        move || clerk.forced_or_after_sign_in(explicit.as_deref(), None)
    };
    {
        let (clerk, target) = (ctx.clerk.clone(), target.clone());
        let loaded = ctx.state.loaded;
        let signed_in = ctx.state.is_signed_in();
        let go_on = loaded && signed_in && !pending && (!*started || *finished);
        let to_sign_in = loaded && !signed_in && !*finished;
        use_effect_with((go_on, to_sign_in), move |(go_on, to_sign_in)| {
            if *go_on {
                clerk.navigate(&target());
            } else if *to_sign_in {
                clerk.navigate(&clerk.build_sign_in_url(None));
            }
        });
    }
    let user = ctx.state.user().cloned();
    let (Some(user), true) = (user, ctx.state.loaded && *started && !*finished) else {
        return html! { <LoadingCard /> };
    };

    let app = ctx.state.offers_second_factor("totp");
    let sms = ctx.state.offers_second_factor("phone_code");
    let email = ctx.state.offers_second_factor("email_code");
    // A passkey is a second factor too, where the instance offers passkeys and this
    // browser can make one.
    let passkey = ctx
        .state
        .environment
        .as_deref()
        .is_some_and(|e| e.user_settings.enabled("passkey").is_some())
        && crate::factors::supported(&fapi_types::Strategy::Passkey);
    let offered = usize::from(passkey) + usize::from(app) + usize::from(sms) + usize::from(email);
    let chosen = match *method {
        Some(m) => Some(m),
        None if offered == 1 && passkey => Some(Method::Passkey),
        None if offered == 1 && app => Some(Method::App),
        None if offered == 1 && sms => Some(Method::Sms),
        None if offered == 1 && email => Some(Method::Email),
        None => None,
    };
    let on_enabled = {
        let finished = finished.clone();
        Callback::from(move |_| finished.set(true))
    };
    let sign_out = {
        let clerk = ctx.clerk.clone();
        Callback::from(move |_| {
            let clerk = clerk.clone();
            spawn_local(async move {
                let _ = clerk.sign_out_and_redirect().await;
            });
        })
    };
    let choose = |m: Method, key: &str, element: &str| {
        let method = method.clone();
        html! {
            <button type="button" class={classes!(ctx.class("button"), ctx.class("alternativeMethodsBlockButton"), format!("cl-{element}"))}
                onclick={Callback::from(move |_| method.set(Some(m)))}>
                { ctx.t(key) }
            </button>
        }
    };
    let app_name = ctx
        .state
        .environment
        .as_deref()
        .map(|e| e.display_config.application_name.clone())
        .unwrap_or_default();
    html! {
        <div class={ctx.class("rootBox")} lang={ctx.localization.locale()}>
            <div class={classes!(ctx.class("card"), ctx.class("taskSetupMfa"))}>
                <div class={ctx.class("header")}>
                    <h1 class={ctx.class("headerTitle")}>{ ctx.t("taskSetupMfa.start.title") }</h1>
                    <p class={ctx.class("headerSubtitle")}>
                        { ctx.t_with("taskSetupMfa.start.subtitle", &[("applicationName", &app_name)]) }
                    </p>
                </div>
                {
                    match chosen {
                        Some(Method::Passkey) => html! {
                            <div class={ctx.class("mfaAdd")} data-section="passkeys">
                                <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.start.passkeysSection.subtitle") }</p>
                                <AddPasskey on_added={on_enabled.clone()} />
                            </div>
                        },
                        Some(Method::App) => html! { <AuthenticatorApp user={user.clone()} on_enabled={on_enabled.clone()} autostart=true /> },
                        Some(Method::Sms) => html! { <MfaSection user={user.clone()} on_enabled={on_enabled.clone()} autostart=true /> },
                        Some(Method::Email) => html! { <EmailCodeSection user={user.clone()} on_enabled={on_enabled.clone()} autostart=true /> },
                        None => html! {
                            <div class={ctx.class("alternativeMethods")}>
                                if passkey {
                                    { choose(Method::Passkey, "taskSetupMfa.start.methodSelection.passkey", "setupMfaPasskey") }
                                }
                                if app {
                                    { choose(Method::App, "taskSetupMfa.start.methodSelection.totp", "setupMfaTotp") }
                                }
                                if sms {
                                    { choose(Method::Sms, "taskSetupMfa.start.methodSelection.phoneCode", "setupMfaPhoneCode") }
                                }
                                if email {
                                    { choose(Method::Email, "taskSetupMfa.start.methodSelection.emailCode", "setupMfaEmailCode") }
                                }
                            </div>
                        },
                    }
                }
                <div class={ctx.class("footer")}>
                    if chosen.is_some() && offered > 1 {
                        <LinkButton label={ctx.t("taskSetupMfa.start.otherMethod")}
                            onclick={let m = method.clone(); Callback::from(move |_| m.set(None))} />
                    }
                    <LinkButton label={ctx.t("taskSetupMfa.signOut")} onclick={sign_out} />
                </div>
            </div>
        </div>
    }
}
