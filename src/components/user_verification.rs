//! `<UserVerification/>`: the "Verify it's you" card a sensitive change asks for when
//! the session's verification is old, at the level asked (Clerk's): the second factor
//! (a passkey, an app, SMS or backup code), the first (a passkey, which stands for
//! both, the password, or without one a code to the primary email or phone), or the
//! first and then the second. Shown by the
//! provider as a dialog whenever [`crate::hooks::use_reverification`] meets
//! `session_reverification_required`, at the level the refusal names.

use fapi_types::{
    params, SessionVerification, SessionVerificationLevel, SessionVerificationStatus, SignInFactor,
    Strategy,
};
use yew::{platform::spawn_local, prelude::*};

use crate::{
    components::{
        lazy::chunk,
        status::LoadingCard,
        ui::{
            block_button, use_code_sender, use_form, Action, Alert, Card, CodeForm, CodeShape,
            Field, FieldKind, LinkButton, SubmitButton,
        },
    },
    context::use_clerk_context,
    localization::{bring_english, en_us},
    webauthn::PasskeyError,
    ClerkError,
};

#[derive(Properties, PartialEq, Clone)]
pub struct UserVerificationProps {
    /// What to verify: the second factor by default (Clerk's `strict`; the first for
    /// a user without one), the first factor, or both in turn (`MultiFactor`).
    #[prop_or(SessionVerificationLevel::SecondFactor)]
    pub level: SessionVerificationLevel,
    /// The session is verified: the action can be retried.
    pub on_complete: Callback<()>,
    /// The user gave up.
    pub on_cancel: Callback<()>,
}

/// Runs one reverification of the active session, step by step.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::components::UserVerification;
/// #[component]
/// fn Confirm() -> Html {
///     html! { <UserVerification on_complete={Callback::from(|_| ())} on_cancel={Callback::from(|_| ())} /> }
/// }
/// ```
#[component]
pub fn UserVerification(props: &UserVerificationProps) -> Html {
    VERIFICATION.render(props.clone())
}

chunk! {
    /// Only asked for by a sensitive action: in a split build, its own chunk.
    static VERIFICATION: UserVerificationProps = user_verification => draw_verification
}

fn draw_verification(props: &UserVerificationProps) -> Html {
    bring_english(en_us::VERIFICATION);
    html! { <Verification ..props.clone() /> }
}

