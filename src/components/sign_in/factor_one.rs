use fapi_types::{params, SignIn, SignInFactor, Strategy};
use yew::prelude::*;

use super::Step;
use crate::{
    components::ui::{
        use_code_sender, use_focus_on_mount, use_form, Action, Alert, Card, CodeForm, Field,
        FieldKind, LinkButton, SubmitButton,
    },
    context::{use_clerk_context, ClerkContext},
    factors::alternatives,
};

#[derive(Properties, PartialEq, Clone)]
pub struct FactorOneProps {
    pub factor: SignInFactor,
    pub sign_in: SignIn,
    pub on_advance: Callback<SignIn>,
    pub on_choose: Callback<Step>,
}

/// The identifier being signed in, with a way back to change it.
pub(crate) fn identity(ctx: &ClerkContext, sign_in: &SignIn, on_choose: &Callback<Step>) -> Html {
    let back = on_choose.reform(|_| Step::Start);
    html! {
        <div class={ctx.class("identityPreview")}>
            <span class={ctx.class("identityPreviewText")}>{ sign_in.identifier.clone().unwrap_or_default() }</span>
            <button type="button" class={ctx.class("identityPreviewEditButton")} onclick={back}
                aria-label={ctx.t("backButton")}>{ "✎" }</button>
        </div>
    }
}

/// "Use another method", when there is one (`recovery`: the account recovery is
/// one, among the second factor's).
pub(crate) fn other_methods(
    ctx: &ClerkContext,
    offered: &[SignInFactor],
    current: &SignInFactor,
    second: bool,
    recovery: bool,
    on_choose: &Callback<Step>,
) -> Html {
    if alternatives(offered, current).is_empty() && !(second && recovery) {
        return html! {};
    }
    let current = current.clone();
    let onclick = on_choose.reform(move |_| Step::Alternatives {
        second,
        current: current.clone(),
    });
    html! { <LinkButton label={ctx.t("footerActionLink__useAnotherMethod")} {onclick} /> }
}

/// The first factor: the password, or a code sent to an email or phone.
#[component]
pub fn FactorOne(props: &FactorOneProps) -> Html {
    match props.factor.strategy {
        Strategy::Password => html! { <PasswordStep ..props.clone() /> },
        _ => html! { <CodeStep ..props.clone() /> },
    }
}

#[component]
fn PasswordStep(props: &FactorOneProps) -> Html {
    let ctx = use_clerk_context();
    let password = use_state(String::new);
    let form = use_form(&["password"]);
    let field = use_node_ref();
    use_focus_on_mount(field.clone());
    let onsubmit = {
        let (password, form, ctx, advance) = (
            password.clone(),
            form.clone(),
            ctx.clone(),
            props.on_advance.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let p = params::AttemptFirstFactor {
                strategy: Strategy::Password,
                password: Some((*password).clone()),
                code: None,
                public_key_credential: None,
            };
            let (clerk, advance) = (ctx.clerk.clone(), advance.clone());
            form.submit(&ctx, async move {
                advance.emit(clerk.attempt_first_factor(&p).await?);
                Ok(())
            });
        })
    };
    let offered = props
        .sign_in
        .supported_first_factors
        .clone()
        .unwrap_or_default();
    let footer = other_methods(
        &ctx,
        &offered,
        &props.factor,
        false,
        false,
        &props.on_choose,
    );
    // "Forgot password?": straight to the reset code when there is no other way in,
    // else a choice between resetting and another method.
    let forgot = super::forgot_step(&props.sign_in, &props.factor).map(|step| {
        let onclick = props.on_choose.reform(move |_| step.clone());
        html! {
            <LinkButton label={ctx.t("formFieldAction__forgotPassword")} {onclick}
                element="formFieldAction__forgotPassword" />
        }
    });
    html! {
        <Card title={ctx.t("signIn.password.title")} subtitle={ctx.t("signIn.password.subtitle")}
              identity={identity(&ctx, &props.sign_in, &props.on_choose)} {footer}>
            <Alert message={form.errors.global.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <Field name="password" label={ctx.t("formFieldLabel__password")} required=true
                    kind={FieldKind::CurrentPassword} node_ref={field}
                    value={(*password).clone()}
                    oninput={let s = password.clone(); Callback::from(move |v| s.set(v))}
                    error={form.errors.field("password")} />
                { forgot.unwrap_or_default() }
                <SubmitButton label={ctx.t("formButtonPrimary")} busy={form.busy} />
            </form>
        </Card>
    }
}

/// A first-factor code (email or SMS): sent once when the step opens, then checked;
/// "Resend" sends a new one.
#[component]
fn CodeStep(props: &FactorOneProps) -> Html {
    let ctx = use_clerk_context();
    let prepare = params::PrepareFirstFactor {
        strategy: props.factor.strategy.clone(),
        email_address_id: props.factor.email_address_id.clone(),
        phone_number_id: props.factor.phone_number_id.clone(),
        redirect_url: None,
        channel: None,
    };
    let send_once = {
        let (clerk, prepare) = (ctx.clerk.clone(), prepare.clone());
        Action::new(move |_: ()| {
            let (clerk, prepare) = (clerk.clone(), prepare.clone());
            async move {
                clerk
                    .send_first_factor_code_once(&prepare)
                    .await
                    .map(|_| ())
            }
        })
    };
    let resend = {
        let clerk = ctx.clerk.clone();
        Action::new(move |_: ()| {
            let (clerk, prepare) = (clerk.clone(), prepare.clone());
            async move { clerk.prepare_first_factor(&prepare).await.map(|_| ()) }
        })
    };
    let sender = use_code_sender(props.factor.clone(), true, send_once);
    let submit = {
        let (clerk, advance, strategy) = (
            ctx.clerk.clone(),
            props.on_advance.clone(),
            props.factor.strategy.clone(),
        );
        Action::new(move |code: String| {
            let (clerk, advance, strategy) = (clerk.clone(), advance.clone(), strategy.clone());
            async move {
                let p = params::AttemptFirstFactor {
                    strategy,
                    code: Some(code),
                    password: None,
                    public_key_credential: None,
                };
                advance.emit(clerk.attempt_first_factor(&p).await?);
                Ok(())
            }
        })
    };
    let app = ctx.state.application_name().to_owned();
    let offered = props
        .sign_in
        .supported_first_factors
        .clone()
        .unwrap_or_default();
    let footer = html! {
        <>
            <Alert message={sender.error.clone()} />
            { other_methods(&ctx, &offered, &props.factor, false, false, &props.on_choose) }
        </>
    };
    let (title, subtitle) = match props.factor.strategy {
        Strategy::ResetPasswordEmailCode => (
            ctx.t("signIn.forgotPassword.title"),
            ctx.t("signIn.forgotPassword.subtitle_email"),
        ),
        Strategy::ResetPasswordPhoneCode => (
            ctx.t("signIn.forgotPassword.title"),
            ctx.t("signIn.forgotPassword.subtitle_phone"),
        ),
        _ => (
            ctx.t("signIn.emailCode.title"),
            ctx.t_with("signIn.emailCode.subtitle", &[("applicationName", &app)]),
        ),
    };
    html! {
        <CodeForm
            {title}
            {subtitle}
            identity={identity(&ctx, &props.sign_in, &props.on_choose)}
            {submit}
            resend={Some(resend)}
            cooldown_seconds={30}
            ready={sender.sent}
            {footer}
        />
    }
}
