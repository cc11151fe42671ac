//! Two-step verification by a code to an email address (where the instance offers
//! it): the verified addresses reserved for it, and a way to reserve one.

use fapi_types::{params, EmailAddress, VerificationStatus};
use yew::prelude::*;

use super::{
    identifications::run,
    two_step::{may_remove_a_factor, BackupCodeList, MethodProps},
};
use crate::{components::ui::Alert, context::use_clerk_context, hooks::use_reverification};

fn verified(e: &EmailAddress) -> bool {
    e.verification
        .as_ref()
        .is_some_and(|v| v.status == VerificationStatus::Verified)
}

#[component]
pub fn EmailCodeSection(props: &MethodProps) -> Html {
    let ctx = use_clerk_context();
    let error = use_state(|| None::<String>);
    let success = use_state(|| false);
    let codes = use_state(|| None::<Vec<String>>);
    let reverification = use_reverification();
    let (reserved, available): (Vec<EmailAddress>, Vec<EmailAddress>) = props
        .user
        .email_addresses
        .iter()
        .filter(|e| verified(e))
        .cloned()
        .partition(|e| e.reserved_for_second_factor);

    // Reserve (`true`) or release an address.
    let update = {
        let (ctx, error, success, codes, reverification, enabled) = (
            ctx.clone(),
            error.clone(),
            success.clone(),
            codes.clone(),
            reverification.clone(),
            props.on_enabled.clone(),
        );
        Callback::from(move |(id, reserve): (String, bool)| {
            let (clerk, success, codes, reverification, enabled) = (
                ctx.clerk.clone(),
                success.clone(),
                codes.clone(),
                reverification.clone(),
                enabled.clone(),
            );
            success.set(false);
            run(&ctx, &error, async move {
                let p = params::UpdateEmailAddress {
                    reserved_for_second_factor: Some(reserve),
                    default_second_factor: None,
                };
                let email = reverification
                    .run(|| clerk.update_email_address(&id, &p))
                    .await?;
                if !reserve {
                    return Ok(());
                }
                success.set(true);
                match email.backup_codes.filter(|c| !c.is_empty()) {
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
    let removable = may_remove_a_factor(&ctx, &props.user);
    html! {
        <div class={ctx.class("profileSubsection")} data-section="mfa-email">
            <h4 class={ctx.class("profileSectionTitle")}>{ ctx.t("userProfile.start.mfaSection.emailCode.headerTitle") }</h4>
            <Alert message={(*error).clone()} />
            if *success {
                <Alert message={Some(ctx.t("userProfile.start.mfaSection.emailCode.success"))} kind="success" />
            }
            if !reserved.is_empty() {
                <ul class={ctx.class("profileSectionItemList")}>
                    { for reserved.iter().map(|e| {
                        let release = update.reform({ let id = e.id.clone(); move |_| (id.clone(), false) });
                        html! {
                            <li class={classes!(ctx.class("profileSectionItem"), "cl-mfaEmailCodeItem")} key={e.id.clone()}>
                                <span>{ e.email_address.clone() }</span>
                                if removable {
                                    <span class={ctx.class("profileSectionItemActions")}>
                                        <button type="button" class={classes!(ctx.class("button"), "cl-button__danger")} onclick={release}>
                                            { ctx.t("userProfile.start.mfaSection.emailCode.destructiveActionLabel") }
                                        </button>
                                    </span>
                                }
                            </li>
                        }
                    }) }
                </ul>
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
            } else {
                <div class={ctx.class("alternativeMethods")}>
                    { for available.iter().map(|e| {
                        let reserve = update.reform({ let id = e.id.clone(); move |_| (id.clone(), true) });
                        html! {
                            <button type="button" class={classes!(ctx.class("button"), "cl-mfaEmailChoice")} onclick={reserve}>
                                { ctx.t_with("userProfile.start.mfaSection.emailCode.actionLabel__use", &[("identifier", &e.email_address)]) }
                            </button>
                        }
                    }) }
                </div>
            }
        </div>
    }
}
