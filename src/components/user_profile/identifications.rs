//! Email addresses or phone numbers: list, add (then verify by code), verify, make
//! primary, remove.

use fapi_types::{params, User, VerificationStatus};
use yew::{platform::spawn_local, prelude::*};

use crate::{
    components::ui::{use_form, Action, Alert, CodeForm, Field, FieldKind, SubmitButton},
    context::{use_clerk_context, ClerkContext},
    hooks::use_reverification,
    ClerkError, IdentificationKind,
};

/// One row, whichever the kind.
#[derive(Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub value: String,
    pub verified: bool,
    pub primary: bool,
}

pub fn rows(user: &User, kind: IdentificationKind) -> Vec<Row> {
    let verified = |v: &Option<fapi_types::Verification>| {
        v.as_ref()
            .is_some_and(|v| v.status == VerificationStatus::Verified)
    };
    match kind {
        IdentificationKind::EmailAddress => user
            .email_addresses
            .iter()
            .map(|e| Row {
                id: e.id.clone(),
                value: e.email_address.clone(),
                verified: verified(&e.verification),
                primary: user.primary_email_address_id.as_deref() == Some(&e.id),
            })
            .collect(),
        IdentificationKind::PhoneNumber => user
            .phone_numbers
            .iter()
            .map(|p| Row {
                id: p.id.clone(),
                value: p.phone_number.clone(),
                verified: verified(&p.verification),
                primary: user.primary_phone_number_id.as_deref() == Some(&p.id),
            })
            .collect(),
    }
}

/// Runs an account action and reports failure in the section's alert.
pub fn run(
    ctx: &ClerkContext,
    errors: &UseStateHandle<Option<String>>,
    job: impl std::future::Future<Output = Result<(), ClerkError>> + 'static,
) {
    let (errors, ctx) = (errors.clone(), ctx.clone());
    spawn_local(async move {
        match job.await {
            Ok(()) | Err(ClerkError::Cancelled) => errors.set(None),
            Err(e) => errors.set(Some(ctx.error_text(&e))),
        }
    });
}

/// The param each kind's add form fills (indexed by `IdentificationKind as usize`).
const FIELD_OF: [&[&str]; 2] = [&["email_address"], &["phone_number"]];

#[derive(Properties, PartialEq)]
pub struct IdentificationsProps {
    pub kind: IdentificationKind,
    pub user: User,
}

