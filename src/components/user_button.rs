//! `<UserButton/>`: the avatar (or initials) that opens a menu to manage the account
//! or sign out.

use fapi_types::{Session, User};
use yew::{platform::spawn_local, prelude::*};

use crate::{components::modal::UserProfileMode, context::use_clerk_context};

#[derive(Properties, PartialEq)]
pub struct UserButtonProps {
    /// Show the user's name beside the avatar.
    #[prop_or_default]
    pub show_name: bool,
    /// Where "Manage account" leads (default: the provider's, then the instance's).
    #[prop_or_default]
    pub user_profile_url: Option<AttrValue>,
    /// Where to go after signing out (default: the provider's after-sign-out URL).
    #[prop_or_default]
    pub after_sign_out_url: Option<AttrValue>,
    /// "Manage account" goes to the profile page (default) or opens it in a modal
    /// ([`UserProfileMode::modal`]).
    #[prop_or_default]
    pub user_profile_mode: UserProfileMode,
    /// Multi-session mode: where to go after switching accounts (default: stay).
    #[prop_or_default]
    pub after_switch_session_url: Option<AttrValue>,
}

/// Up to two letters for the avatar: initials of the name, else of the identifier.
pub fn initials(user: &User) -> String {
    let from_names: String = [&user.first_name, &user.last_name]
        .into_iter()
        .flatten()
        .filter_map(|n| n.chars().next())
        .collect();
    if !from_names.is_empty() {
        return from_names.to_uppercase();
    }
    user.primary_email_address()
        .map(|e| e.email_address.as_str())
        .or(user.username.as_deref())
        .and_then(|s| s.chars().next())
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default()
}

fn display_name(user: &User) -> String {
    let name = [&user.first_name, &user.last_name]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        user.primary_email_address()
            .map(|e| e.email_address.clone())
            .unwrap_or_default()
    } else {
        name
    }
}

