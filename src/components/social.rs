//! Sign-in with a provider: a "Continue with …" button per provider the instance
//! offers, the flows' way back from it (their `sso-callback` step), and
//! `<AuthenticateWithRedirectCallback/>` for a page of its own.

use fapi_types::{Environment, SignIn, SignUp, Strategy};
use yew::{platform::spawn_local, prelude::*};

use crate::{
    clerk::RedirectOutcome,
    components::{
        flow_route::{FlowRoute, SSO_CALLBACK},
        status::LoadingCard,
        ui::{provider_logo, use_form, Alert, Card, LinkButton},
    },
    context::use_clerk_context,
    webauthn,
};

/// The providers people may sign in with here, as `(strategy, name)`.
pub(crate) fn offered_providers(env: Option<&Environment>) -> Vec<(String, String)> {
    let Some(env) = env else {
        return Vec::new();
    };
    env.user_settings
        .social
        .iter()
        .filter(|(_, s)| s.enabled && s.authenticatable && !s.not_selectable)
        .map(|(key, s)| {
            let strategy = if s.strategy.is_empty() {
                key
            } else {
                &s.strategy
            };
            let name = if s.name.is_empty() {
                strategy.trim_start_matches("oauth_").to_owned()
            } else {
                s.name.clone()
            };
            (strategy.clone(), name)
        })
        .collect()
}

/// Where a provider sends a flow back: its own `sso-callback` step, or (in a modal,
/// which no URL holds) `page`'s `#/sso-callback`. And where, when that signed someone
/// in at once: `modal_after` in a modal, else the same step, which goes on as the
/// flow would after a password.
pub(crate) fn sso_urls(
    route: &FlowRoute,
    page: String,
    modal_after: Option<String>,
) -> (AttrValue, AttrValue) {
    let back = route.url_of(SSO_CALLBACK).unwrap_or_else(|| {
        let page = page.split('#').next().unwrap_or_default();
        format!("{page}#/{SSO_CALLBACK}")
    });
    let complete = modal_after.unwrap_or_else(|| back.clone());
    (back.into(), complete.into())
}

#[derive(Properties, PartialEq)]
pub(crate) struct SocialButtonsProps {
    /// Where the provider sends the browser back.
    pub redirect_url: AttrValue,
    /// Where it goes when that signed someone in at once.
    pub redirect_url_complete: AttrValue,
}

