//! `<SignIn/>`: identifier and password, then — by itself — whatever the account
//! needs next: a first factor, the second factor when it has two-step verification,
//! then the session is made active and the user is sent on.

mod alternatives;
mod factor_one;
mod factor_two;
mod forgot_password;
mod new_password;
mod passkey;
mod recovery;
mod start;

use fapi_types::{SignIn as SignInResource, SignInFactor, SignInStatus};
use yew::prelude::*;

use crate::{
    components::{
        flow_route::{use_flow_route, Routing, SSO_CALLBACK, TASK_RESET_PASSWORD, TASK_SETUP_MFA},
        lazy::chunk,
        modal::InModal,
        session_task::{task_card, task_step},
        social::{sso_urls, SsoCallback, SsoCallbackProps},
        status::{activate, not_ready, use_leave_when_signed_in, LoadingCard},
    },
    context::use_clerk_context,
    factors::{alternatives, password_reset_factor, starting_first_factor, starting_second_factor},
    localization::{bring_english, en_us},
};

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    /// Always go here after signing in (wins over `redirect_url`).
    #[prop_or_default]
    pub force_redirect_url: Option<AttrValue>,
    /// Go here after signing in when the URL has no `redirect_url`.
    #[prop_or_default]
    pub fallback_redirect_url: Option<AttrValue>,
    /// Where "Sign up" leads (default: the provider's, then the instance's).
    #[prop_or_default]
    pub sign_up_url: Option<AttrValue>,
    /// Prefills the identifier.
    #[prop_or_default]
    pub initial_identifier: Option<AttrValue>,
    /// How the step is kept in the URL (default: `Path` with a `path`, else `Hash`).
    #[prop_or_default]
    pub routing: Option<Routing>,
    /// The page's own path, under which the steps live (`/sign-in/factor-two`).
    #[prop_or_default]
    pub path: Option<AttrValue>,
}

/// Where the flow stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Start,
    FirstFactor(SignInFactor),
    SecondFactor(SignInFactor),
    Alternatives {
        second: bool,
        current: SignInFactor,
    },
    /// "Forgot password?" on the password step (`current`): reset it, or sign in
    /// another way.
    ForgotPassword(SignInFactor),
    /// A reset code was right: choose the new password.
    NewPassword,
    /// "I lost access to my second factor", from the second factor `current`.
    Recovery(SignInFactor),
    /// Back from a provider: what the sign-in became is being found out.
    SsoCallback,
    Finishing,
}

/// The next step for a sign-in the server just answered with.
pub(crate) fn next_step(sign_in: &SignInResource, prefer_password: bool) -> Step {
    match sign_in.status {
        SignInStatus::Complete => Step::Finishing,
        // A new device proves itself as a second factor would (Device Trust).
        SignInStatus::NeedsSecondFactor | SignInStatus::NeedsClientTrust => sign_in
            .supported_second_factors
            .as_deref()
            .and_then(starting_second_factor)
            .map(|f| Step::SecondFactor(f.clone()))
            .unwrap_or(Step::Start),
        SignInStatus::NeedsFirstFactor => sign_in
            .supported_first_factors
            .as_deref()
            .and_then(|f| starting_first_factor(f, sign_in.identifier.as_deref(), prefer_password))
            .map(|f| Step::FirstFactor(f.clone()))
            .unwrap_or(Step::Start),
        SignInStatus::NeedsNewPassword => Step::NewPassword,
        _ => Step::Start,
    }
}

/// "Forgot password?" from the password factor `current`: the choice between a reset
/// and the other methods, or straight to the reset code when there is no other way;
/// `None` when the account offers no reset.
pub(crate) fn forgot_step(sign_in: &SignInResource, current: &SignInFactor) -> Option<Step> {
    let offered = sign_in
        .supported_first_factors
        .as_deref()
        .unwrap_or_default();
    let reset = password_reset_factor(offered, sign_in.identifier.as_deref())?;
    Some(if alternatives(offered, current).is_empty() {
        Step::FirstFactor(reset.clone())
    } else {
        Step::ForgotPassword(current.clone())
    })
}

