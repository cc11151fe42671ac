//! `<TaskResetPassword/>`: the `reset-password` session task. When an administrator
//! asks a user for a new password, their next sign-in is *pending* with this task;
//! this card takes the new password, then sends the user on. `<SignIn/>` shows it by
//! itself; put it on its own page with the provider's `task_urls`.

use fapi_types::params;
use yew::{platform::spawn_local, prelude::*};

use super::{
    status::LoadingCard,
    ui::{use_focus_on_mount, use_form, Alert, Card, LinkButton, NewPasswordFields, SubmitButton},
};
use crate::{context::use_clerk_context, hooks::use_reverification};

#[derive(Properties, PartialEq)]
pub struct TaskResetPasswordProps {
    /// Where to go once the password is chosen (default: the after-sign-in target).
    #[prop_or_default]
    pub redirect_url_complete: Option<AttrValue>,
}

/// Chooses the new password of a pending session, then goes on.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// // With `task_urls={TaskUrls { reset_password: Some("/new-password".into()), ..Default::default() }}`:
/// #[component]
/// fn NewPasswordPage() -> Html {
///     html! { <TaskResetPassword redirect_url_complete="/dashboard" /> }
/// }
/// ```
#[component]
pub fn TaskResetPassword(props: &TaskResetPasswordProps) -> Html {
    let ctx = use_clerk_context();
    let waiting = ctx
        .state
        .current_task()
        .is_some_and(|t| t.key == "reset-password");
    let password = use_state(String::new);
    let others = use_state(|| true);
    let form = use_form(&["new_password"]);
    let field = use_node_ref();
    use_focus_on_mount(field.clone());
    let reverification = use_reverification();
    {
        let clerk = ctx.clerk.clone();
        let explicit = props.redirect_url_complete.clone();
        let loaded = ctx.state.loaded;
        let signed_in = ctx.state.is_signed_in_counting_pending(false);
        // Done (or never asked): on when nothing is pending; else to the sign-in page,
        // which shows the next task (or the form, when signed out).
        let go_on = loaded && signed_in && !ctx.state.is_pending();
        let to_sign_in = loaded && (!signed_in || !waiting && ctx.state.is_pending());
        use_effect_with((go_on, to_sign_in), move |(go_on, to_sign_in)| {
            if *go_on {
                clerk.navigate(&clerk.forced_or_after_sign_in(explicit.as_deref(), None));
            } else if *to_sign_in {
                clerk.navigate(&clerk.build_sign_in_url(None));
            }
        });
    }
    if !(ctx.state.loaded && waiting) {
        return html! { <LoadingCard /> };
    }
    let onsubmit = {
        let (password, others, form, ctx, reverification) = (
            password.clone(),
            others.clone(),
            form.clone(),
            ctx.clone(),
            reverification.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let p = params::ChangePassword {
                current_password: None,
                new_password: (*password).clone(),
                sign_out_of_other_sessions: Some(*others),
            };
            let (clerk, reverification) = (ctx.clerk.clone(), reverification.clone());
            form.submit(&ctx, async move {
                // A session older than the step-up window (or one that skipped the
                // second factor on a remembered device) verifies first. The answer's
                // client carries the session, active now or on to its next task.
                reverification.run(|| clerk.change_password(&p)).await?;
                Ok(())
            });
        })
    };
    let sign_out = {
        let clerk = ctx.clerk.clone();
        Callback::from(move |_| {
            let clerk = clerk.clone();
            spawn_local(async move {
                let _ = clerk.sign_out_and_redirect().await;
            });
        })
    };
    let footer = html! { <LinkButton label={ctx.t("taskSetupMfa.signOut")} onclick={sign_out} /> };
    html! {
        <Card title={ctx.t("taskResetPassword.title")} subtitle={ctx.t("taskResetPassword.subtitle")} {footer}>
            <Alert message={form.errors.global.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <NewPasswordFields name="new_password" node_ref={field}
                    value={(*password).clone()}
                    oninput={let s = password.clone(); Callback::from(move |v| s.set(v))}
                    error={form.errors.field("new_password")}
                    sign_out_others={*others}
                    on_sign_out_others={let o = others.clone(); Callback::from(move |v| o.set(v))} />
                <SubmitButton label={ctx.t("signIn.resetPassword.formButtonPrimary")} busy={form.busy} />
            </form>
        </Card>
    }
}
