use fapi_types::{params, SessionWithActivity, User, VerificationStatus};
use yew::{platform::spawn_local, prelude::*};

use super::{
    account::PageProps,
    email_second_factor::EmailCodeSection,
    identifications::{run, VerifyIdentification},
    passkeys::PasskeysSection,
    two_step::{may_remove_a_factor, AuthenticatorApp, BackupCodeList, BackupCodes, MethodProps},
};
use crate::{
    components::ui::{use_form, Alert, Field, FieldKind, NewPasswordFields, SubmitButton},
    context::use_clerk_context,
    hooks::use_reverification,
    IdentificationKind,
};

#[component]
pub fn SecurityPage(props: &PageProps) -> Html {
    let ctx = use_clerk_context();
    let offers = |f: &str| ctx.state.offers_second_factor(f);
    let user = props.user.clone();
    html! {
        <>
            <h2 class={ctx.class("headerTitle")}>{ ctx.t("userProfile.start.headerTitle__security") }</h2>
            <PasswordSection user={user.clone()} />
            if offers("totp") || offers("phone_code") || offers("email_code") {
                <section class={ctx.class("profileSection")} data-section="two_step">
                    <h3 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.mfaSection.title") }</h3>
                    <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.start.mfaSection.subtitle") }</p>
                    if !user.two_factor_enabled {
                        <p class={ctx.class("mfaStatus")}>{ ctx.t("userProfile.start.mfaSection.none") }</p>
                    }
                    if offers("totp") {
                        <AuthenticatorApp user={user.clone()} />
                    }
                    if offers("phone_code") {
                        <MfaSection user={user.clone()} />
                    }
                    if offers("email_code") {
                        <EmailCodeSection user={user.clone()} />
                    }
                    if offers("backup_code") {
                        <BackupCodes user={user.clone()} />
                    }
                </section>
            }
            if ctx.state.environment.as_deref().is_some_and(|e| e.user_settings.enabled("passkey").is_some()) {
                <PasskeysSection user={user.clone()} />
            }
            <ActiveDevices />
            if user.delete_self_enabled {
                <super::delete_account::DeleteSection />
            }
        </>
    }
}

#[component]
fn PasswordSection(props: &PageProps) -> Html {
    let ctx = use_clerk_context();
    let current = use_state(String::new);
    let new = use_state(String::new);
    let others = use_state(|| true);
    let form = use_form(&["current_password", "new_password"]);
    let done = use_state(|| false);
    let reverification = use_reverification();
    let has_password = props.user.password_enabled;
    // With reverification on, a fresh "Verify it's you" stands in for the current
    // password (as in Clerk); otherwise it is asked here.
    let ask_current = has_password
        && !ctx
            .state
            .environment
            .as_deref()
            .is_some_and(|e| e.auth_config.reverification);
    let onsubmit = {
        let (current, new, others, form, done, ctx, reverification) = (
            current.clone(),
            new.clone(),
            others.clone(),
            form.clone(),
            done.clone(),
            ctx.clone(),
            reverification.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            done.set(false);
            let p = params::ChangePassword {
                current_password: ask_current.then(|| (*current).clone()),
                new_password: (*new).clone(),
                sign_out_of_other_sessions: Some(*others),
            };
            let (clerk, current, new, done) = (
                ctx.clerk.clone(),
                current.clone(),
                new.clone(),
                done.clone(),
            );
            let reverification = reverification.clone();
            form.submit(&ctx, async move {
                reverification.run(|| clerk.change_password(&p)).await?;
                current.set(String::new());
                new.set(String::new());
                done.set(true);
                Ok(())
            });
        })
    };
    let button = if has_password {
        "userProfile.start.passwordSection.primaryButton__updatePassword"
    } else {
        "userProfile.start.passwordSection.primaryButton__setPassword"
    };
    html! {
        <section class={ctx.class("profileSection")} data-section="password">
            <h3 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.passwordSection.title") }</h3>
            <Alert message={form.errors.global.clone()} />
            if *done {
                <Alert message={Some(ctx.t("userProfile.start.passwordSection.success"))} kind="success" />
            }
            <form class={ctx.class("form")} {onsubmit} novalidate=true>
                if ask_current {
                    <Field name="current_password" label={ctx.t("formFieldLabel__currentPassword")} kind={FieldKind::CurrentPassword} required=true
                        value={(*current).clone()} oninput={let s = current.clone(); Callback::from(move |v| s.set(v))}
                        error={form.errors.field("current_password")} />
                }
                <NewPasswordFields name="new_password"
                    value={(*new).clone()} oninput={let s = new.clone(); Callback::from(move |v| s.set(v))}
                    error={form.errors.field("new_password")}
                    sign_out_others={*others}
                    on_sign_out_others={let o = others.clone(); Callback::from(move |v| o.set(v))} />
                <SubmitButton label={ctx.t(button)} busy={form.busy} />
            </form>
        </section>
    }
}

