//! "Forgot password?": reset the password by a code, or sign in another way (Clerk's
//! `forgotPasswordAlternativeMethods`).

use fapi_types::{SignIn, SignInFactor};
use yew::prelude::*;

use super::{alternatives::label, Step};
use crate::{
    components::ui::{block_button, Card, LinkButton},
    context::use_clerk_context,
    factors::{alternatives, password_reset_factor},
};

#[derive(Properties, PartialEq, Clone)]
pub struct ForgotPasswordProps {
    /// The password factor the user came from.
    pub current: SignInFactor,
    pub sign_in: SignIn,
    pub on_choose: Callback<Step>,
}

#[component]
pub fn ForgotPassword(props: &ForgotPasswordProps) -> Html {
    let ctx = use_clerk_context();
    let offered = props
        .sign_in
        .supported_first_factors
        .clone()
        .unwrap_or_default();
    let reset = password_reset_factor(&offered, props.sign_in.identifier.as_deref()).cloned();
    let others: Vec<SignInFactor> = alternatives(&offered, &props.current)
        .into_iter()
        .cloned()
        .collect();
    let back = {
        let current = props.current.clone();
        props
            .on_choose
            .reform(move |_| Step::FirstFactor(current.clone()))
    };
    let footer = html! { <LinkButton label={ctx.t("backButton")} onclick={back} /> };
    html! {
        <Card title={ctx.t("signIn.forgotPasswordAlternativeMethods.title")} {footer}>
            if let Some(reset) = reset {
                <button type="button" class={ctx.class("formButtonPrimary")}
                    onclick={props.on_choose.reform(move |_| Step::FirstFactor(reset.clone()))}>
                    { ctx.t("signIn.forgotPasswordAlternativeMethods.blockButton__resetPassword") }
                </button>
            }
            if !others.is_empty() {
                <p class={ctx.class("dividerText")}>
                    { ctx.t("signIn.forgotPasswordAlternativeMethods.label__alternativeMethods") }
                </p>
                <div class={ctx.class("alternativeMethods")}>
                    { for others.into_iter().map(|f| {
                        let text = label(&ctx, &f);
                        let onclick = props.on_choose.reform(move |_| Step::FirstFactor(f.clone()));
                        block_button(&ctx, text, onclick)
                    }) }
                </div>
            }
        </Card>
    }
}
