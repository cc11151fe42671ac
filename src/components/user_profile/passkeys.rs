//! The Passkeys section of the Security page: add one (the browser makes it), rename
//! and remove them. A passkey signs in without a password and is also a second factor.

use fapi_types::Passkey;
use yew::prelude::*;

use super::{
    identifications::run,
    two_step::{may_remove_a_factor, MethodProps},
};
use crate::{
    browser::local_time,
    components::ui::{use_form, Alert, Field, FieldKind, SubmitButton},
    context::{use_clerk_context, ClerkContext},
    hooks::use_reverification,
};

#[component]
pub fn PasskeysSection(props: &MethodProps) -> Html {
    let ctx = use_clerk_context();
    let error = use_state(|| None::<String>);
    let added = use_state(|| false);
    let renaming = use_state(|| None::<String>);
    let reverification = use_reverification();
    let on_added = {
        let (added, enabled) = (added.clone(), props.on_enabled.clone());
        Callback::from(move |()| {
            added.set(true);
            if let Some(enabled) = &enabled {
                enabled.emit(());
            }
        })
    };
    let removable = may_remove_a_factor(&ctx, &props.user);
    html! {
        <section class={ctx.class("profileSection")} data-section="passkeys">
            <h3 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.passkeysSection.title") }</h3>
            <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.start.passkeysSection.subtitle") }</p>
            <Alert message={(*error).clone()} />
            if *added {
                <Alert message={Some(ctx.t("userProfile.start.passkeysSection.success"))} kind="success" />
            }
            if !props.user.passkeys.is_empty() {
                <ul class={ctx.class("profileSectionItemList")}>
                    { for props.user.passkeys.iter().map(|p| {
                        if renaming.as_deref() == Some(p.id.as_str()) {
                            html! { <RenamePasskey key={p.id.clone()} passkey={p.clone()}
                                on_done={let r = renaming.clone(); Callback::from(move |_| r.set(None))} /> }
                        } else {
                            row(&ctx, p, removable, &renaming, &error, &reverification)
                        }
                    }) }
                </ul>
            }
            <AddPasskey {on_added} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct AddPasskeyProps {
    /// The passkey is made and checked.
    pub on_added: Callback<()>,
}

/// "Add a passkey": the browser makes one, behind "Verify it's you" when the session
/// is not fresh. Alone in the set-up task; with the list in the profile. Only on a
/// click: Safari opens the dialog for nothing else.
#[component]
pub fn AddPasskey(props: &AddPasskeyProps) -> Html {
    let ctx = use_clerk_context();
    let form = use_form(&[]);
    let reverification = use_reverification();
    let onclick = {
        let (ctx, form, reverification, on_added) = (
            ctx.clone(),
            form.clone(),
            reverification.clone(),
            props.on_added.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (clerk, reverification, on_added) =
                (ctx.clerk.clone(), reverification.clone(), on_added.clone());
            // One at a time: a second click would ask the authenticator again.
            form.submit(&ctx, async move {
                reverification.run(|| clerk.create_passkey()).await?;
                on_added.emit(());
                Ok(())
            });
        })
    };
    html! {
        <>
            <Alert message={form.errors.global.clone()} />
            <button type="button" class={classes!(ctx.class("button"), "cl-passkeyAddButton")}
                {onclick} disabled={form.busy} aria-busy={form.busy.to_string()}>
                { ctx.t("userProfile.start.passkeysSection.primaryButton") }
            </button>
        </>
    }
}

/// A passkey's name, when it was made and last used, and its actions.
fn row(
    ctx: &ClerkContext,
    p: &Passkey,
    removable: bool,
    renaming: &UseStateHandle<Option<String>>,
    error: &UseStateHandle<Option<String>>,
    reverification: &crate::hooks::ReverificationHandle,
) -> Html {
    let locale = ctx.localization.locale();
    let name = p
        .name
        .clone()
        .unwrap_or_else(|| ctx.t("userProfile.start.passkeysSection.unnamed"));
    let created = ctx.t_with(
        "userProfile.start.passkeysSection.created",
        &[("date", &local_time(p.created_at, locale, false))],
    );
    let used = p.last_used_at.map(|at| {
        ctx.t_with(
            "userProfile.start.passkeysSection.lastUsed",
            &[("date", &local_time(at, locale, false))],
        )
    });
    let rename = {
        let (renaming, id) = (renaming.clone(), p.id.clone());
        Callback::from(move |_| renaming.set(Some(id.clone())))
    };
    let remove = {
        let (ctx, id, error, reverification) = (
            ctx.clone(),
            p.id.clone(),
            error.clone(),
            reverification.clone(),
        );
        Callback::from(move |_| {
            let (clerk, id, reverification) =
                (ctx.clerk.clone(), id.clone(), reverification.clone());
            run(&ctx, &error, async move {
                reverification
                    .run(|| clerk.delete_passkey(&id))
                    .await
                    .map(|_| ())
            });
        })
    };
    html! {
        <li class={classes!(ctx.class("profileSectionItem"), "cl-passkeyItem")} key={p.id.clone()}>
            <span>
                <span class="cl-passkeyName">{ name }</span>
                <span class={ctx.class("formFieldHintText")}>
                    { created }
                    if let Some(used) = used { { " · " }{ used } }
                </span>
            </span>
            <span class={ctx.class("profileSectionItemActions")}>
                <button type="button" class={ctx.class("button")} onclick={rename}>
                    { ctx.t("userProfile.start.passkeysSection.menuAction__rename") }
                </button>
                if removable {
                    <button type="button" class={classes!(ctx.class("button"), "cl-button__danger")} onclick={remove}>
                        { ctx.t("userProfile.start.passkeysSection.menuAction__destructive") }
                    </button>
                }
            </span>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct RenameProps {
    passkey: Passkey,
    on_done: Callback<()>,
}

#[component]
fn RenamePasskey(props: &RenameProps) -> Html {
    let ctx = use_clerk_context();
    let name = use_state(|| props.passkey.name.clone().unwrap_or_default());
    let form = use_form(&["name"]);
    let onsubmit = {
        let (ctx, name, form, id, done) = (
            ctx.clone(),
            name.clone(),
            form.clone(),
            props.passkey.id.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (clerk, value, id, done) =
                (ctx.clerk.clone(), (*name).clone(), id.clone(), done.clone());
            form.submit(&ctx, async move {
                clerk.update_passkey(&id, &value).await?;
                done.emit(());
                Ok(())
            });
        })
    };
    html! {
        <li class={ctx.class("profileSectionItem")}>
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.passkeyScreen.subtitle__rename") }</p>
                <Alert message={form.errors.global.clone()} />
                <Field name="name" label={ctx.t("formFieldLabel__passkeyName")} kind={FieldKind::Text} required=true
                    value={(*name).clone()} oninput={let s = name.clone(); Callback::from(move |v| s.set(v))}
                    error={form.errors.field("name")} />
                <span class={ctx.class("profileSectionItemActions")}>
                    <button type="button" class={ctx.class("button")}
                        onclick={let done = props.on_done.clone(); Callback::from(move |_| done.emit(()))}>
                        { ctx.t("cancel") }
                    </button>
                    <SubmitButton label={ctx.t("userProfile.passkeyScreen.save")} busy={form.busy} />
                </span>
            </form>
        </li>
    }
}