/// The URL step of a flow step (`None`: stays where the URL is).
pub(crate) fn url_step(step: &Step, sign_in: Option<&SignInResource>) -> Option<&'static str> {
    match step {
        Step::Start => Some(""),
        Step::FirstFactor(_) => Some("factor-one"),
        Step::SecondFactor(_)
            if sign_in.is_some_and(|s| s.status == SignInStatus::NeedsClientTrust) =>
        {
            Some("client-trust")
        }
        Step::SecondFactor(_) => Some("factor-two"),
        Step::NewPassword => Some("reset-password"),
        Step::Alternatives { .. }
        | Step::ForgotPassword(_)
        | Step::Recovery(_)
        | Step::SsoCallback
        | Step::Finishing => None,
    }
}

/// The step to show at URL step `at`: the one the user chose when it belongs there,
/// else (a reload, Back or Forward) the one the sign-in in progress calls for there,
/// else the first screen.
pub(crate) fn shown_step(
    at: &str,
    chosen: &Step,
    sign_in: Option<&SignInResource>,
    prefer_password: bool,
) -> Step {
    let second = match (at, chosen) {
        (_, Step::Finishing) => return Step::Finishing,
        (SSO_CALLBACK, _) => return Step::SsoCallback,
        ("reset-password", _) => {
            return match sign_in {
                Some(s) if s.status == SignInStatus::NeedsNewPassword => Step::NewPassword,
                _ => Step::Start,
            }
        }
        ("factor-one", _) => false,
        ("factor-two" | "client-trust", _) => true,
        _ => return Step::Start,
    };
    let belongs = match chosen {
        Step::FirstFactor(_) | Step::ForgotPassword(_) => !second,
        Step::SecondFactor(_) | Step::Recovery(_) => second,
        Step::Alternatives { second: s, .. } => *s == second,
        _ => false,
    };
    if belongs {
        return chosen.clone();
    }
    let resumed = sign_in.map(|s| next_step(s, prefer_password));
    match resumed {
        Some(s @ Step::FirstFactor(_)) if !second => s,
        Some(s @ Step::SecondFactor(_)) if second => s,
        _ => Step::Start,
    }
}