#[component]
pub fn Identifications(props: &IdentificationsProps) -> Html {
    let ctx = use_clerk_context();
    let kind = props.kind;
    let verifying = use_state(|| None::<String>);
    let adding = use_state(|| false);
    let new_value = use_state(String::new);
    let add_form = use_form(FIELD_OF[kind as usize]);
    let section_error = use_state(|| None::<String>);
    let reverification = use_reverification();
    let (title_key, button_key, param, label_key, field_kind, info_key, verify_key) = match kind {
        IdentificationKind::EmailAddress => (
            "userProfile.start.emailAddressesSection.title",
            "userProfile.start.emailAddressesSection.primaryButton",
            "email_address",
            "formFieldLabel__emailAddress",
            FieldKind::Email,
            "userProfile.emailAddressPage.infoText",
            "userProfile.emailAddressPage.verifyTitle",
        ),
        IdentificationKind::PhoneNumber => (
            "userProfile.start.phoneNumbersSection.title",
            "userProfile.start.phoneNumbersSection.primaryButton",
            "phone_number",
            "formFieldLabel__phoneNumber",
            FieldKind::Tel,
            "userProfile.phoneNumberPage.infoText",
            "userProfile.phoneNumberPage.verifyTitle",
        ),
    };

    let start_verify = {
        let (ctx, verifying, section_error) =
            (ctx.clone(), verifying.clone(), section_error.clone());
        Callback::from(move |id: String| {
            let (clerk, verifying) = (ctx.clerk.clone(), verifying.clone());
            run(&ctx, &section_error, async move {
                match clerk.prepare_identification_verification(kind, &id).await {
                    Ok(_) => {}
                    Err(e) if e.is("verification_code_too_many_requests") => {}
                    Err(e) => return Err(e),
                }
                verifying.set(Some(id));
                Ok(())
            });
        })
    };
    let onsubmit = {
        let (ctx, new_value, add_form, adding, start_verify, reverification) = (
            ctx.clone(),
            new_value.clone(),
            add_form.clone(),
            adding.clone(),
            start_verify.clone(),
            reverification.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (clerk, value, adding, start_verify, reverification) = (
                ctx.clerk.clone(),
                (*new_value).clone(),
                adding.clone(),
                start_verify.clone(),
                reverification.clone(),
            );
            add_form.submit(&ctx, async move {
                let id = reverification
                    .run(|| async {
                        Ok(match kind {
                            IdentificationKind::EmailAddress => {
                                clerk.create_email_address(&value).await?.id
                            }
                            IdentificationKind::PhoneNumber => {
                                clerk
                                    .create_phone_number(&params::CreatePhoneNumber {
                                        phone_number: value.trim().to_owned(),
                                        reserved_for_second_factor: None,
                                    })
                                    .await?
                                    .id
                            }
                        })
                    })
                    .await?;
                adding.set(false);
                start_verify.emit(id);
                Ok(())
            });
        })
    };

    let list = rows(&props.user, kind);
    let only_verified = list.iter().filter(|r| r.verified).count() <= 1;
    let row_html = |row: &Row| {
        let set_primary = {
            let (ctx, id, section_error, reverification) = (
                ctx.clone(),
                row.id.clone(),
                section_error.clone(),
                reverification.clone(),
            );
            Callback::from(move |_| {
                let (clerk, id, reverification) =
                    (ctx.clerk.clone(), id.clone(), reverification.clone());
                let p = match kind {
                    IdentificationKind::EmailAddress => params::UpdateUser {
                        primary_email_address_id: Some(id),
                        ..Default::default()
                    },
                    IdentificationKind::PhoneNumber => params::UpdateUser {
                        primary_phone_number_id: Some(id),
                        ..Default::default()
                    },
                };
                run(&ctx, &section_error, async move {
                    reverification
                        .run(|| clerk.update_user(&p))
                        .await
                        .map(|_| ())
                });
            })
        };
        let remove = {
            let (ctx, id, section_error, reverification) = (
                ctx.clone(),
                row.id.clone(),
                section_error.clone(),
                reverification.clone(),
            );
            Callback::from(move |_| {
                let (clerk, id, reverification) =
                    (ctx.clerk.clone(), id.clone(), reverification.clone());
                run(&ctx, &section_error, async move {
                    reverification
                        .run(|| clerk.delete_identification(kind, &id))
                        .await
                        .map(|_| ())
                });
            })
        };
        let verify = start_verify.reform({
            let id = row.id.clone();
            move |_| id.clone()
        });
        html! {
            <li class={ctx.class("profileSectionItem")} key={row.id.clone()}>
                <span>
                    { row.value.clone() }
                    if row.primary { <span class={ctx.class("badge")}>{ ctx.t("userProfile.start.identification.primary") }</span> }
                    if !row.verified { <span class={classes!(ctx.class("badge"), "cl-badge__warning")}>{ ctx.t("userProfile.start.identification.unverified") }</span> }
                </span>
                <span class={ctx.class("profileSectionItemActions")}>
                    if row.verified && !row.primary {
                        <button type="button" class={ctx.class("button")} onclick={set_primary}>{ ctx.t("userProfile.start.identification.setPrimary") }</button>
                    }
                    if !row.verified {
                        <button type="button" class={ctx.class("button")} onclick={verify}>{ ctx.t("userProfile.start.identification.verify") }</button>
                    }
                    if !(row.verified && only_verified && kind == IdentificationKind::EmailAddress) {
                        <button type="button" class={classes!(ctx.class("button"), "cl-button__danger")} onclick={remove}>{ ctx.t("userProfile.start.identification.remove") }</button>
                    }
                </span>
            </li>
        }
    };
    let verifying_row = (*verifying)
        .clone()
        .and_then(|id| list.iter().find(|r| r.id == id && !r.verified).cloned());
    html! {
        <section class={ctx.class("profileSection")} data-kind={param}>
            <h3 class={ctx.class("profileSectionTitle")}>{ ctx.t(title_key) }</h3>
            <Alert message={(*section_error).clone()} />
            <ul class={ctx.class("profileSectionItemList")}>{ for list.iter().map(row_html) }</ul>
            if let Some(row) = verifying_row {
                <VerifyIdentification key={row.id.clone()} {kind} id={row.id.clone()} value={row.value.clone()}
                    title={ctx.t(verify_key)}
                    on_done={let v = verifying.clone(); Callback::from(move |_| v.set(None))} />
            }
            if *adding {
                <form class={ctx.class("form")} {onsubmit} novalidate=true>
                    <Alert message={add_form.errors.global.clone()} />
                    <p class={ctx.class("formFieldHintText")}>{ ctx.t(info_key) }</p>
                    <Field name={param} label={ctx.t(label_key)} kind={field_kind} required=true
                        value={(*new_value).clone()} oninput={let s = new_value.clone(); Callback::from(move |v| s.set(v))}
                        error={add_form.errors.field(param)} />
                    <SubmitButton label={ctx.t("formButtonPrimary")} busy={add_form.busy} />
                </form>
            } else {
                <button type="button" class={ctx.class("button")} onclick={let a = adding.clone(); Callback::from(move |_| a.set(true))}>
                    { ctx.t(button_key) }
                </button>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct VerifyIdentificationProps {
    pub kind: IdentificationKind,
    pub id: String,
    pub value: String,
    pub title: AttrValue,
    pub on_done: Callback<()>,
}

/// The inline code form for an email address or phone number whose code was sent.
#[component]
pub fn VerifyIdentification(props: &VerifyIdentificationProps) -> Html {
    let ctx = use_clerk_context();
    let submit = {
        let (clerk, kind, id, done) = (
            ctx.clerk.clone(),
            props.kind,
            props.id.clone(),
            props.on_done.clone(),
        );
        Action::new(move |code: String| {
            let (clerk, id, done) = (clerk.clone(), id.clone(), done.clone());
            async move {
                clerk
                    .attempt_identification_verification(kind, &id, &code)
                    .await?;
                done.emit(());
                Ok(())
            }
        })
    };
    let resend = {
        let (clerk, kind, id) = (ctx.clerk.clone(), props.kind, props.id.clone());
        Action::new(move |_: ()| {
            let (clerk, id) = (clerk.clone(), id.clone());
            async move {
                clerk
                    .prepare_identification_verification(kind, &id)
                    .await
                    .map(|_| ())
            }
        })
    };
    html! {
        <CodeForm inline=true title={props.title.clone()}
            subtitle={ctx.t_with("signUp.emailCode.subtitle", &[("identifier", &props.value)])}
            {submit} resend={Some(resend)} cooldown_seconds={30} />
    }
}