#[component]
fn Verification(props: &UserVerificationProps) -> Html {
    let ctx = use_clerk_context();
    let verification = use_state(|| None::<SessionVerification>);
    let error = use_state(|| None::<String>);
    {
        let (ctx, verification, error) = (ctx.clone(), verification.clone(), error.clone());
        use_effect_with(props.level, move |level| {
            let level = *level;
            spawn_local(async move {
                match ctx.clerk.start_verification(level).await {
                    Ok(v) => verification.set(Some(v)),
                    Err(e) => error.set(Some(ctx.error_text(&e))),
                }
            });
        });
    }
    // "Use another method" from the passkey, to the codes and the password.
    let other = use_state(|| false);
    // "Use another method" at a code or password step: the list is open, and the
    // factor picked from it (the lost authenticator app's backup code, say).
    let choosing = use_state(|| false);
    let chosen = use_state(|| None::<SignInFactor>);
    {
        // A choice made at one step is not carried to the next.
        let (other, choosing, chosen) = (other.clone(), choosing.clone(), chosen.clone());
        let status = verification.as_ref().map(|v| v.status);
        use_effect_with(status, move |_| {
            other.set(false);
            choosing.set(false);
            chosen.set(None);
        });
    }
    let complete = verification
        .as_ref()
        .is_some_and(|v| v.status == SessionVerificationStatus::Complete);
    {
        let done = props.on_complete.clone();
        use_effect_with(complete, move |complete| {
            if *complete {
                done.emit(());
            }
        });
    }
    let advance = {
        let verification = verification.clone();
        Callback::from(move |v: SessionVerification| verification.set(Some(v)))
    };
    let cancel = {
        let cancel = props.on_cancel.clone();
        html! {
            <LinkButton label={ctx.t("formButtonReset")} element="reverificationCancel"
                onclick={Callback::from(move |_| cancel.emit(()))} />
        }
    };
    let Some(v) = (*verification).clone() else {
        return match (*error).clone() {
            Some(message) => html! {
                <Card title={ctx.t("reverification.password.title")} footer={cancel}>
                    <Alert message={Some(message)} />
                </Card>
            },
            None => html! { <LoadingCard /> },
        };
    };
    let passkey_offered = |factors: &Option<Vec<SignInFactor>>| {
        !*other
            && factors
                .iter()
                .flatten()
                .any(|f| f.strategy == Strategy::Passkey)
            && crate::factors::supported(&Strategy::Passkey)
    };
    // Offered only where there is another method to go to.
    let use_other = |factors: &Option<Vec<SignInFactor>>| {
        let other = other.clone();
        factors
            .iter()
            .flatten()
            .any(|f| f.strategy != Strategy::Passkey && crate::factors::supported(&f.strategy))
            .then(|| Callback::from(move |_| other.set(true)))
    };
    match v.status {
        SessionVerificationStatus::NeedsFirstFactor
            if passkey_offered(&v.supported_first_factors) =>
        {
            html! { <PasskeyStep first=true on_advance={advance} footer={cancel} on_other={use_other(&v.supported_first_factors)} /> }
        }
        SessionVerificationStatus::NeedsSecondFactor
            if passkey_offered(&v.supported_second_factors) =>
        {
            html! { <PasskeyStep first=false on_advance={advance} footer={cancel} on_other={use_other(&v.supported_second_factors)} /> }
        }
        SessionVerificationStatus::NeedsFirstFactor
        | SessionVerificationStatus::NeedsSecondFactor => {
            let first = v.status == SessionVerificationStatus::NeedsFirstFactor;
            let factors = if first {
                &v.supported_first_factors
            } else {
                &v.supported_second_factors
            };
            let factors: Vec<SignInFactor> = factors
                .iter()
                .flatten()
                .filter(|f| {
                    f.strategy != Strategy::Passkey && crate::factors::supported(&f.strategy)
                })
                .cloned()
                .collect();
            let current = (*chosen)
                .clone()
                .filter(|c| factors.contains(c))
                .or_else(|| starting_factor(first, &factors));
            let Some(current) = current else {
                // Only a passkey, and this browser cannot use one; or nothing at all.
                return html! {
                    <Card title={ctx.t("reverification.noAvailableMethods.title")} footer={cancel}>
                        <Alert message={Some(ctx.t("reverification.noAvailableMethods.message"))} />
                    </Card>
                };
            };
            let others: Vec<SignInFactor> = factors.into_iter().filter(|f| *f != current).collect();
            if *choosing {
                let on_choose = {
                    let (chosen, choosing) = (chosen.clone(), choosing.clone());
                    Callback::from(move |f: SignInFactor| {
                        chosen.set(Some(f));
                        choosing.set(false)
                    })
                };
                let back = {
                    let choosing = choosing.clone();
                    Callback::from(move |_| choosing.set(false))
                };
                return html! { <Alternatives factors={others} {on_choose} {back} /> };
            }
            let footer = html! {
                <>
                    if !others.is_empty() {
                        <LinkButton label={ctx.t("footerActionLink__useAnotherMethod")}
                            onclick={let choosing = choosing.clone(); Callback::from(move |_| choosing.set(true))} />
                    }
                    { cancel }
                </>
            };
            // A key per factor: another factor's step is drawn anew, not the last
            // one's form kept with its code.
            let key = format!("{first}:{}:{}", current.strategy, current_target(&current));
            if current.strategy == Strategy::Password {
                html! { <PasswordStep {key} on_advance={advance} {footer} /> }
            } else {
                html! { <CodeStep {key} factor={current} {first} on_advance={advance} {footer} /> }
            }
        }
        _ => html! { <LoadingCard /> },
    }
}

/// Where a step starts: the password where there is one, else a code to the primary
/// email (or another email, or the phone); the second factor as the sign-in starts it.
fn starting_factor(first: bool, factors: &[SignInFactor]) -> Option<SignInFactor> {
    if !first {
        return crate::factors::starting_second_factor(factors).cloned();
    }
    let pick = |s: Strategy| factors.iter().find(|f| f.strategy == s);
    pick(Strategy::Password)
        .or_else(|| {
            factors
                .iter()
                .find(|f| f.strategy == Strategy::EmailCode && f.primary == Some(true))
        })
        .or_else(|| pick(Strategy::EmailCode))
        .or_else(|| pick(Strategy::PhoneCode))
        .cloned()
}