/// The sign-in card. Put it on your sign-in page.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
///
/// #[component]
/// fn SignInPage() -> Html {
///     html! { <SignIn fallback_redirect_url="/dashboard" /> }
/// }
/// ```
///
/// Each step has its URL, as in Clerk (`factor-one`, `factor-two`, `client-trust`,
/// `tasks/setup-mfa`), so reloading or pressing Back keeps the user where they were.
/// See [`Routing`].
#[component]
pub fn SignIn(props: &SignInProps) -> Html {
    let ctx = use_clerk_context();
    let finish_error = use_state(|| None::<String>);
    // Why a sign-in with a provider did not work, shown on the first screen.
    let sso_error = use_state(|| None::<String>);
    let chosen = use_state(|| Step::Start);
    let route = use_flow_route(
        Routing::resolve(props.routing, props.path.as_deref()),
        props.path.clone(),
    );
    let in_modal = use_context::<InModal>().is_some();
    let task_done = {
        let force = props.force_redirect_url.clone();
        let fallback = props.fallback_redirect_url.clone();
        use_leave_when_signed_in(move |clerk| {
            if in_modal {
                clerk.after_modal_sign_in(force.as_deref(), fallback.as_deref())
            } else {
                clerk.forced_or_after_sign_in(force.as_deref(), fallback.as_deref())
            }
        })
    };
    let prefer_password = ctx
        .state
        .environment
        .as_deref()
        .is_none_or(|e| e.display_config.preferred_sign_in_strategy != "otp");
    let sign_in = ctx.state.sign_in().cloned();
    let step = shown_step(&route.step, &chosen, sign_in.as_ref(), prefer_password);
    // The URL names the step shown: a stale or unknown one is corrected in place.
    let wanted = if task_done.is_some() {
        Some(task_step(&ctx))
    } else if !ctx.state.loaded || ctx.state.is_signed_in() && !ctx.state.is_multi_session() {
        None
    } else {
        url_step(&step, sign_in.as_ref())
    };
    {
        let route = route.clone();
        use_effect_with((wanted, route.step.clone()), move |(wanted, _)| {
            match *wanted {
                // Entering the task is a step forward (Back returns to the sign-in).
                Some(w @ (TASK_SETUP_MFA | TASK_RESET_PASSWORD)) => route.push(w),
                Some(w) => route.replace(w),
                None => {}
            }
        });
    }
    if let Some(done) = task_done {
        return task_card(&ctx, done);
    }
    if let Some(card) = not_ready(&ctx) {
        return card;
    }

    let advance = {
        let (chosen, finish_error, ctx, route) = (
            chosen.clone(),
            finish_error.clone(),
            ctx.clone(),
            route.clone(),
        );
        Callback::from(move |sign_in: SignInResource| {
            let next = next_step(&sign_in, prefer_password);
            if next == Step::Finishing {
                if let Some(session) = sign_in.created_session_id.clone() {
                    activate(&ctx, session, &finish_error);
                }
            }
            if let Some(at) = url_step(&next, Some(&sign_in)) {
                route.push(at);
            }
            chosen.set(next);
        })
    };
    // "Forgot password?" on the first card: the sign-in has just been made with the
    // identifier alone.
    let forgot = {
        let (chosen, route, advance) = (chosen.clone(), route.clone(), advance.clone());
        Callback::from(move |sign_in: SignInResource| {
            let password = SignInFactor::bare(fapi_types::Strategy::Password);
            match forgot_step(&sign_in, &password) {
                Some(step) => {
                    route.push("factor-one");
                    chosen.set(step);
                }
                None => advance.emit(sign_in),
            }
        })
    };
    // Back from a provider: the account's factor, a sign-up for someone new, or the
    // first screen again.
    let resume = {
        let (chosen, route) = (chosen.clone(), route.clone());
        Callback::from(move |sign_in: SignInResource| {
            let next = next_step(&sign_in, prefer_password);
            route.replace(url_step(&next, Some(&sign_in)).unwrap_or(""));
            chosen.set(next);
        })
    };
    let continue_sign_up = {
        let clerk = ctx.clerk.clone();
        let url = props.sign_up_url.clone();
        Callback::from(move |sign_up: fapi_types::SignUp| {
            let page = url
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_else(|| clerk.sign_up_url());
            let step = if sign_up
                .unverified_fields
                .iter()
                .any(|f| f == "phone_number")
            {
                "verify-phone-number"
            } else {
                "verify-email-address"
            };
            clerk.navigate(&format!("{page}#/{step}"));
        })
    };
    let sso_done = {
        let (chosen, route, sso_error) = (chosen.clone(), route.clone(), sso_error.clone());
        Callback::from(move |error: Option<String>| {
            sso_error.set(error);
            route.replace("");
            chosen.set(Step::Start);
        })
    };
    let (sso_back, sso_complete) = sso_urls(
        &route,
        props
            .path
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| ctx.clerk.sign_in_url()),
        in_modal.then(|| {
            ctx.clerk.after_modal_sign_in(
                props.force_redirect_url.as_deref(),
                props.fallback_redirect_url.as_deref(),
            )
        }),
    );
    let choose = {
        let (chosen, route, sign_in) = (chosen.clone(), route.clone(), sign_in.clone());
        Callback::from(move |s: Step| {
            if let Some(at) = url_step(&s, sign_in.as_ref()) {
                route.push(at);
            }
            chosen.set(s)
        })
    };
    match (step, sign_in) {
        (Step::FirstFactor(factor) | Step::SecondFactor(factor), Some(si))
            if factor.strategy == fapi_types::Strategy::Passkey =>
        {
            let second = matches!(
                si.status,
                SignInStatus::NeedsSecondFactor | SignInStatus::NeedsClientTrust
            );
            later(Later::Passkey(passkey::PasskeyStepProps {
                factor,
                sign_in: si,
                second,
                on_advance: advance,
                on_choose: choose,
            }))
        }
        (Step::FirstFactor(factor), Some(si)) => {
            later(Later::FactorOne(factor_one::FactorOneProps {
                factor,
                sign_in: si,
                on_advance: advance,
                on_choose: choose,
            }))
        }
        (Step::SecondFactor(factor), Some(si)) => {
            later(Later::FactorTwo(factor_two::FactorTwoProps {
                factor,
                sign_in: si,
                on_advance: advance,
                on_choose: choose,
            }))
        }
        (Step::Alternatives { second, current }, Some(si)) => {
            later(Later::Alternatives(alternatives::AlternativesProps {
                second,
                current,
                sign_in: si,
                on_choose: choose,
            }))
        }
        (Step::ForgotPassword(current), Some(si)) => later(Later::ForgotPassword(
            forgot_password::ForgotPasswordProps {
                current,
                sign_in: si,
                on_choose: choose,
            },
        )),
        (Step::Recovery(current), Some(si)) => later(Later::Recovery(recovery::RecoveryProps {
            current,
            sign_in: si,
            on_advance: advance,
            on_choose: choose,
        })),
        (Step::NewPassword, Some(si)) => {
            later(Later::NewPassword(new_password::NewPasswordProps {
                sign_in: si,
                on_advance: advance,
                on_choose: choose,
            }))
        }
        (Step::Finishing, _) => html! { <LoadingCard error={(*finish_error).clone()} /> },
        (Step::SsoCallback, _) => later(Later::SsoCallback(SsoCallbackProps {
            on_sign_in: resume,
            on_sign_up: continue_sign_up,
            on_done: sso_done,
        })),
        _ => html! {
            <start::Start
                on_advance={advance}
                on_forgot={forgot}
                initial_identifier={props.initial_identifier.clone()}
                sign_up_url={props.sign_up_url.clone()}
                {sso_back}
                {sso_complete}
                sso_error={(*sso_error).clone()}
            />
        },
    }
}