/// A button per provider, then "or" above the form; nothing when there is none.
#[component]
pub(crate) fn SocialButtons(props: &SocialButtonsProps) -> Html {
    let ctx = use_clerk_context();
    let form = use_form(&[]);
    let providers = offered_providers(ctx.state.environment.as_deref());
    if providers.is_empty() {
        return html! {};
    }
    let buttons = providers.into_iter().map(|(strategy, name)| {
        let onclick = {
            let (ctx, form) = (ctx.clone(), form.clone());
            let (back, complete) = (
                props.redirect_url.clone(),
                props.redirect_url_complete.clone(),
            );
            let strategy = strategy.clone();
            Callback::from(move |_: MouseEvent| {
                // The passkey autofill's sign-in, made meanwhile, would replace this
                // one as the client's: back from the provider, nothing to finish.
                webauthn::cancel_pending();
                let clerk = ctx.clerk.clone();
                let (strategy, back, complete) = (strategy.clone(), back.clone(), complete.clone());
                form.submit(&ctx, async move {
                    clerk
                        .authenticate_with_redirect(
                            Strategy::from(strategy.as_str()),
                            &back,
                            &complete,
                        )
                        .await
                });
            })
        };
        html! {
            <button type="button" key={strategy.clone()} {onclick} disabled={form.busy}
                class={classes!(ctx.class("button"), ctx.class("socialButtonsBlockButton"))}
                data-provider={strategy.clone()}>
                { provider_logo(&strategy, &name) }
                <span>{ ctx.t_with("socialButtonsBlockButton", &[("provider", &name)]) }</span>
            </button>
        }
    });
    html! {
        <>
            <Alert message={form.errors.global.clone()} />
            <div class={ctx.class("socialButtons")}>{ for buttons }</div>
            <div class={ctx.class("dividerRow")}>
                <span class={ctx.class("dividerLine")}></span>
                <p class={ctx.class("dividerText")}>{ ctx.t("dividerText") }</p>
                <span class={ctx.class("dividerLine")}></span>
            </div>
        </>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub(crate) struct SsoCallbackProps {
    /// The sign-in needs a factor next (the account's second factor).
    pub on_sign_in: Callback<SignIn>,
    /// Someone new, whose sign-up needs more (an email code).
    pub on_sign_up: Callback<SignUp>,
    /// Nothing more to do here: back to the first screen, with why (if it failed).
    pub on_done: Callback<Option<String>>,
}

/// A flow's way back from a provider: finishes what can be, and hands the rest to
/// the flow (a signed-in session is taken on by the flow itself).
#[component]
pub(crate) fn SsoCallback(props: &SsoCallbackProps) -> Html {
    let ctx = use_clerk_context();
    {
        let ctx = ctx.clone();
        let (on_sign_in, on_sign_up, on_done) = (
            props.on_sign_in.clone(),
            props.on_sign_up.clone(),
            props.on_done.clone(),
        );
        use_effect_with((), move |_| {
            spawn_local(async move {
                match ctx.clerk.handle_redirect_callback().await {
                    Ok(RedirectOutcome::SignedIn | RedirectOutcome::SignedUp) => {}
                    Ok(RedirectOutcome::SecondFactor(si) | RedirectOutcome::FirstFactor(si)) => {
                        on_sign_in.emit(*si)
                    }
                    Ok(RedirectOutcome::ContinueSignUp(su)) => on_sign_up.emit(*su),
                    Ok(RedirectOutcome::Nothing) => on_done.emit(None),
                    Ok(RedirectOutcome::Failed(e)) | Err(e) => {
                        on_done.emit(Some(ctx.error_text(&e)))
                    }
                }
            });
        });
    }
    html! { <LoadingCard /> }
}

#[derive(Properties, PartialEq)]
pub struct AuthenticateWithRedirectCallbackProps {
    /// After signing in, when the URL has no `redirect_url` (default: the
    /// provider's `after_sign_in`, then `/`).
    #[prop_or_default]
    pub sign_in_fallback_redirect_url: Option<AttrValue>,
    /// After signing up someone new (default: `sign_in_fallback_redirect_url`, then
    /// the provider's `after_sign_up`).
    #[prop_or_default]
    pub sign_up_fallback_redirect_url: Option<AttrValue>,
    /// Where the account's second factor is asked (default: the sign-in page's
    /// `#/factor-two`).
    #[prop_or_default]
    pub second_factor_url: Option<AttrValue>,
    /// Where a new person's sign-up goes on when it needs more (default: the
    /// sign-up page, at its email code).
    #[prop_or_default]
    pub continue_sign_up_url: Option<AttrValue>,
}

/// The page a provider sends the browser back to, for a custom flow (the
/// `redirect_url` of [`SignInHandle::authenticate_with_redirect`]); `<SignIn/>` and
/// `<SignUp/>` need none, they come back to their own `sso-callback` step.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
///
/// #[component]
/// fn SsoCallbackPage() -> Html {
///     html! { <AuthenticateWithRedirectCallback sign_in_fallback_redirect_url="/dashboard" /> }
/// }
/// ```
///
/// [`SignInHandle::authenticate_with_redirect`]: crate::hooks::SignInHandle::authenticate_with_redirect
#[component]
pub fn AuthenticateWithRedirectCallback(props: &AuthenticateWithRedirectCallbackProps) -> Html {
    let ctx = use_clerk_context();
    let failed = use_state(|| None::<String>);
    let loaded = ctx.state.loaded;
    {
        let (ctx, failed) = (ctx.clone(), failed.clone());
        let after_in = props.sign_in_fallback_redirect_url.clone();
        let after_up = props
            .sign_up_fallback_redirect_url
            .clone()
            .or(after_in.clone());
        let second = props.second_factor_url.clone();
        let continue_up = props.continue_sign_up_url.clone();
        use_effect_with(loaded, move |loaded| {
            if *loaded {
                spawn_local(async move {
                    let clerk = &ctx.clerk;
                    let in_hash = |url: String, step: &str| {
                        if url.contains('#') {
                            url
                        } else {
                            format!("{url}#/{step}")
                        }
                    };
                    match clerk.handle_redirect_callback().await {
                        Ok(RedirectOutcome::SignedIn) => clerk
                            .navigate(&clerk.forced_or_after_sign_in(None, after_in.as_deref())),
                        Ok(RedirectOutcome::SignedUp) => clerk
                            .navigate(&clerk.forced_or_after_sign_up(None, after_up.as_deref())),
                        Ok(RedirectOutcome::SecondFactor(_)) => clerk.navigate(
                            &second
                                .map(|u| u.to_string())
                                .unwrap_or_else(|| in_hash(clerk.sign_in_url(), "factor-two")),
                        ),
                        Ok(RedirectOutcome::FirstFactor(_)) => {
                            clerk.navigate(&in_hash(clerk.sign_in_url(), "factor-one"))
                        }
                        Ok(RedirectOutcome::ContinueSignUp(_)) => {
                            clerk.navigate(&continue_up.map(|u| u.to_string()).unwrap_or_else(
                                || in_hash(clerk.sign_up_url(), "verify-email-address"),
                            ))
                        }
                        Ok(RedirectOutcome::Nothing) => clerk.navigate(&clerk.sign_in_url()),
                        Ok(RedirectOutcome::Failed(e)) | Err(e) => {
                            failed.set(Some(ctx.error_text(&e)))
                        }
                    }
                });
            }
        });
    }
    let Some(message) = (*failed).clone() else {
        return html! { <LoadingCard /> };
    };
    let back = {
        let clerk = ctx.clerk.clone();
        Callback::from(move |_| clerk.navigate(&clerk.sign_in_url()))
    };
    let footer = html! {
        <LinkButton label={ctx.t("signIn.sso.backToSignIn")} onclick={back} />
    };
    html! {
        <Card title={ctx.t("signIn.sso.failedTitle")} {footer}>
            <Alert message={Some(message)} />
        </Card>
    }
}

#[cfg(test)]
mod tests {
    use fapi_types::{Environment, FromJson};

    use super::offered_providers;

    /// Real Clerk's environment (recorded, `types/tests/clerk-json`): a button for
    /// each enabled provider, named as Clerk names it; a disabled one has none.
    #[test]
    fn real_clerks_enabled_providers_get_a_button() {
        let recorded: serde_json::Value = serde_json::from_str(include_str!(
            "../../types/tests/clerk-json/fixtures/rec-environment-mfa-instance.json"
        ))
        .unwrap();
        let response = recorded.get("response").unwrap_or(&recorded).clone();
        let env = Environment::from_json(response).unwrap();
        let offered = offered_providers(Some(&env));
        assert!(offered.contains(&("oauth_apple".to_owned(), "Apple".to_owned())));
        assert!(offered.contains(&("oauth_box".to_owned(), "Box".to_owned())));
        assert!(!offered.iter().any(|(s, _)| s == "oauth_custom_spung"));
        let enabled = env
            .user_settings
            .social
            .values()
            .filter(|s| s.enabled)
            .count();
        assert_eq!(offered.len(), enabled);
        assert!(offered_providers(None).is_empty());
    }
}
