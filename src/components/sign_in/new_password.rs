//! After a right reset code: the new password, and whether to sign out everywhere
//! else (checked, as in Clerk: whoever knew the old password may still be signed in).

use fapi_types::{params, SignIn};
use yew::prelude::*;

use super::{factor_one::identity, Step};
use crate::{
    components::ui::{use_focus_on_mount, use_form, Alert, Card, Field, FieldKind, SubmitButton},
    context::use_clerk_context,
};

#[derive(Properties, PartialEq)]
pub struct NewPasswordProps {
    pub sign_in: SignIn,
    pub on_advance: Callback<SignIn>,
    pub on_choose: Callback<Step>,
}

#[component]
pub fn NewPassword(props: &NewPasswordProps) -> Html {
    let ctx = use_clerk_context();
    let password = use_state(String::new);
    let others = use_state(|| true);
    let form = use_form(&["password"]);
    let field = use_node_ref();
    use_focus_on_mount(field.clone());
    let onsubmit = {
        let (password, others, form, ctx, advance) = (
            password.clone(),
            others.clone(),
            form.clone(),
            ctx.clone(),
            props.on_advance.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let p = params::ResetPassword {
                password: Some((*password).clone()),
                sign_out_of_other_sessions: Some(*others),
            };
            let (clerk, advance) = (ctx.clerk.clone(), advance.clone());
            form.submit(&ctx, async move {
                advance.emit(clerk.reset_password(&p).await?);
                Ok(())
            });
        })
    };
    let min = ctx
        .state
        .environment
        .as_deref()
        .map(|e| e.user_settings.password_settings.min_length)
        .unwrap_or(8);
    html! {
        <Card title={ctx.t("signIn.resetPassword.title")}
              identity={identity(&ctx, &props.sign_in, &props.on_choose)}>
            <Alert message={form.errors.global.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <Field name="password" label={ctx.t("formFieldLabel__newPassword")} required=true
                    kind={FieldKind::NewPassword} node_ref={field}
                    hint={ctx.t_with("formFieldHintText__passwordLength", &[("min", &min.to_string())])}
                    value={(*password).clone()}
                    oninput={let s = password.clone(); Callback::from(move |v| s.set(v))}
                    error={form.errors.field("password")} />
                <label class={ctx.class("formFieldCheckbox")}>
                    <input type="checkbox" name="sign_out_of_other_sessions" checked={*others}
                        onchange={let o = others.clone(); Callback::from(move |_| o.set(!*o))} />
                    { ctx.t("formFieldLabel__signOutOfOtherSessions") }
                </label>
                <SubmitButton label={ctx.t("signIn.resetPassword.formButtonPrimary")} busy={form.busy} />
            </form>
        </Card>
    }
}
