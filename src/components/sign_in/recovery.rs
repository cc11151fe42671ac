//! "I lost access to my second factor" (fapi-server's account recovery; real Clerk
//! offers none, and never shows this step): after the password, an email code opens
//! a recovery that can be finished only after a wait, told at once to every address
//! of the account. Once the wait is over, the same steps finish it: the second
//! factors are removed and the new session sets one up again (`setup-mfa`).

use fapi_types::{
    params, AccountRecovery, AccountRecoveryStatus, SignIn, SignInFactor, SignInStatus, Strategy,
};
use yew::prelude::*;

use super::{factor_one::identity, factor_two::code_sends, Step};
use crate::{
    browser::local_time,
    components::ui::{use_code_sender, Action, Alert, Card, CodeForm, LinkButton},
    context::{use_clerk_context, ClerkContext},
};

#[derive(Properties, PartialEq, Clone)]
pub struct RecoveryProps {
    /// The second factor the user came from ("Back").
    pub current: SignInFactor,
    pub sign_in: SignIn,
    pub on_advance: Callback<SignIn>,
    pub on_choose: Callback<Step>,
}

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// What a recovery is, and the button that sends the code.
    Explain,
    Code,
    /// The code opened one (or one was already open): when it can be finished.
    Requested,
}

#[component]
pub fn Recovery(props: &RecoveryProps) -> Html {
    let ctx = use_clerk_context();
    let stage = use_state(|| Stage::Explain);
    let back = {
        let current = props.current.clone();
        props
            .on_choose
            .reform(move |_| Step::SecondFactor(current.clone()))
    };
    let footer = html! { <LinkButton label={ctx.t("backButton")} onclick={back} /> };
    let Some(recovery) = props.sign_in.account_recovery.clone() else {
        return html! {};
    };
    let open = recovery.status == AccountRecoveryStatus::Pending;
    match *stage {
        Stage::Requested => requested(&ctx, &recovery, footer),
        Stage::Explain if open => requested(&ctx, &recovery, footer),
        Stage::Code => {
            let on_requested = {
                let stage = stage.clone();
                Callback::from(move |_| stage.set(Stage::Requested))
            };
            html! {
                <RecoveryCode sign_in={props.sign_in.clone()} {recovery}
                    on_advance={props.on_advance.clone()} {on_requested}
                    on_choose={props.on_choose.clone()} {footer} />
            }
        }
        Stage::Explain => {
            let ready = recovery.status == AccountRecoveryStatus::Ready;
            let (title, text) = if ready {
                (
                    ctx.t("signIn.accountRecovery.readyTitle"),
                    ctx.t_with(
                        "signIn.accountRecovery.ready",
                        &[("identifier", &recovery.safe_identifier)],
                    ),
                )
            } else {
                let after = crate::browser::now_ms() as i64 + recovery.wait_seconds as i64 * 1000;
                (
                    ctx.t("signIn.accountRecovery.title"),
                    ctx.t_with(
                        "signIn.accountRecovery.explain",
                        &[
                            ("identifier", &recovery.safe_identifier),
                            ("date", &local_time(after, ctx.localization.locale(), true)),
                        ],
                    ),
                )
            };
            let send = {
                let stage = stage.clone();
                Callback::from(move |_| stage.set(Stage::Code))
            };
            html! {
                <Card {title} identity={identity(&ctx, &props.sign_in, &props.on_choose)} {footer}>
                    <p class={ctx.class("accountRecoveryText")}>{ text }</p>
                    <button type="button" class={ctx.class("formButtonPrimary")} onclick={send}>
                        { ctx.t("signIn.accountRecovery.sendCode") }
                    </button>
                </Card>
            }
        }
    }
}

/// The open recovery: when it can be finished, and that everyone was told.
fn requested(ctx: &ClerkContext, recovery: &AccountRecovery, footer: Html) -> Html {
    let date = recovery
        .completes_at
        .map(|at| local_time(at, ctx.localization.locale(), true))
        .unwrap_or_default();
    html! {
        <Card title={ctx.t("signIn.accountRecovery.pendingTitle")} {footer}>
            <p class={ctx.class("accountRecoveryText")} role="status">
                { ctx.t_with("signIn.accountRecovery.pending", &[("date", &date)]) }
            </p>
        </Card>
    }
}

#[derive(Properties, PartialEq)]
struct RecoveryCodeProps {
    sign_in: SignIn,
    recovery: AccountRecovery,
    on_advance: Callback<SignIn>,
    on_requested: Callback<()>,
    on_choose: Callback<Step>,
    footer: Html,
}

/// The recovery code, sent once when the step opens: right, it finishes a recovery whose
/// wait is over (on to the new session) or opens one (`on_requested`).
#[component]
fn RecoveryCode(props: &RecoveryCodeProps) -> Html {
    let ctx = use_clerk_context();
    let prepare = params::PrepareSecondFactor {
        strategy: Strategy::RecoveryEmailCode,
        phone_number_id: None,
        email_address_id: Some(props.recovery.email_address_id.clone()),
    };
    let (send_once, resend) = code_sends(&ctx.clerk, prepare);
    let sender = use_code_sender(props.recovery.email_address_id.clone(), true, send_once);
    let submit = {
        let (clerk, advance, requested) = (
            ctx.clerk.clone(),
            props.on_advance.clone(),
            props.on_requested.clone(),
        );
        Action::new(move |code: String| {
            let (clerk, advance, requested) = (clerk.clone(), advance.clone(), requested.clone());
            async move {
                let p = params::AttemptSecondFactor {
                    strategy: Strategy::RecoveryEmailCode,
                    code: Some(code),
                    remember_device: None,
                    public_key_credential: None,
                };
                let sign_in = clerk.attempt_second_factor(&p).await?;
                if sign_in.status == SignInStatus::Complete {
                    advance.emit(sign_in);
                } else {
                    requested.emit(());
                }
                Ok(())
            }
        })
    };
    let footer = html! {
        <>
            <Alert message={sender.error.clone()} />
            { props.footer.clone() }
        </>
    };
    html! {
        <CodeForm
            title={ctx.t("signIn.accountRecovery.codeTitle")}
            subtitle={ctx.t_with("signIn.accountRecovery.codeSubtitle", &[("identifier", &props.recovery.safe_identifier)])}
            identity={identity(&ctx, &props.sign_in, &props.on_choose)}
            {submit}
            resend={Some(resend)}
            cooldown_seconds={30}
            ready={sender.sent}
            {footer}
        />
    }
}
