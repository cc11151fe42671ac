//! `<SignIn/>`: identifier and password, then — by itself — whatever the account
//! needs next: a first factor, the second factor when it has two-step verification,
//! then the session is made active and the user is sent on.

mod alternatives;
mod factor_one;
mod factor_two;
mod start;

use fapi_types::{SignIn as SignInResource, SignInFactor, SignInStatus};
use yew::prelude::*;

use crate::{
    components::{
        status::{activate, not_ready, use_leave_when_signed_in, LoadingCard},
        TaskSetupMfa,
    },
    context::use_clerk_context,
    factors::{starting_first_factor, starting_second_factor},
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
}

/// Where the flow stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Start,
    FirstFactor(SignInFactor),
    SecondFactor(SignInFactor),
    Alternatives { second: bool, current: SignInFactor },
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
#[component]
pub fn SignIn(props: &SignInProps) -> Html {
    let ctx = use_clerk_context();
    let finish_error = use_state(|| None::<String>);
    let step = use_state(|| Step::Start);
    let task_done = {
        let force = props.force_redirect_url.clone();
        let fallback = props.fallback_redirect_url.clone();
        use_leave_when_signed_in(move |clerk| {
            clerk.forced_or_after_sign_in(force.as_deref(), fallback.as_deref())
        })
    };
    if let Some(done) = task_done {
        return html! { <TaskSetupMfa redirect_url_complete={done} /> };
    }
    if let Some(card) = not_ready(&ctx) {
        return card;
    }

    let prefer_password = ctx
        .state
        .environment
        .as_deref()
        .is_none_or(|e| e.display_config.preferred_sign_in_strategy != "otp");
    let advance = {
        let (step, finish_error, ctx) = (step.clone(), finish_error.clone(), ctx.clone());
        Callback::from(move |sign_in: SignInResource| {
            let next = next_step(&sign_in, prefer_password);
            if next == Step::Finishing {
                if let Some(session) = sign_in.created_session_id.clone() {
                    activate(&ctx, session, &finish_error);
                }
            }
            step.set(next);
        })
    };
    let choose = {
        let step = step.clone();
        Callback::from(move |s: Step| step.set(s))
    };
    let sign_in = ctx.state.sign_in().cloned();
    match ((*step).clone(), sign_in) {
        (Step::FirstFactor(factor), Some(si)) => html! {
            <factor_one::FactorOne {factor} sign_in={si} on_advance={advance} on_choose={choose} />
        },
        (Step::SecondFactor(factor), Some(si)) => html! {
            <factor_two::FactorTwo {factor} sign_in={si} on_advance={advance} on_choose={choose} />
        },
        (Step::Alternatives { second, current }, Some(si)) => html! {
            <alternatives::Alternatives {second} {current} sign_in={si} on_choose={choose} />
        },
        (Step::Finishing, _) => html! { <LoadingCard error={(*finish_error).clone()} /> },
        _ => html! {
            <start::Start
                on_advance={advance}
                initial_identifier={props.initial_identifier.clone()}
                sign_up_url={props.sign_up_url.clone()}
            />
        },
    }
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

    #[test]
    fn the_second_factor_step_opens_by_itself() {
        let phone = SignInFactor {
            phone_number_id: Some("idn_1".into()),
            ..SignInFactor::bare(Strategy::PhoneCode)
        };
        let si = sign_in(
            SignInStatus::NeedsSecondFactor,
            vec![],
            Some(vec![phone.clone()]),
        );
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
