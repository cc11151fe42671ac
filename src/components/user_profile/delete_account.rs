//! "Delete account", Clerk's danger section at the foot of the security page, shown
//! only when the instance lets users delete their accounts
//! (`user.delete_self_enabled`). The button opens the confirmation: Clerk's warning,
//! and a field where the user types the phrase ("Delete account", in the UI's
//! language) before the button that deletes is enabled. The deletion asks "Verify
//! it's you" when the session's verification is old, and afterwards the user is
//! signed out as after "Sign out": on to the next account on this device in
//! multi-session mode, else to the after-sign-out URL.

use yew::prelude::*;

use crate::{
    components::ui::{use_focus_on_mount, use_form, Alert, Field},
    context::use_clerk_context,
    hooks::use_reverification,
};

#[component]
pub fn DeleteSection() -> Html {
    let ctx = use_clerk_context();
    let open = use_state(|| false);
    let opener = use_node_ref();
    let toggle = |to: bool| {
        let open = open.clone();
        Callback::from(move |_| open.set(to))
    };
    // Cancelled: focus goes back to the button that opened the form.
    {
        let (opener, was_open) = (opener.clone(), use_mut_ref(|| false));
        use_effect_with(*open, move |open| {
            if !*open && *was_open.borrow() {
                if let Some(button) = opener.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
            *was_open.borrow_mut() = *open;
        });
    }
    html! {
        <section class={ctx.class("profileSection")} data-section="danger"
            aria-labelledby="cl-dangerSection-title">
            <h3 id="cl-dangerSection-title" class={ctx.class("profileSectionTitle")}>
                { ctx.t("userProfile.start.dangerSection.title") }
            </h3>
            if *open {
                <DeleteForm on_cancel={toggle(false)} />
            } else {
                <div>
                    <button ref={opener} type="button" onclick={toggle(true)}
                        class={classes!(ctx.class("button"), "cl-button__danger", "cl-deleteAccountButton")}>
                        { ctx.t("userProfile.start.dangerSection.deleteAccountButton") }
                    </button>
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DeleteFormProps {
    on_cancel: Callback<MouseEvent>,
}

/// Clerk's `DeleteUserForm`.
#[component]
fn DeleteForm(props: &DeleteFormProps) -> Html {
    let ctx = use_clerk_context();
    let typed = use_state(String::new);
    let form = use_form(&["deleteConfirmation"]);
    let reverification = use_reverification();
    let input = use_node_ref();
    use_focus_on_mount(input.clone());
    // As Clerk compares it: exactly the phrase the placeholder shows.
    let phrase = ctx.t("formFieldInputPlaceholder__confirmDeletionUserAccount");
    let confirmed = *typed == phrase;
    let onsubmit = {
        let (ctx, form, reverification) = (ctx.clone(), form.clone(), reverification.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !confirmed {
                return;
            }
            let (clerk, reverification) = (ctx.clerk.clone(), reverification.clone());
            form.submit(&ctx, async move {
                reverification.run(|| clerk.delete_user()).await?;
                // Signed out, as "Sign out" leaves the user: the next account on this
                // device becomes the active one, else off to the after-sign-out URL.
                let next = clerk
                    .state()
                    .signed_in_sessions()
                    .first()
                    .map(|s| s.id.clone());
                match next {
                    Some(id) => clerk.set_active(&id).await?,
                    None => clerk.navigate(&clerk.after_sign_out_url()),
                }
                Ok(())
            });
        })
    };
    html! {
        <form class={classes!(ctx.class("form"), "cl-deleteAccountForm")} {onsubmit} novalidate=true
            aria-labelledby="cl-deletePage-title">
            <h4 id="cl-deletePage-title" class={ctx.class("profileSectionTitle")}>
                { ctx.t("userProfile.deletePage.title") }
            </h4>
            <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.deletePage.messageLine1") }</p>
            <p class="cl-deleteAccountWarning">{ ctx.t("userProfile.deletePage.messageLine2") }</p>
            <Alert message={form.errors.global.clone()} />
            <Field name="deleteConfirmation" label={ctx.t("userProfile.deletePage.actionDescription")}
                placeholder={phrase} autocomplete="off" required=true node_ref={input}
                value={(*typed).clone()} oninput={let t = typed.clone(); Callback::from(move |v| t.set(v))}
                error={form.errors.field("deleteConfirmation")} />
            <div class={ctx.class("profileSectionItemActions")}>
                <button type="button" class={ctx.class("button")} onclick={props.on_cancel.clone()}>
                    { ctx.t("formButtonReset") }
                </button>
                <button type="submit" class={classes!(ctx.class("formButtonPrimary"), "cl-formButtonPrimary__danger")}
                    disabled={!confirmed || form.busy} aria-busy={form.busy.to_string()}>
                    { ctx.t("userProfile.deletePage.confirm") }
                </button>
            </div>
        </form>
    }
}
