use fapi_types::{params, SignIn, SignInFactor, SignInStatus, Strategy};
use yew::prelude::*;

use super::{
    factor_one::{identity, other_methods},
    Step,
};
use crate::{
    clerk::Clerk,
    components::ui::{use_code_sender, Action, Alert, CodeForm, CodeShape},
    context::use_clerk_context,
};

#[derive(Properties, PartialEq, Clone)]
pub struct FactorTwoProps {
    pub factor: SignInFactor,
    pub sign_in: SignIn,
    pub on_advance: Callback<SignIn>,
    pub on_choose: Callback<Step>,
}

/// A second-factor code's two sends: once when its step opens, and "Resend".
pub(super) fn code_sends(
    clerk: &Clerk,
    prepare: params::PrepareSecondFactor,
) -> (Action<()>, Action<()>) {
    let once = {
        let (clerk, prepare) = (clerk.clone(), prepare.clone());
        Action::new(move |_: ()| {
            let (clerk, prepare) = (clerk.clone(), prepare.clone());
            async move {
                clerk
                    .send_second_factor_code_once(&prepare)
                    .await
                    .map(|_| ())
            }
        })
    };
    let clerk = clerk.clone();
    let resend = Action::new(move |_: ()| {
        let (clerk, prepare) = (clerk.clone(), prepare.clone());
        async move { clerk.prepare_second_factor(&prepare).await.map(|_| ()) }
    });
    (once, resend)
}

/// The second factor, or the code that proves a new device (Device Trust, status
/// `needs_client_trust`). A code by SMS or email is sent once when the step opens —
/// never again on a re-render or remount — and the card says where it went.
#[component]
pub fn FactorTwo(props: &FactorTwoProps) -> Html {
    let ctx = use_clerk_context();
    let is_sms = matches!(
        props.factor.strategy,
        Strategy::PhoneCode | Strategy::EmailCode
    );
    let new_device = props.sign_in.status == SignInStatus::NeedsClientTrust;
    let prepare = params::PrepareSecondFactor {
        strategy: props.factor.strategy.clone(),
        phone_number_id: props.factor.phone_number_id.clone(),
        email_address_id: props.factor.email_address_id.clone(),
    };
    let (send_once, resend) = code_sends(&ctx.clerk, prepare);
    let sender = use_code_sender(props.factor.clone(), is_sms, send_once);
    // "Don't ask again on this device", where the server offers it (not for a new
    // device's check, which is no second factor).
    let remember_days = ctx
        .state
        .environment
        .as_deref()
        .and_then(|e| e.auth_config.remember_device_days)
        .filter(|_| !new_device);
    let remember = use_state(|| false);
    let submit = {
        let (clerk, advance, strategy) = (
            ctx.clerk.clone(),
            props.on_advance.clone(),
            props.factor.strategy.clone(),
        );
        let remember_device = (*remember).then_some(true);
        Action::new(move |code: String| {
            let (clerk, advance, strategy) = (clerk.clone(), advance.clone(), strategy.clone());
            async move {
                let p = params::AttemptSecondFactor {
                    strategy,
                    code: Some(code),
                    remember_device,
                    public_key_credential: None,
                };
                advance.emit(clerk.attempt_second_factor(&p).await?);
                Ok(())
            }
        })
    };
    let resend = is_sms.then_some(resend);
    let (title, subtitle) = match props.factor.strategy {
        Strategy::PhoneCode => {
            let sent_to = props.factor.safe_identifier.clone().unwrap_or_default();
            (
                ctx.t("signIn.phoneCodeMfa.title"),
                ctx.t_with("signIn.phoneCodeMfa.sentTo", &[("identifier", &sent_to)]),
            )
        }
        Strategy::EmailCode => {
            let sent_to = props.factor.safe_identifier.clone().unwrap_or_default();
            (
                ctx.t("signIn.emailCode.title"),
                ctx.t_with("signIn.phoneCodeMfa.sentTo", &[("identifier", &sent_to)]),
            )
        }
        Strategy::BackupCode => (
            ctx.t("signIn.backupCodeMfa.title"),
            ctx.t("signIn.backupCodeMfa.subtitle"),
        ),
        _ => (
            ctx.t("signIn.totpMfa.title"),
            ctx.t("signIn.totpMfa.subtitle"),
        ),
    };
    let shape = if props.factor.strategy == Strategy::BackupCode {
        CodeShape::Backup
    } else {
        CodeShape::Digits
    };
    let offered = props
        .sign_in
        .supported_second_factors
        .clone()
        .unwrap_or_default();
    // "I lost access to my second factor" (not for a new device's check).
    let recovery = props.sign_in.account_recovery.is_some() && !new_device;
    let notice = new_device.then(|| {
        html! { <p class={ctx.class("newDeviceNotice")} role="note">{ ctx.t("signIn.newDeviceVerificationNotice") }</p> }
    });
    let footer = html! {
        <>
            { for notice }
            <Alert message={sender.error.clone()} />
            { other_methods(&ctx, &offered, &props.factor, true, recovery, &props.on_choose) }
        </>
    };
    html! {
        <CodeForm
            {title}
            {subtitle}
            identity={identity(&ctx, &props.sign_in, &props.on_choose)}
            {submit}
            {resend}
            cooldown_seconds={if is_sms { 30 } else { 0 }}
            ready={sender.sent}
            {shape}
            {footer}
        >
            if let Some(days) = remember_days {
                <label class={ctx.class("formFieldCheckbox")}>
                    <input type="checkbox" name="remember_device" checked={*remember}
                        onchange={let r = remember.clone(); Callback::from(move |_| r.set(!*r))} />
                    { ctx.t_with("signIn.rememberDevice", &[("days", &days.to_string())]) }
                </label>
            }
        </CodeForm>
    }
}