fn current_target(f: &SignInFactor) -> &str {
    f.phone_number_id
        .as_deref()
        .or(f.email_address_id.as_deref())
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
struct AlternativesProps {
    factors: Vec<SignInFactor>,
    on_choose: Callback<SignInFactor>,
    back: Callback<MouseEvent>,
}

/// "Use another method": the step's other factors, in Clerk's words.
#[component]
fn Alternatives(props: &AlternativesProps) -> Html {
    let ctx = use_clerk_context();
    let label = |f: &SignInFactor| {
        let key = match f.strategy {
            Strategy::Password => "blockButton__password",
            Strategy::EmailCode => "blockButton__emailCode",
            Strategy::PhoneCode => "blockButton__phoneCode",
            Strategy::Totp => "blockButton__totp",
            _ => "blockButton__backupCode",
        };
        let who = f.safe_identifier.clone().unwrap_or_default();
        ctx.t_with(
            &format!("reverification.alternativeMethods.{key}"),
            &[("identifier", &who)],
        )
    };
    let footer = html! { <LinkButton label={ctx.t("backButton")} onclick={props.back.clone()} /> };
    html! {
        <Card title={ctx.t("reverification.alternativeMethods.title")}
              subtitle={ctx.t("reverification.alternativeMethods.subtitle")} {footer}>
            <div class={ctx.class("alternativeMethods")}>
                { for props.factors.iter().map(|f| {
                    let onclick = { let f = f.clone(); props.on_choose.reform(move |_| f.clone()) };
                    block_button(&ctx, label(f), onclick)
                }) }
            </div>
        </Card>
    }
}

#[derive(Properties, PartialEq)]
struct PasskeyStepProps {
    /// The first step (a passkey stands for both factors) or the second.
    first: bool,
    on_advance: Callback<SessionVerification>,
    footer: Html,
    /// "Use another method": the codes, or the password.
    #[prop_or_default]
    on_other: Option<Callback<()>>,
}

/// The passkey, offered first where the account has one: the dialog opens on the
/// click; closing it leaves the card here, told why.
#[component]
fn PasskeyStep(props: &PasskeyStepProps) -> Html {
    let ctx = use_clerk_context();
    let form = use_form(&[]);
    let onsubmit = {
        let (ctx, form, advance, first) = (
            ctx.clone(),
            form.clone(),
            props.on_advance.clone(),
            props.first,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (clerk, advance) = (ctx.clerk.clone(), advance.clone());
            form.submit(&ctx, async move {
                let v = if first {
                    clerk.verify_first_factor_with_passkey().await
                } else {
                    clerk.verify_second_factor_with_passkey().await
                };
                match v {
                    Ok(v) => advance.emit(v),
                    Err(ClerkError::Passkey(PasskeyError::Aborted)) => {}
                    Err(e) => return Err(e),
                }
                Ok(())
            });
        })
    };
    let footer = html! {
        <>
            if let Some(other) = &props.on_other {
                <LinkButton label={ctx.t("footerActionLink__useAnotherMethod")}
                    onclick={other.reform(|_| ())} />
            }
            { props.footer.clone() }
        </>
    };
    html! {
        <Card title={ctx.t("reverification.password.title")}
            subtitle={ctx.t("reverification.passkey.subtitle")} {footer}>
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <Alert message={form.errors.global.clone()} />
                <SubmitButton label={ctx.t("reverification.passkey.blockButton__passkey")} busy={form.busy} />
            </form>
        </Card>
    }
}

#[derive(Properties, PartialEq)]
struct StepProps {
    on_advance: Callback<SessionVerification>,
    footer: Html,
}

#[component]
fn PasswordStep(props: &StepProps) -> Html {
    let ctx = use_clerk_context();
    let password = use_state(String::new);
    let form = use_form(&["password"]);
    let onsubmit = {
        let (ctx, password, form, advance) = (
            ctx.clone(),
            password.clone(),
            form.clone(),
            props.on_advance.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let p = params::AttemptSessionFirstFactor {
                strategy: Strategy::Password,
                password: Some((*password).clone()),
                code: None,
                public_key_credential: None,
            };
            let (clerk, advance) = (ctx.clerk.clone(), advance.clone());
            form.submit(&ctx, async move {
                advance.emit(clerk.attempt_first_factor_verification(&p).await?);
                Ok(())
            });
        })
    };
    html! {
        <Card title={ctx.t("reverification.password.title")}
            subtitle={ctx.t("reverification.password.subtitle")} footer={props.footer.clone()}>
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <Alert message={form.errors.global.clone()} />
                <Field name="password" label={ctx.t("formFieldLabel__password")} kind={FieldKind::CurrentPassword}
                    required=true value={(*password).clone()}
                    oninput={let s = password.clone(); Callback::from(move |v| s.set(v))}
                    error={form.errors.field("password")} />
                <SubmitButton label={ctx.t("formButtonPrimary")} busy={form.busy} />
            </form>
        </Card>
    }
}

#[derive(Properties, PartialEq)]
struct CodeStepProps {
    factor: SignInFactor,
    /// The first factor (an email or phone code) or the second (SMS).
    first: bool,
    on_advance: Callback<SessionVerification>,
    footer: Html,
}