/// Two-step verification by SMS code: the phones reserved for it, the default one,
/// and a wizard to add one (pick a verified phone, or add and verify a new one). When
/// this turns two-step verification on, the backup codes that came with it are shown.
#[component]
pub(crate) fn MfaSection(props: &MethodProps) -> Html {
    let ctx = use_clerk_context();
    let adding = use_state(|| props.autostart);
    let pending = use_state(|| None::<(String, String)>);
    let new_phone = use_state(String::new);
    let add_form = use_form(&["phone_number"]);
    let error = use_state(|| None::<String>);
    let success = use_state(|| false);
    let codes = use_state(|| None::<Vec<String>>);
    let reverification = use_reverification();
    let user: &User = &props.user;
    let verified = |p: &fapi_types::PhoneNumber| {
        p.verification
            .as_ref()
            .is_some_and(|v| v.status == VerificationStatus::Verified)
    };
    // The default second factor first; a partition, not a sort (no sort in the bundle).
    let (mut reserved, others): (Vec<_>, Vec<_>) = user
        .phone_numbers
        .iter()
        .filter(|p| verified(p) && p.reserved_for_second_factor)
        .cloned()
        .partition(|p| p.default_second_factor);
    reserved.extend(others);
    let available: Vec<_> = user
        .phone_numbers
        .iter()
        .filter(|p| verified(p) && !p.reserved_for_second_factor)
        .cloned()
        .collect();

    let reserve = {
        let (ctx, error, adding, success, codes, reverification, enabled) = (
            ctx.clone(),
            error.clone(),
            adding.clone(),
            success.clone(),
            codes.clone(),
            reverification.clone(),
            props.on_enabled.clone(),
        );
        Callback::from(move |id: String| {
            let (clerk, adding, success, codes, reverification, enabled) = (
                ctx.clerk.clone(),
                adding.clone(),
                success.clone(),
                codes.clone(),
                reverification.clone(),
                enabled.clone(),
            );
            run(&ctx, &error, async move {
                let p = params::UpdatePhoneNumber {
                    reserved_for_second_factor: Some(true),
                    default_second_factor: None,
                };
                let phone = reverification
                    .run(|| clerk.update_phone_number(&id, &p))
                    .await?;
                adding.set(false);
                success.set(true);
                match phone.backup_codes.filter(|c| !c.is_empty()) {
                    Some(list) => codes.set(Some(list)),
                    None => {
                        if let Some(enabled) = &enabled {
                            enabled.emit(());
                        }
                    }
                }
                Ok(())
            });
        })
    };
    let add_phone = {
        let (ctx, new_phone, add_form, pending, reverification) = (
            ctx.clone(),
            new_phone.clone(),
            add_form.clone(),
            pending.clone(),
            reverification.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (clerk, value, pending, reverification) = (
                ctx.clerk.clone(),
                (*new_phone).clone(),
                pending.clone(),
                reverification.clone(),
            );
            add_form.submit(&ctx, async move {
                let p = params::CreatePhoneNumber {
                    phone_number: value.trim().to_owned(),
                    reserved_for_second_factor: None,
                };
                let phone = reverification.run(|| clerk.create_phone_number(&p)).await?;
                clerk
                    .prepare_identification_verification(IdentificationKind::PhoneNumber, &phone.id)
                    .await?;
                pending.set(Some((phone.id, phone.phone_number)));
                Ok(())
            });
        })
    };
    let removable = may_remove_a_factor(&ctx, user);
    let row = |p: &fapi_types::PhoneNumber| {
        let make_default = {
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
                    let p = params::UpdatePhoneNumber {
                        reserved_for_second_factor: None,
                        default_second_factor: Some(true),
                    };
                    reverification
                        .run(|| clerk.update_phone_number(&id, &p))
                        .await
                        .map(|_| ())
                });
            })
        };
        let remove = {
            let (ctx, id, error, success, codes, reverification) = (
                ctx.clone(),
                p.id.clone(),
                error.clone(),
                success.clone(),
                codes.clone(),
                reverification.clone(),
            );
            Callback::from(move |_| {
                let (clerk, id, reverification) =
                    (ctx.clerk.clone(), id.clone(), reverification.clone());
                success.set(false);
                codes.set(None);
                run(&ctx, &error, async move {
                    let p = params::UpdatePhoneNumber {
                        reserved_for_second_factor: Some(false),
                        default_second_factor: None,
                    };
                    reverification
                        .run(|| clerk.update_phone_number(&id, &p))
                        .await
                        .map(|_| ())
                });
            })
        };
        html! {
            <li class={classes!(ctx.class("profileSectionItem"), "cl-mfaPhoneCodeItem")} key={p.id.clone()}>
                <span>
                    { format!("SMS · {}", p.phone_number) }
                    if p.default_second_factor { <span class={ctx.class("badge")}>{ ctx.t("userProfile.start.mfaSection.phoneCode.default") }</span> }
                </span>
                <span class={ctx.class("profileSectionItemActions")}>
                    if !p.default_second_factor {
                        <button type="button" class={ctx.class("button")} onclick={make_default}>{ ctx.t("userProfile.start.mfaSection.phoneCode.actionLabel__setDefault") }</button>
                    }
                    if removable {
                        <button type="button" class={classes!(ctx.class("button"), "cl-button__danger")} onclick={remove}>{ ctx.t("userProfile.start.mfaSection.phoneCode.destructiveActionLabel") }</button>
                    }
                </span>
            </li>
        }
    };
    let on_verified = {
        let (pending, reserve) = (pending.clone(), reserve.clone());
        Callback::from(move |_| {
            if let Some((id, _)) = (*pending).clone() {
                pending.set(None);
                reserve.emit(id);
            }
        })
    };
    html! {
        <div class={ctx.class("profileSubsection")} data-section="mfa">
            <h4 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.mfaSection.phoneCode.headerTitle") }</h4>
            <Alert message={Some(ctx.t("userProfile.start.mfaSection.smsRisk"))} kind="warning" />
            <Alert message={(*error).clone()} />
            if *success {
                <Alert message={Some(ctx.t("userProfile.mfaPhoneCodePage.success"))} kind="success" />
            }
            if !reserved.is_empty() {
                <ul class={ctx.class("profileSectionItemList")}>{ for reserved.iter().map(row) }</ul>
            }
            if let Some(list) = (*codes).clone() {
                <BackupCodeList codes={list} on_done={
                    let (c, enabled) = (codes.clone(), props.on_enabled.clone());
                    Callback::from(move |_| {
                        c.set(None);
                        if let Some(enabled) = &enabled {
                            enabled.emit(());
                        }
                    })
                } />
            } else if let Some((id, value)) = (*pending).clone() {
                <VerifyIdentification kind={IdentificationKind::PhoneNumber} {id} {value}
                    title={ctx.t("userProfile.phoneNumberPage.verifyTitle")} on_done={on_verified} />
            } else if *adding {
                <div class={ctx.class("mfaAdd")}>
                    <h4 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.mfaPhoneCodePage.title") }</h4>
                    if !available.is_empty() {
                        <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.mfaPhoneCodePage.subtitle__availablePhoneNumbers") }</p>
                        <div class={ctx.class("alternativeMethods")}>
                            { for available.iter().map(|p| {
                                let id = p.id.clone();
                                html! {
                                    <button type="button" class={classes!(ctx.class("button"), "cl-mfaPhoneChoice")}
                                        onclick={reserve.reform(move |_| id.clone())}>{ p.phone_number.clone() }</button>
                                }
                            }) }
                        </div>
                    }
                    <p class={ctx.class("formFieldHintText")}>{ ctx.t("userProfile.mfaPhoneCodePage.subtitle__unavailablePhoneNumbers") }</p>
                    <form class={ctx.class("form")} onsubmit={add_phone} novalidate=true>
                        <Alert message={add_form.errors.global.clone()} />
                        <Field name="phone_number" label={ctx.t("formFieldLabel__phoneNumber")} kind={FieldKind::Tel} required=true
                            value={(*new_phone).clone()} oninput={let s = new_phone.clone(); Callback::from(move |v| s.set(v))}
                            error={add_form.errors.field("phone_number")} />
                        <SubmitButton label={ctx.t("userProfile.mfaPhoneCodePage.primaryButton__addPhoneNumber")} busy={add_form.busy} />
                    </form>
                </div>
            } else {
                <button type="button" class={classes!(ctx.class("button"), "cl-mfaAddButton")}
                    onclick={let a = adding.clone(); let s = success.clone(); Callback::from(move |_| { s.set(false); a.set(true) })}>
                    { ctx.t("userProfile.start.mfaSection.primaryButton") }
                </button>
            }
        </div>
    }
}