/// The cards after the first one: in a split build, one chunk that the first card
/// fetches in the background.
#[derive(Clone, PartialEq)]
pub(crate) enum Later {
    Passkey(passkey::PasskeyStepProps),
    FactorOne(factor_one::FactorOneProps),
    FactorTwo(factor_two::FactorTwoProps),
    Alternatives(alternatives::AlternativesProps),
    ForgotPassword(forgot_password::ForgotPasswordProps),
    Recovery(recovery::RecoveryProps),
    NewPassword(new_password::NewPasswordProps),
    /// Back from a provider: never the first card a visitor sees.
    SsoCallback(SsoCallbackProps),
}

fn later(step: Later) -> Html {
    LATER_STEPS.render(step)
}

fn draw_later(step: &Later) -> Html {
    bring_english(en_us::SIGN_IN_STEPS);
    match step.clone() {
        Later::Passkey(p) => html! { <passkey::PasskeyStep ..p /> },
        Later::FactorOne(p) => html! { <factor_one::FactorOne ..p /> },
        Later::FactorTwo(p) => html! { <factor_two::FactorTwo ..p /> },
        Later::Alternatives(p) => html! { <alternatives::Alternatives ..p /> },
        Later::ForgotPassword(p) => html! { <forgot_password::ForgotPassword ..p /> },
        Later::Recovery(p) => html! { <recovery::Recovery ..p /> },
        Later::NewPassword(p) => html! { <new_password::NewPassword ..p /> },
        Later::SsoCallback(p) => html! { <SsoCallback ..p /> },
    }
}

chunk! {
    static LATER_STEPS: Later = sign_in_steps => draw_later
}

#[cfg(test)]
mod tests {
    use fapi_types::Strategy;

    use super::*;