/// A code step: the code goes out once when it opens; resend after the cooldown.
#[component]
fn CodeStep(props: &CodeStepProps) -> Html {
    let ctx = use_clerk_context();
    let (factor, first) = (props.factor.clone(), props.first);
    // An authenticator app's code is on the user's phone already; a backup code on paper.
    let sent_by_us = !matches!(factor.strategy, Strategy::Totp | Strategy::BackupCode);
    let send = {
        let (clerk, factor) = (ctx.clerk.clone(), factor.clone());
        Action::new(move |_: ()| {
            let (clerk, factor) = (clerk.clone(), factor.clone());
            async move {
                if first {
                    let p = params::PrepareSessionFirstFactor {
                        strategy: factor.strategy.clone(),
                        email_address_id: factor.email_address_id.clone(),
                        phone_number_id: factor.phone_number_id.clone(),
                    };
                    clerk.prepare_first_factor_verification(&p).await?;
                } else {
                    let p = params::PrepareSessionSecondFactor {
                        strategy: factor.strategy.clone(),
                        phone_number_id: factor.phone_number_id.clone(),
                        email_address_id: factor.email_address_id.clone(),
                    };
                    clerk.prepare_second_factor_verification(&p).await?;
                }
                Ok(())
            }
        })
    };
    // Drawn again within the cooldown, the step's code from its first opening is on
    // its way: no error to show.
    let send_on_open = {
        let send = send.clone();
        Action::new(move |_: ()| {
            let send = send.clone();
            async move {
                match send.run(()).await {
                    Err(e) if e.is("verification_code_too_many_requests") => Ok(()),
                    sent => sent,
                }
            }
        })
    };
    let sender = use_code_sender((factor.clone(), first), sent_by_us, send_on_open);
    let submit = {
        let (clerk, advance, strategy) = (
            ctx.clerk.clone(),
            props.on_advance.clone(),
            factor.strategy.clone(),
        );
        Action::new(move |code: String| {
            let (clerk, advance, strategy) = (clerk.clone(), advance.clone(), strategy.clone());
            async move {
                let v = if first {
                    let p = params::AttemptSessionFirstFactor {
                        strategy,
                        password: None,
                        code: Some(code),
                        public_key_credential: None,
                    };
                    clerk.attempt_first_factor_verification(&p).await?
                } else {
                    let p = params::AttemptSessionSecondFactor {
                        strategy,
                        code: Some(code),
                        public_key_credential: None,
                    };
                    clerk.attempt_second_factor_verification(&p).await?
                };
                advance.emit(v);
                Ok(())
            }
        })
    };
    let subtitle_key = match (first, &factor.strategy) {
        (true, Strategy::EmailCode) => "reverification.emailCode.subtitle",
        (true, _) => "reverification.phoneCode.subtitle",
        (false, Strategy::Totp) => "reverification.totpMfa.subtitle",
        (false, Strategy::BackupCode) => "reverification.backupCodeMfa.subtitle",
        (false, Strategy::EmailCode) => "reverification.emailCode.subtitle",
        (false, _) => "reverification.phoneCodeMfa.subtitle",
    };
    let sent_to = factor.safe_identifier.clone().unwrap_or_default();
    let footer = html! {
        <>
            <Alert message={sender.error.clone()} />
            { props.footer.clone() }
        </>
    };
    html! {
        <CodeForm
            title={ctx.t("reverification.password.title")}
            subtitle={ctx.t_with(subtitle_key, &[("identifier", &sent_to)])}
            submit={submit}
            resend={sent_by_us.then_some(send)}
            cooldown_seconds={if sent_by_us { 30 } else { 0 }}
            ready={sender.sent}
            shape={if factor.strategy == Strategy::BackupCode { CodeShape::Backup } else { CodeShape::Digits }}
            {footer}
        />
    }
}

#[cfg(test)]
mod tests {
    use fapi_types::{SessionVerification, SessionVerificationStatus, Strategy};

    use super::starting_factor;

    /// Real Clerk's reverification at its second step (`totp`, `backup_code`): it
    /// opens on the app, and the backup code is the other method offered.
    #[test]
    fn real_clerks_second_step_opens_on_the_app_with_the_backup_code_beside() {
        let v: serde_json::Value = serde_json::from_str(include_str!(
            "../../types/tests/clerk-json/fixtures/spec-session-reverification.json"
        ))
        .unwrap();
        let v: SessionVerification = serde_json::from_value(v["response"].clone()).unwrap();
        assert_eq!(v.status, SessionVerificationStatus::NeedsSecondFactor);
        let factors = v.supported_second_factors.unwrap();
        let start = starting_factor(false, &factors).unwrap();
        assert_eq!(start.strategy, Strategy::Totp);
        let others: Vec<_> = factors.iter().filter(|f| **f != start).collect();
        assert_eq!(others.len(), 1);
        assert_eq!(others[0].strategy, Strategy::BackupCode);
        // Its first step: the password.
        let first = starting_factor(true, &v.supported_first_factors.unwrap()).unwrap();
        assert_eq!(first.strategy, Strategy::Password);
    }
}
