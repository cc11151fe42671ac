//! After a right reset code: the new password, and whether to sign out everywhere
//! else (checked, as in Clerk: whoever knew the old password may still be signed in).

use fapi_types::{params, SignIn};
use yew::prelude::*;

use super::{factor_one::identity, Step};
use crate::{
    components::ui::{use_focus_on_mount, use_form, Alert, Card, NewPasswordFields, SubmitButton},
    context::use_clerk_context,
};

#[derive(Properties, PartialEq, Clone)]
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
    html! {
        <Card title={ctx.t("signIn.resetPassword.title")}
              identity={identity(&ctx, &props.sign_in, &props.on_choose)}>
            <Alert message={form.errors.global.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <NewPasswordFields name="password" node_ref={field}
                    value={(*password).clone()}
                    oninput={let s = password.clone(); Callback::from(move |v| s.set(v))}
                    error={form.errors.field("password")}
                    sign_out_others={*others}
                    on_sign_out_others={let o = others.clone(); Callback::from(move |v| o.set(v))} />
                <SubmitButton label={ctx.t("signIn.resetPassword.formButtonPrimary")} busy={form.busy} />
            </form>
        </Card>
    }
}