    fn sign_in(
        status: SignInStatus,
        first: Vec<SignInFactor>,
        second: Option<Vec<SignInFactor>>,
    ) -> SignInResource {
        SignInResource {
            object: "sign_in_attempt".into(),
            id: "sia_1".into(),
            status,
            supported_identifiers: vec![],
            supported_first_factors: Some(first),
            supported_second_factors: second,
            first_factor_verification: None,
            second_factor_verification: None,
            identifier: Some("a@b.co".into()),
            user_data: None,
            created_session_id: None,
            abandon_at: 0,
            client_trust_state: None,
            account_recovery: None,
        }
    }

    #[test]
    fn a_new_device_opens_with_the_primary_email_code() {
        let email = SignInFactor {
            email_address_id: Some("idn_e".into()),
            primary: Some(true),
            ..SignInFactor::bare(Strategy::EmailCode)
        };
        let phone = SignInFactor {
            phone_number_id: Some("idn_p".into()),
            default: Some(false),
            ..SignInFactor::bare(Strategy::PhoneCode)
        };
        let si = sign_in(
            SignInStatus::NeedsClientTrust,
            vec![],
            Some(vec![email.clone(), phone]),
        );
        assert_eq!(next_step(&si, true), Step::SecondFactor(email));
    }

    /// A sign-in waiting for an SMS code to its one phone.
    fn waiting_for_sms() -> (SignInFactor, SignInResource) {
        let phone = SignInFactor {
            phone_number_id: Some("idn_1".into()),
            ..SignInFactor::bare(Strategy::PhoneCode)
        };
        let si = sign_in(
            SignInStatus::NeedsSecondFactor,
            vec![],
            Some(vec![phone.clone()]),
        );
        (phone, si)
    }

    #[test]
    fn the_url_step_resumes_the_sign_in_in_progress() {
        let (phone, si) = waiting_for_sms();
        // A reload on factor-two: nothing chosen yet, the sign-in says which factor.
        let reloaded = shown_step("factor-two", &Step::Start, Some(&si), true);
        assert_eq!(reloaded, Step::SecondFactor(phone.clone()));
        assert_eq!(url_step(&reloaded, Some(&si)), Some("factor-two"));
        // Back to the first screen while the code step was chosen.
        assert_eq!(
            shown_step("", &Step::SecondFactor(phone.clone()), Some(&si), true),
            Step::Start
        );
        // A step the sign-in is not at, or no sign-in at all: the first screen.
        assert_eq!(
            shown_step("factor-one", &Step::Start, Some(&si), true),
            Step::Start
        );
        assert_eq!(
            shown_step("factor-two", &Step::Start, None, true),
            Step::Start
        );
        assert_eq!(
            shown_step("nonsense", &Step::Start, Some(&si), true),
            Step::Start
        );
        // What the user chose on this step stays (another method, the alternatives).
        let alternatives = Step::Alternatives {
            second: true,
            current: phone,
        };
        assert_eq!(
            shown_step("factor-two", &alternatives, Some(&si), true),
            alternatives
        );
        assert_eq!(url_step(&alternatives, Some(&si)), None);
    }

    #[test]
    fn a_right_reset_code_leads_to_the_new_password_form() {
        let si = sign_in(SignInStatus::NeedsNewPassword, vec![], None);
        assert_eq!(next_step(&si, true), Step::NewPassword);
        assert_eq!(
            url_step(&Step::NewPassword, Some(&si)),
            Some("reset-password")
        );
        // A reload keeps the form while the sign-in waits for the password, and only then.
        assert_eq!(
            shown_step("reset-password", &Step::Start, Some(&si), true),
            Step::NewPassword
        );
        let (_, other) = waiting_for_sms();
        assert_eq!(
            shown_step("reset-password", &Step::Start, Some(&other), true),
            Step::Start
        );
    }

