use fapi_types::{SignIn, SignInFactor};
use yew::prelude::*;

use super::{
    factor_one::{identity, other_methods},
    Step,
};
use crate::{
    clerk::PasskeyFlow,
    components::ui::{use_form, Alert, Card, SubmitButton},
    context::use_clerk_context,
    webauthn::PasskeyError,
    ClerkError,
};

#[derive(Properties, PartialEq, Clone)]
pub struct PasskeyStepProps {
    pub factor: SignInFactor,
    pub sign_in: SignIn,
    /// The second step (the passkey as the second factor), or the first.
    pub second: bool,
    pub on_advance: Callback<SignIn>,
    pub on_choose: Callback<Step>,
}

/// A passkey as the first or the second factor. The browser's dialog opens on the
/// click (Safari allows it only then); closing it leaves the person here, told why.
#[component]
pub fn PasskeyStep(props: &PasskeyStepProps) -> Html {
    let ctx = use_clerk_context();
    let form = use_form(&[]);
    let onsubmit = {
        let (form, ctx, advance) = (form.clone(), ctx.clone(), props.on_advance.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (clerk, advance) = (ctx.clerk.clone(), advance.clone());
            form.submit(&ctx, async move {
                match clerk
                    .authenticate_with_passkey(PasskeyFlow::Identified)
                    .await
                {
                    Ok(sign_in) => advance.emit(sign_in),
                    Err(ClerkError::Passkey(PasskeyError::Aborted)) => {}
                    Err(e) => return Err(e),
                }
                Ok(())
            });
        })
    };
    let offered = if props.second {
        props.sign_in.supported_second_factors.clone()
    } else {
        props.sign_in.supported_first_factors.clone()
    }
    .unwrap_or_default();
    let recovery = props.second && props.sign_in.account_recovery.is_some();
    let footer = other_methods(
        &ctx,
        &offered,
        &props.factor,
        props.second,
        recovery,
        &props.on_choose,
    );
    html! {
        <Card title={ctx.t("signIn.passkey.title")} subtitle={ctx.t("signIn.passkey.subtitle")}
              identity={identity(&ctx, &props.sign_in, &props.on_choose)} {footer}>
            <Alert message={form.errors.global.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <SubmitButton label={ctx.t("formButtonPrimary")} busy={form.busy} />
            </form>
        </Card>
    }
}
