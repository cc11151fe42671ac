//! Render children by auth state: `<Show>` (Clerk Core 3), `<SignedIn>`,
//! `<SignedOut>`, `<ClerkLoaded>`, `<ClerkLoading>`, `<Protect>`.

use yew::{html::IntoPropValue, prelude::*};

use crate::context::use_clerk_context;

#[derive(Properties, PartialEq)]
pub struct ChildrenProps {
    #[prop_or_default]
    pub children: Html,
}

#[derive(Properties, PartialEq)]
pub struct SignedInProps {
    /// A pending session (MFA required, none set up yet) counts as signed out, as in
    /// Clerk; false shows the children to it too.
    #[prop_or(true)]
    pub treat_pending_as_signed_out: bool,
    #[prop_or_default]
    pub children: Html,
}

/// Children only when someone is signed in.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn Header() -> Html {
///     html! {
///         <header>
///             <SignedIn><UserButton /></SignedIn>
///             <SignedOut><a href="/sign-in">{ "Sign in" }</a></SignedOut>
///         </header>
///     }
/// }
/// ```
#[component]
pub fn SignedIn(props: &SignedInProps) -> Html {
    let ctx = use_clerk_context();
    let signed_in = ctx
        .state
        .is_signed_in_counting_pending(props.treat_pending_as_signed_out);
    if ctx.state.loaded && signed_in {
        props.children.clone()
    } else {
        html! {}
    }
}

/// Children only when loaded and nobody is signed in.
#[component]
pub fn SignedOut(props: &SignedInProps) -> Html {
    let ctx = use_clerk_context();
    let signed_in = ctx
        .state
        .is_signed_in_counting_pending(props.treat_pending_as_signed_out);
    if ctx.state.loaded && !signed_in {
        props.children.clone()
    } else {
        html! {}
    }
}

/// Children once Clerk has loaded.
#[component]
pub fn ClerkLoaded(props: &ChildrenProps) -> Html {
    let ctx = use_clerk_context();
    if ctx.state.loaded {
        props.children.clone()
    } else {
        html! {}
    }
}

/// Children while Clerk is loading.
#[component]
pub fn ClerkLoading(props: &ChildrenProps) -> Html {
    let ctx = use_clerk_context();
    if ctx.state.loaded {
        html! {}
    } else {
        props.children.clone()
    }
}

#[derive(Properties, PartialEq)]
pub struct ProtectProps {
    /// Extra condition on the signed-in user (for example, a verified email).
    #[prop_or_default]
    pub condition: Option<Callback<fapi_types::User, bool>>,
    /// Shown instead when signed out or when the condition fails.
    #[prop_or_default]
    pub fallback: Html,
    /// As on `<SignedIn>`: a pending session gets the fallback unless this is false.
    #[prop_or(true)]
    pub treat_pending_as_signed_out: bool,
    #[prop_or_default]
    pub children: Html,
}

/// The signed-in user, if any (a pending session counts only when told to).
fn signed_in_user(
    ctx: &crate::context::ClerkContext,
    treat_pending_as_signed_out: bool,
) -> Option<&fapi_types::User> {
    ctx.state
        .is_signed_in_counting_pending(treat_pending_as_signed_out)
        .then(|| ctx.state.user())
        .flatten()
}

/// Children only for a signed-in user who meets `condition`; else `fallback`.
#[component]
pub fn Protect(props: &ProtectProps) -> Html {
    let ctx = use_clerk_context();
    if !ctx.state.loaded {
        return html! {};
    }
    let user = signed_in_user(&ctx, props.treat_pending_as_signed_out);
    let allowed = match (user, &props.condition) {
        (Some(user), Some(condition)) => condition.emit(user.clone()),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if allowed {
        props.children.clone()
    } else {
        props.fallback.clone()
    }
}

/// What `<Show when=...>` asks for: `"signed-in"`, `"signed-out"`, or a condition on
/// the signed-in user (Clerk's `when={(has) => ...}`; this SDK has no organisations,
/// so no roles or permissions).
#[derive(Clone, PartialEq)]
pub enum When {
    SignedIn,
    SignedOut,
    /// Signed in, and this holds for the user.
    User(Callback<fapi_types::User, bool>),
}

/// `when="signed-in"` / `when="signed-out"`, as in Clerk. Anything else shows
/// nothing (and says so in the console).
impl IntoPropValue<When> for &'static str {
    fn into_prop_value(self) -> When {
        match self {
            "signed-in" => When::SignedIn,
            "signed-out" => When::SignedOut,
            other => {
                web_sys::console::error_1(
                    &format!(
                        "yew-clerk: <Show when={other:?}>: use \"signed-in\" or \"signed-out\""
                    )
                    .into(),
                );
                When::User(Callback::from(|_| false))
            }
        }
    }
}

impl IntoPropValue<When> for Callback<fapi_types::User, bool> {
    fn into_prop_value(self) -> When {
        When::User(self)
    }
}

#[derive(Properties, PartialEq)]
pub struct ShowProps {
    pub when: When,
    /// Shown instead when `when` does not hold (once loaded).
    #[prop_or_default]
    pub fallback: Html,
    /// As on `<SignedIn>`: a pending session counts as signed out unless this is false.
    #[prop_or(true)]
    pub treat_pending_as_signed_out: bool,
    #[prop_or_default]
    pub children: Html,
}

/// Clerk Core 3's `<Show>`: children when `when` holds, else `fallback`; nothing
/// while loading. `<SignedIn>` and `<SignedOut>` stay, as shorthands.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn Header() -> Html {
///     let verified = Callback::from(|u: yew_clerk::types::User| u.two_factor_enabled);
///     html! {
///         <header>
///             <Show when="signed-in" fallback={html! { <a href="/sign-in">{ "Sign in" }</a> }}>
///                 <UserButton />
///             </Show>
///             <Show when={verified}><p>{ "Two-step verification is on." }</p></Show>
///         </header>
///     }
/// }
/// ```
#[component]
pub fn Show(props: &ShowProps) -> Html {
    let ctx = use_clerk_context();
    if !ctx.state.loaded {
        return html! {};
    }
    let user = signed_in_user(&ctx, props.treat_pending_as_signed_out);
    let holds = match (&props.when, user) {
        (When::SignedOut, user) => user.is_none(),
        (When::SignedIn, user) => user.is_some(),
        (When::User(condition), Some(user)) => condition.emit(user.clone()),
        (When::User(_), None) => false,
    };
    if holds {
        props.children.clone()
    } else {
        props.fallback.clone()
    }
}