/// The signed-in user's button and menu; renders nothing when signed out.
#[component]
pub fn UserButton(props: &UserButtonProps) -> Html {
    let ctx = use_clerk_context();
    let open = use_state(|| false);
    let trigger = use_node_ref();
    let Some(user) = ctx.state.user().cloned() else {
        return html! {};
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let onkeydown = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                open.set(false);
            }
        })
    };
    if let UserProfileMode::Modal(components) = props.user_profile_mode {
        components.offer(&ctx.modals);
    }
    let manage = {
        let (clerk, url, open, mode, trigger) = (
            ctx.clerk.clone(),
            props.user_profile_url.clone(),
            open.clone(),
            props.user_profile_mode,
            trigger.clone(),
        );
        Callback::from(move |_| {
            open.set(false);
            if let UserProfileMode::Modal(_) = mode {
                // The menu item goes away: focus comes back to the trigger on close.
                if let Some(t) = trigger.cast::<web_sys::HtmlElement>() {
                    let _ = t.focus();
                }
                return clerk.open_user_profile();
            }
            let target = url
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_else(|| clerk.user_profile_target());
            clerk.navigate(&target);
        })
    };
    let multi = ctx.state.is_multi_session();
    let others: Vec<Session> = ctx
        .state
        .signed_in_sessions()
        .into_iter()
        .skip(1)
        .cloned()
        .collect();
    // One account: sign out. Several (multi-session mode): sign out of this one, and
    // the next account becomes the active one; "Sign out of all accounts" ends all.
    let sign_out = |all: bool| {
        let (clerk, url, open) = (
            ctx.clerk.clone(),
            props.after_sign_out_url.clone(),
            open.clone(),
        );
        let only_this = multi && !all;
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            let (clerk, url) = (clerk.clone(), url.clone());
            spawn_local(async move {
                let done = if only_this {
                    clerk.sign_out_current_session().await
                } else {
                    clerk.sign_out().await
                };
                if done.is_ok() && !clerk.state().is_signed_in() {
                    let target = url
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| clerk.after_sign_out_url());
                    clerk.navigate(&target);
                }
            });
        })
    };
    let switch_to = |id: String| {
        let (clerk, url, open) = (
            ctx.clerk.clone(),
            props.after_switch_session_url.clone(),
            open.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            let (clerk, url, id) = (clerk.clone(), url.clone(), id.clone());
            spawn_local(async move {
                let _ = clerk.set_active_and_redirect(&id, url.as_deref()).await;
            });
        })
    };
    let add_account = {
        let (clerk, open) = (ctx.clerk.clone(), open.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            clerk.redirect_to_sign_in();
        })
    };
    let action = |modifier: &str| {
        classes!(
            ctx.class("button"),
            ctx.class("userButtonPopoverActionButton"),
            format!("cl-userButtonPopoverActionButton__{modifier}")
        )
    };
    let accounts = others.iter().filter_map(|s| {
        let user = s.user.as_ref()?;
        let name = display_name(user);
        let label = ctx.t_with("userButton.action__switchTo", &[("identifier", &name)]);
        let email = user
            .primary_email_address()
            .map(|e| e.email_address.clone());
        Some(html! {
            <button type="button" role="menuitem" class={action("session")}
                aria-label={label} onclick={switch_to(s.id.clone())}>
                <span class={ctx.class("avatarBox")} aria-hidden="true">{ initials(user) }</span>
                <span class={ctx.class("userPreviewTextContainer")}>
                    <span class={ctx.class("userPreviewMainIdentifier")}>{ name }</span>
                    if let Some(email) = email {
                        <span class={ctx.class("userPreviewSecondaryIdentifier")}>{ email }</span>
                    }
                </span>
            </button>
        })
    });
    let multi_actions = multi.then(|| {
        html! {
            <>
                { for accounts }
                <button type="button" role="menuitem" onclick={add_account} class={action("addAccount")}>
                    { ctx.t("userButton.action__addAccount") }
                </button>
                if !others.is_empty() {
                    <button type="button" role="menuitem" onclick={sign_out(true)} class={action("signOutAll")}>
                        { ctx.t("userButton.action__signOutAll") }
                    </button>
                }
            </>
        }
    });
    let name = display_name(&user);
    let email = user
        .primary_email_address()
        .map(|e| e.email_address.clone());
    let avatar = html! {
        <span class={ctx.class("avatarBox")} aria-hidden="true">
            if user.has_image && !user.image_url.is_empty() {
                <img class={ctx.class("avatarImage")} src={user.image_url.clone()} alt="" />
            } else {
                { initials(&user) }
            }
        </span>
    };
    html! {
        <div class={ctx.class("userButtonBox")} {onkeydown} lang={ctx.localization.locale()}>
            <button ref={trigger} type="button" class={ctx.class("userButtonTrigger")} onclick={toggle}
                aria-haspopup="menu" aria-expanded={open.to_string()}
                aria-label={format!("{} ({name})", ctx.t("userButton.trigger"))}>
                { avatar.clone() }
            </button>
            if props.show_name {
                <span class={ctx.class("userButtonOuterIdentifier")}>{ name.clone() }</span>
            }
            if *open {
                <div class={ctx.class("userButtonPopoverCard")} role="menu">
                    <div class={ctx.class("userPreview")}>
                        { avatar }
                        <div class={ctx.class("userPreviewTextContainer")}>
                            <span class={ctx.class("userPreviewMainIdentifier")}>{ name }</span>
                            if let Some(email) = email {
                                <span class={ctx.class("userPreviewSecondaryIdentifier")}>{ email }</span>
                            }
                        </div>
                    </div>
                    <button type="button" role="menuitem" onclick={manage} class={action("manageAccount")}>
                        { ctx.t("userButton.action__manageAccount") }
                    </button>
                    <button type="button" role="menuitem" onclick={sign_out(false)} class={action("signOut")}>
                        { ctx.t("userButton.action__signOut") }
                    </button>
                    { for multi_actions }
                </div>
            }
        </div>
    }
}
