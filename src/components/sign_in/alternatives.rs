use fapi_types::{SignIn, SignInFactor, Strategy};
use yew::prelude::*;

use super::Step;
use crate::{
    components::ui::{block_button, Card, LinkButton},
    context::{use_clerk_context, ClerkContext},
    factors::alternatives,
};

#[derive(Properties, PartialEq, Clone)]
pub struct AlternativesProps {
    pub second: bool,
    pub current: SignInFactor,
    pub sign_in: SignIn,
    pub on_choose: Callback<Step>,
}

pub(super) fn label(ctx: &ClerkContext, f: &SignInFactor) -> String {
    let who = f.safe_identifier.clone().unwrap_or_default();
    match f.strategy {
        Strategy::Password => ctx.t("signIn.alternativeMethods.password"),
        Strategy::EmailCode => ctx.t_with(
            "signIn.alternativeMethods.emailCode",
            &[("identifier", &who)],
        ),
        Strategy::PhoneCode => ctx.t_with(
            "signIn.alternativeMethods.phoneCode",
            &[("identifier", &who)],
        ),
        Strategy::Totp => ctx.t("signIn.alternativeMethods.totp"),
        Strategy::BackupCode => ctx.t("signIn.alternativeMethods.backupCode"),
        Strategy::Passkey => ctx.t("signIn.alternativeMethods.passkey"),
        _ => f.strategy.to_string(),
    }
}

/// "Use another method": the other factors of the same step.
#[component]
pub fn Alternatives(props: &AlternativesProps) -> Html {
    let ctx = use_clerk_context();
    let offered = if props.second {
        props.sign_in.supported_second_factors.clone()
    } else {
        props.sign_in.supported_first_factors.clone()
    }
    .unwrap_or_default();
    let choices: Vec<SignInFactor> = alternatives(&offered, &props.current)
        .into_iter()
        .cloned()
        .collect();
    let back = {
        let (current, second) = (props.current.clone(), props.second);
        props.on_choose.reform(move |_| {
            if second {
                Step::SecondFactor(current.clone())
            } else {
                Step::FirstFactor(current.clone())
            }
        })
    };
    let footer = html! { <LinkButton label={ctx.t("backButton")} onclick={back} /> };
    html! {
        <Card title={ctx.t("signIn.alternativeMethods.title")}
              subtitle={ctx.t("signIn.alternativeMethods.subtitle")} {footer}>
            <div class={ctx.class("alternativeMethods")}>
                { for choices.into_iter().map(|f| {
                    let text = label(&ctx, &f);
                    let second = props.second;
                    let onclick = props.on_choose.reform(move |_| if second {
                        Step::SecondFactor(f.clone())
                    } else {
                        Step::FirstFactor(f.clone())
                    });
                    block_button(&ctx, text, onclick)
                }) }
                if props.second && props.sign_in.account_recovery.is_some() {
                    { block_button(&ctx, ctx.t("signIn.accountRecovery.link"), {
                        let current = props.current.clone();
                        props.on_choose.reform(move |_| Step::Recovery(current.clone()))
                    }) }
                }
            </div>
        </Card>
    }
}
