//! `<UserProfile/>`: the account (name, email addresses, phone numbers) and security
//! (password, two-step verification, active devices, and deleting the account where
//! the instance allows it) of the signed-in user.

mod account;
mod connected_accounts;
mod delete_account;
pub(crate) mod email_second_factor;
mod identifications;
pub(crate) mod passkeys;
pub(crate) mod security;
pub(crate) mod two_step;

use yew::prelude::*;

use crate::{
    components::{lazy::chunk, status::LoadingCard},
    context::use_clerk_context,
    localization::{bring_english, en_us},
};

/// The profile's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UserProfilePage {
    #[default]
    Account,
    Security,
}

#[derive(Properties, PartialEq)]
pub struct UserProfileProps {
    #[prop_or_default]
    pub initial_page: UserProfilePage,
}

/// The signed-in user's profile; renders nothing when signed out.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn AccountPage() -> Html {
///     html! {
///         <>
///             <SignedIn><UserProfile /></SignedIn>
///             <SignedOut><RedirectToSignIn /></SignedOut>
///         </>
///     }
/// }
/// ```
#[component]
pub fn UserProfile(props: &UserProfileProps) -> Html {
    PROFILE.render(props.initial_page)
}

chunk! {
    /// The profile is never the first thing a visitor sees: in a split build, its own
    /// chunk, loaded when a page or a modal shows it.
    static PROFILE: UserProfilePage = user_profile => draw_profile
}

fn draw_profile(page: &UserProfilePage) -> Html {
    bring_english(en_us::PROFILE);
    html! { <Profile initial_page={*page} /> }
}

#[component]
fn Profile(props: &UserProfileProps) -> Html {
    let ctx = use_clerk_context();
    let page = use_state(|| props.initial_page);
    if !ctx.state.loaded {
        return html! { <LoadingCard /> };
    }
    let Some(user) = ctx.state.user().cloned() else {
        return html! {};
    };
    let tab = |p: UserProfilePage, key: &str| {
        let page = page.clone();
        let current = (*page == p).then_some("page");
        html! {
            <button type="button" class={classes!(ctx.class("button"), ctx.class("navbarButton"))}
                aria-current={current} onclick={Callback::from(move |_| page.set(p))}>
                { ctx.t(key) }
            </button>
        }
    };
    html! {
        <div class={ctx.class("rootBox")} lang={ctx.localization.locale()}>
            <div class={ctx.class("userProfile")}>
                <nav class={ctx.class("navbar")} aria-label={ctx.t("userProfile.navbar.title")}>
                    <h1 class={ctx.class("navbarTitle")}>{ ctx.t("userProfile.navbar.title") }</h1>
                    { tab(UserProfilePage::Account, "userProfile.navbar.account") }
                    { tab(UserProfilePage::Security, "userProfile.navbar.security") }
                </nav>
                // Not <main>: that landmark is the app's, which wraps its pages in one.
                <div class={ctx.class("pageScrollBox")}>
                    {
                        match *page {
                            UserProfilePage::Account => html! { <account::AccountPage user={user} /> },
                            UserProfilePage::Security => html! { <security::SecurityPage user={user} /> },
                        }
                    }
                </div>
            </div>
        </div>
    }
}