    /// Real Clerk's answer (recorded, `types/tests/clerk-json`): "Forgot password?"
    /// offers its `reset_password_email_code` factor, beside the other ways in.
    #[test]
    fn forgot_password_works_with_real_clerks_factors() {
        let recorded: serde_json::Value = serde_json::from_str(include_str!(
            "../../../types/tests/clerk-json/fixtures/rec-sign-in-needs-first-factor.json"
        ))
        .unwrap();
        let si: SignInResource = serde_json::from_value(recorded["response"].clone()).unwrap();
        let password = SignInFactor::bare(Strategy::Password);
        assert_eq!(
            forgot_step(&si, &password),
            Some(Step::ForgotPassword(password.clone()))
        );
        let offered = si.supported_first_factors.clone().unwrap();
        let reset =
            crate::factors::password_reset_factor(&offered, si.identifier.as_deref()).unwrap();
        assert_eq!(reset.strategy, Strategy::ResetPasswordEmailCode);
        assert_eq!(reset.email_address_id.as_deref(), Some("IDENTIFIER_ID"));
        // The reset is never among "Use another method".
        assert!(crate::factors::alternatives(&offered, &password)
            .iter()
            .all(|f| !f.strategy.is_password_reset()));
        // With no other way in, the reset code opens at once.
        let only = SignInResource {
            supported_first_factors: Some(vec![password.clone(), reset.clone()]),
            ..si.clone()
        };
        assert_eq!(
            forgot_step(&only, &password),
            Some(Step::FirstFactor(reset.clone()))
        );
    }

    /// Against real Clerk, which has no account recovery: its `needs_second_factor`
    /// answer (Clerk's documented shape) carries no `account_recovery`, so "I lost access
    /// to my second factor" is never offered, and the second factor opens as usual.
    #[test]
    fn real_clerk_offers_no_account_recovery() {
        use fapi_types::FromJson;
        let recorded: serde_json::Value = serde_json::from_str(include_str!(
            "../../../types/tests/clerk-json/fixtures/spec-sign-in-needs-second-factor.json"
        ))
        .unwrap();
        let response = recorded.get("response").unwrap_or(&recorded).clone();
        let si = SignInResource::from_json(response).unwrap();
        assert_eq!(si.status, SignInStatus::NeedsSecondFactor);
        assert!(si.account_recovery.is_none());
        assert!(matches!(next_step(&si, true), Step::SecondFactor(_)));
    }

    /// Back from a provider, the way-back step stays up (whatever was chosen before
    /// the trip, and with no sign-in loaded yet) until it knows what comes next; it
    /// leaves the URL as it is.
    #[test]
    fn the_way_back_from_a_provider_is_its_own_step() {
        let (phone, si) = waiting_for_sms();
        for chosen in [Step::Start, Step::SecondFactor(phone)] {
            for sign_in in [None, Some(&si)] {
                let step = shown_step("sso-callback", &chosen, sign_in, true);
                assert_eq!(step, Step::SsoCallback);
                assert_eq!(url_step(&step, sign_in), None);
            }
        }
        // Once it has sent the flow on, the step it chose is shown.
        assert_eq!(
            shown_step("factor-two", &Step::Start, Some(&si), true),
            next_step(&si, true)
        );
    }

    #[test]
    fn a_new_device_step_is_named_client_trust() {
        let email = SignInFactor::bare(Strategy::EmailCode);
        let si = sign_in(
            SignInStatus::NeedsClientTrust,
            vec![],
            Some(vec![email.clone()]),
        );
        let step = shown_step("client-trust", &Step::Start, Some(&si), true);
        assert_eq!(step, Step::SecondFactor(email));
        assert_eq!(url_step(&step, Some(&si)), Some("client-trust"));
    }

    #[test]
    fn the_second_factor_step_opens_by_itself() {
        let (phone, si) = waiting_for_sms();
        assert_eq!(next_step(&si, true), Step::SecondFactor(phone));
        let done = sign_in(SignInStatus::Complete, vec![], None);
        assert_eq!(next_step(&done, true), Step::Finishing);
        let pw = sign_in(
            SignInStatus::NeedsFirstFactor,
            vec![SignInFactor::bare(Strategy::Password)],
            None,
        );
        assert_eq!(
            next_step(&pw, true),
            Step::FirstFactor(SignInFactor::bare(Strategy::Password))
        );
    }
}
