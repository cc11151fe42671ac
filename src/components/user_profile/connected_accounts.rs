//! The Connected accounts section of the Account page: the providers joined to the
//! account (each can be removed), and a button to connect each other one the
//! instance offers. Connecting leaves for the provider and comes back to this page,
//! with why when it did not work.

use fapi_types::{ExternalAccount, Strategy, User};
use yew::prelude::*;

use super::identifications::run;
use crate::{
    browser,
    clerk::failure_in_url,
    components::{
        social::offered_providers,
        ui::{provider_logo, use_form, Alert},
    },
    context::{use_clerk_context, ClerkContext},
    hooks::{use_reverification, ReverificationHandle},
};

#[derive(Properties, PartialEq)]
pub struct ConnectedAccountsProps {
    pub user: User,
}

#[component]
pub fn ConnectedAccounts(props: &ConnectedAccountsProps) -> Html {
    let ctx = use_clerk_context();
    let reverification = use_reverification();
    // Back from a provider that said no, or whose account is someone else's.
    let error = use_state(|| failure_in_url().map(|e| ctx.error_text(&e)));
    use_effect_with((), |_| {
        browser::take_query_param("__clerk_status");
        browser::take_query_param("__clerk_error_code");
    });
    let offered = offered_providers(ctx.state.environment.as_deref());
    let joined: Vec<&ExternalAccount> = props
        .user
        .external_accounts
        .iter()
        .filter(|a| {
            a.verification
                .as_ref()
                .is_none_or(|v| v.status == fapi_types::VerificationStatus::Verified)
        })
        .collect();
    if offered.is_empty() && joined.is_empty() {
        return html! {};
    }
    let name_of = |provider: &str| {
        offered
            .iter()
            .find(|(s, _)| s == provider)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| provider.trim_start_matches("oauth_").to_owned())
    };
    let to_connect: Vec<(String, String)> = offered
        .iter()
        .filter(|(s, _)| !joined.iter().any(|a| &a.provider == s))
        .cloned()
        .collect();
    html! {
        <section class={ctx.class("profileSection")} data-section="connected_accounts">
            <h3 class={ctx.class("profileSectionTitle")}>
                { ctx.t("userProfile.start.connectedAccountsSection.title") }
            </h3>
            <Alert message={(*error).clone()} />
            if !joined.is_empty() {
                <ul class={ctx.class("profileSectionItemList")}>
                    { for joined.iter().map(|a| account_row(&ctx, a, &name_of(&a.provider), &error, &reverification)) }
                </ul>
            }
            { for to_connect.into_iter().map(|(strategy, name)| {
                let key = strategy.clone();
                html! { <Connect {key} {strategy} {name} /> }
            }) }
        </section>
    }
}

/// One joined provider account: its mark, name and email, and "Remove".
fn account_row(
    ctx: &ClerkContext,
    account: &ExternalAccount,
    name: &str,
    error: &UseStateHandle<Option<String>>,
    reverification: &ReverificationHandle,
) -> Html {
    let remove = {
        let (ctx, id, error) = (ctx.clone(), account.id.clone(), error.clone());
        let reverification = reverification.clone();
        Callback::from(move |_| {
            let (clerk, id, reverification) =
                (ctx.clerk.clone(), id.clone(), reverification.clone());
            run(&ctx, &error, async move {
                reverification
                    .run(|| clerk.delete_external_account(&id))
                    .await
                    .map(|_| ())
            });
        })
    };
    let label = ctx.t_with(
        "userProfile.start.connectedAccountsSection.destructiveActionAccessibilityLabel",
        &[("provider", name)],
    );
    html! {
        <li class={classes!(ctx.class("profileSectionItem"), "cl-connectedAccount")} key={account.id.clone()}
            data-provider={account.provider.clone()}>
            <span class="cl-connectedAccountIdentity">
                { provider_logo(&account.provider, name) }
                <span>
                    <span class="cl-connectedAccountName">{ name.to_owned() }</span>
                    if !account.email_address.is_empty() {
                        <span class={ctx.class("formFieldHintText")}>{ account.email_address.clone() }</span>
                    }
                </span>
            </span>
            <span class={ctx.class("profileSectionItemActions")}>
                <button type="button" class={classes!(ctx.class("button"), "cl-button__danger")}
                    onclick={remove} aria-label={label}>
                    { ctx.t("userProfile.start.connectedAccountsSection.destructiveActionTitle") }
                </button>
            </span>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ConnectProps {
    strategy: String,
    name: String,
}

/// "Connect Google": to the provider (after "Verify it's you" when the session is
/// not fresh), back to this page.
#[component]
fn Connect(props: &ConnectProps) -> Html {
    let ctx = use_clerk_context();
    let form = use_form(&[]);
    let reverification = use_reverification();
    let onclick = {
        let (ctx, form, reverification) = (ctx.clone(), form.clone(), reverification.clone());
        let strategy = Strategy::from(props.strategy.as_str());
        Callback::from(move |_: MouseEvent| {
            let (clerk, reverification, strategy) =
                (ctx.clerk.clone(), reverification.clone(), strategy.clone());
            let back = browser::current_href();
            form.submit(&ctx, async move {
                reverification
                    .run(|| clerk.connect_external_account(&strategy, &back))
                    .await
            });
        })
    };
    html! {
        <>
            <Alert message={form.errors.global.clone()} />
            <button type="button" class={classes!(ctx.class("button"), "cl-connectedAccountAdd")}
                data-provider={props.strategy.clone()} {onclick} disabled={form.busy}>
                { provider_logo(&props.strategy, &props.name) }
                <span>{ ctx.t_with("userProfile.start.connectedAccountsSection.connect", &[("provider", &props.name)]) }</span>
            </button>
        </>
    }
}
