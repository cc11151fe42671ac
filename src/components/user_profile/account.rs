use fapi_types::{params, User};
use yew::{platform::spawn_local, prelude::*};

use super::identifications::Identifications;
use crate::{
    components::ui::{Alert, Field, FormErrors, SubmitButton},
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
        </>
    }
}

#[component]
fn ProfileSection(props: &PageProps) -> Html {
    let ctx = use_clerk_context();
    let first = use_state(|| props.user.first_name.clone().unwrap_or_default());
    let last = use_state(|| props.user.last_name.clone().unwrap_or_default());
    let busy = use_state(|| false);
    let errors = use_state(FormErrors::default);
    let saved = use_state(|| false);
    let onsubmit = {
        let (first, last, busy, errors, saved, ctx) = (
            first.clone(),
            last.clone(),
            busy.clone(),
            errors.clone(),
            saved.clone(),
            ctx.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            busy.set(true);
            saved.set(false);
            let p = params::UpdateUser {
                first_name: Some((*first).clone()),
                last_name: Some((*last).clone()),
                ..Default::default()
            };
            let (busy, errors, saved, ctx) =
                (busy.clone(), errors.clone(), saved.clone(), ctx.clone());
            spawn_local(async move {
                match ctx.clerk.update_user(&p).await {
                    Ok(_) => {
                        errors.set(FormErrors::default());
                        saved.set(true);
                    }
                    Err(e) => errors.set(FormErrors::from_error(
                        &ctx,
                        &e,
                        &["first_name", "last_name"],
                    )),
                }
                busy.set(false);
            });
        })
    };
    html! {
        <section class={ctx.class("profileSection")} aria-labelledby="cl-profile-title">
            <h3 id="cl-profile-title" class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.profileSection.title") }</h3>
            <Alert message={errors.global.clone()} />
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                <div class={ctx.class("formFieldRow")}>
                    <Field name="first_name" label={ctx.t("formFieldLabel__firstName")} autocomplete={AttrValue::Static("given-name")}
                        value={(*first).clone()} oninput={let s = first.clone(); Callback::from(move |v| s.set(v))}
                        error={errors.field("first_name")} />
                    <Field name="last_name" label={ctx.t("formFieldLabel__lastName")} autocomplete={AttrValue::Static("family-name")}
                        value={(*last).clone()} oninput={let s = last.clone(); Callback::from(move |v| s.set(v))}
                        error={errors.field("last_name")} />
                </div>
                <SubmitButton label={ctx.t("userProfile.start.profileSection.primaryButton")} busy={*busy} />
                if *saved {
                    <div class={classes!(ctx.class("alert"), "cl-alert__success")} role="status">{ "✓" }</div>
                }
            </form>
        </section>
    }
}
