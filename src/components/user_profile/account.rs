use fapi_types::{params, User};
use yew::prelude::*;

use super::{connected_accounts::ConnectedAccounts, identifications::Identifications};
use crate::{
    components::ui::{use_form, Alert, Field, SubmitButton},
    context::use_clerk_context,
    IdentificationKind,
};

#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub user: User,
}

#[component]
pub fn AccountPage(props: &PageProps) -> Html {
    let ctx = use_clerk_context();
    let env = ctx.state.environment.clone();
    let phones_on = env
        .as_deref()
        .and_then(|e| e.user_settings.enabled("phone_number"))
        .is_some();
    html! {
        <>
            <h2 class={ctx.class("headerTitle")}>{ ctx.t("userProfile.start.headerTitle__account") }</h2>
            <ProfileSection user={props.user.clone()} />
            <Identifications kind={IdentificationKind::EmailAddress} user={props.user.clone()} />
            if phones_on {
                <Identifications kind={IdentificationKind::PhoneNumber} user={props.user.clone()} />
            }
            <ConnectedAccounts user={props.user.clone()} />
        </>
    }
}

#[component]
fn ProfileSection(props: &PageProps) -> Html {
    let ctx = use_clerk_context();
    let first = use_state(|| props.user.first_name.clone().unwrap_or_default());
    let last = use_state(|| props.user.last_name.clone().unwrap_or_default());
    let form = use_form(&["first_name", "last_name"]);
    let saved = use_state(|| false);
    let onsubmit = {
        let (first, last, form, saved, ctx) = (
            first.clone(),
            last.clone(),
            form.clone(),
            saved.clone(),
            ctx.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            saved.set(false);
            let p = params::UpdateUser {
                first_name: Some((*first).clone()),
                last_name: Some((*last).clone()),
                ..Default::default()
            };
            let (clerk, saved) = (ctx.clerk.clone(), saved.clone());
            form.submit(&ctx, async move {
                clerk.update_user(&p).await?;
                saved.set(true);
                Ok(())
            });
        })
    };
    html! {
        <section class={ctx.class("profileSection")} aria-labelledby="cl-profile-title">
            <h3 id="cl-profile-title" class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.profileSection.title") }</h3>
            <Alert message={form.errors.global.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <div class={ctx.class("formFieldRow")}>
                    <Field name="first_name" label={ctx.t("formFieldLabel__firstName")} autocomplete={AttrValue::Static("given-name")}
                        value={(*first).clone()} oninput={let s = first.clone(); Callback::from(move |v| s.set(v))}
                        error={form.errors.field("first_name")} />
                    <Field name="last_name" label={ctx.t("formFieldLabel__lastName")} autocomplete={AttrValue::Static("family-name")}
                        value={(*last).clone()} oninput={let s = last.clone(); Callback::from(move |v| s.set(v))}
                        error={form.errors.field("last_name")} />
                </div>
                <SubmitButton label={ctx.t("userProfile.start.profileSection.primaryButton")} busy={form.busy} />
                if *saved {
                    <div class={classes!(ctx.class("alert"), "cl-alert__success")} role="status">{ "✓" }</div>
                }
            </form>
        </section>
    }
}