/// Where the user is signed in; other devices can be signed out.
#[component]
fn ActiveDevices() -> Html {
    let ctx = use_clerk_context();
    let sessions = use_state(|| None::<Vec<SessionWithActivity>>);
    let error = use_state(|| None::<String>);
    let refresh = use_state(|| 0u32);
    let reverification = use_reverification();
    {
        let (ctx, sessions, error) = (ctx.clone(), sessions.clone(), error.clone());
        use_effect_with(*refresh, move |_| {
            spawn_local(async move {
                match ctx.clerk.active_sessions().await {
                    Ok(list) => sessions.set(Some(list)),
                    Err(e) => error.set(Some(ctx.error_text(&e))),
                }
            });
        });
    }
    let current = ctx.state.session().map(|s| s.id.clone());
    html! {
        <section class={ctx.class("profileSection")} data-section="devices">
            <h3 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.activeDevicesSection.title") }</h3>
            <Alert message={(*error).clone()} />
            <ul class={ctx.class("profileSectionItemList")}>
                { for sessions.iter().flatten().map(|s| {
                    let activity = s.latest_activity.clone();
                    let browser = activity.as_ref().and_then(|a| a.browser_name.clone()).unwrap_or_else(|| "Browser".into());
                    let ip = activity.as_ref().and_then(|a| a.ip_address.clone()).unwrap_or_default();
                    let this = current.as_deref() == Some(s.session.id.as_str());
                    let revoke = {
                        let (ctx, id, error, refresh, reverification) =
                            (ctx.clone(), s.session.id.clone(), error.clone(), refresh.clone(), reverification.clone());
                        Callback::from(move |_| {
                            let (clerk, id, refresh, reverification) =
                                (ctx.clerk.clone(), id.clone(), refresh.clone(), reverification.clone());
                            run(&ctx, &error, async move {
                                reverification.run(|| clerk.revoke_session(&id)).await?;
                                refresh.set(*refresh + 1);
                                Ok(())
                            });
                        })
                    };
                    html! {
                        <li class={ctx.class("profileSectionItem")} key={s.session.id.clone()}>
                            <span>
                                { format!("{browser} · {ip}") }
                                if this { <span class={ctx.class("badge")}>{ ctx.t("userProfile.start.activeDevicesSection.thisDevice") }</span> }
                            </span>
                            if !this {
                                <button type="button" class={classes!(ctx.class("button"), "cl-button__danger")} onclick={revoke}>
                                    { ctx.t("userProfile.start.activeDevicesSection.signOut") }
                                </button>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
