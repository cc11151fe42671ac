//! Components in a modal, as Clerk opens them: the dialog frame (focus moves in and
//! is kept there, Escape or the close button or a click outside closes it, focus goes
//! back to where it was, the page under it does not scroll), and the drawings of
//! `<SignIn/>`, `<SignUp/>` and `<UserProfile/>` in it. "Verify it's you" uses the
//! same frame.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, Node};
use yew::prelude::*;

use crate::{
    components::{flow_route::Routing, SignIn, SignUp, UserProfile},
    context::{use_clerk_context, ModalFn, ModalSlots},
    Modal, RedirectOptions,
};

/// Told to the components inside a modal: done, they close it instead of leaving.
#[derive(Clone, PartialEq)]
pub(crate) struct InModal;

/// The components a modal can show, brought along by what can open them: a value of
/// this type is what links `<SignIn/>` (or the profile) into the app, so an app that
/// never opens a modal does not carry one. Made by [`ButtonMode::modal`] and
/// [`UserProfileMode::modal`].
#[derive(Clone, Copy)]
pub struct ModalComponents([Option<ModalFn>; 3]);

impl ModalComponents {
    /// `<SignIn/>` and `<SignUp/>`, so each can hand over to the other.
    fn sign_in_and_up() -> Self {
        ModalComponents([Some(draw_sign_in), Some(draw_sign_up), None])
    }

    fn user_profile() -> Self {
        ModalComponents([None, None, Some(draw_user_profile)])
    }

    fn all() -> Self {
        ModalComponents([
            Some(draw_sign_in),
            Some(draw_sign_up),
            Some(draw_user_profile),
        ])
    }

    /// Leaves the drawings with the provider.
    pub(crate) fn offer(&self, slots: &ModalSlots) {
        let kinds = [
            Modal::SignIn(RedirectOptions::default()),
            Modal::SignUp(RedirectOptions::default()),
            Modal::UserProfile,
        ];
        for (kind, draw) in kinds.iter().zip(self.0) {
            if let Some(draw) = draw {
                slots.offer(kind, draw);
            }
        }
    }
}

/// Every `ModalComponents` of a kind draws the same: equal as props.
impl PartialEq for ModalComponents {
    fn eq(&self, other: &Self) -> bool {
        self.0.map(|d| d.is_some()) == other.0.map(|d| d.is_some())
    }
}

impl std::fmt::Debug for ModalComponents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ModalComponents")
    }
}

/// How `<SignInButton>` and `<SignUpButton>` show their component (Clerk's `mode`).
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn Header() -> Html {
///     html! { <SignInButton mode={ButtonMode::modal()} /> }
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum ButtonMode {
    /// Go to the sign-in (or sign-up) page, coming back here after.
    #[default]
    Redirect,
    /// Open it in a modal over this page. Make it with [`ButtonMode::modal`].
    Modal(ModalComponents),
}

impl ButtonMode {
    /// A modal, with `<SignIn/>` and `<SignUp/>` brought along for it.
    pub fn modal() -> Self {
        ButtonMode::Modal(ModalComponents::sign_in_and_up())
    }
}

/// How `<UserButton>`'s "Manage account" shows the profile (Clerk's `userProfileMode`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum UserProfileMode {
    /// Go to the profile page.
    #[default]
    Navigation,
    /// Open `<UserProfile/>` in a modal. Make it with [`UserProfileMode::modal`].
    Modal(ModalComponents),
}

impl UserProfileMode {
    /// A modal, with `<UserProfile/>` brought along for it.
    pub fn modal() -> Self {
        UserProfileMode::Modal(ModalComponents::user_profile())
    }
}

/// The components for [`crate::Clerk::open_sign_in`], `open_sign_up` and
/// `open_user_profile` when the app opens modals from its own code.
pub(crate) fn all_modal_components() -> ModalComponents {
    ModalComponents::all()
}

fn draw_sign_in(modal: Modal) -> Html {
    let Modal::SignIn(o) = modal else {
        return html! {};
    };
    let fallback = o.redirect_url.or(o.sign_in_fallback_redirect_url);
    html! {
        <ModalFrame label_key="signIn.start.title">
            <SignIn routing={Routing::Virtual}
                force_redirect_url={o.sign_in_force_redirect_url.map(AttrValue::from)}
                fallback_redirect_url={fallback.map(AttrValue::from)} />
        </ModalFrame>
    }
}

fn draw_sign_up(modal: Modal) -> Html {
    let Modal::SignUp(o) = modal else {
        return html! {};
    };
    let fallback = o.redirect_url.or(o.sign_up_fallback_redirect_url);
    html! {
        <ModalFrame label_key="signUp.start.title">
            <SignUp routing={Routing::Virtual}
                force_redirect_url={o.sign_up_force_redirect_url.map(AttrValue::from)}
                fallback_redirect_url={fallback.map(AttrValue::from)} />
        </ModalFrame>
    }
}

fn draw_user_profile(_: Modal) -> Html {
    html! {
        <ModalFrame label_key="userProfile.navbar.title" wide=true>
            <UserProfile />
        </ModalFrame>
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct ModalFrameProps {
    /// The dialog's accessible name (a localization key; `{{applicationName}}` filled).
    pub label_key: &'static str,
    #[prop_or_default]
    pub wide: bool,
    /// What closing does (default: close the core's modal).
    #[prop_or_default]
    pub on_close: Option<Callback<()>>,
    pub children: Html,
}

const FOCUSABLE: &str =
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
     select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

fn active_element() -> Option<HtmlElement> {
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into()
        .ok()
}

fn focusables(dialog: &HtmlElement) -> Vec<HtmlElement> {
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
        return vec![];
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|e| e.offset_parent().is_some())
        .collect()
}

fn contains(outer: &HtmlElement, inner: Option<&HtmlElement>) -> bool {
    inner.is_some_and(|i| outer.contains(Some(i.unchecked_ref::<Node>())))
}

/// The dialog around a modal's component, and around "Verify it's you".
#[component]
pub(crate) fn ModalFrame(props: &ModalFrameProps) -> Html {
    let ctx = use_clerk_context();
    let dialog = use_node_ref();
    super::scroll_lock::use_scroll_lock();
    // Whatever had focus when the modal opened (the button that opened it).
    let opener = use_state(active_element);
    {
        let (dialog, opener) = (dialog.clone(), (*opener).clone());
        use_effect_with((), move |_| {
            if let Some(d) = dialog.cast::<HtmlElement>() {
                // The component focuses its first field; else the dialog takes focus.
                if !contains(&d, active_element().as_ref()) {
                    match focusables(&d)
                        .into_iter()
                        .find(|e| !e.class_name().contains("cl-modalCloseButton"))
                    {
                        Some(first) => first.focus().ok(),
                        None => d.focus().ok(),
                    };
                }
            }
            move || {
                if let Some(o) = opener.filter(|o| o.is_connected()) {
                    let _ = o.focus();
                }
            }
        });
    }
    let close = props.on_close.clone().unwrap_or_else(|| {
        let clerk = ctx.clerk.clone();
        Callback::from(move |_: ()| clerk.close_modal())
    });
    let onkeydown = {
        let (close, dialog) = (close.clone(), dialog.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                close.emit(());
                return;
            }
            let Some(d) = dialog.cast::<HtmlElement>() else {
                return;
            };
            if e.key() != "Tab" {
                return;
            }
            // Focus stays in the dialog: past the last element comes the first.
            let all = focusables(&d);
            let (Some(first), Some(last)) = (all.first(), all.last()) else {
                e.prevent_default();
                return;
            };
            let active = active_element();
            let at = |el: &HtmlElement| active.as_ref() == Some(el);
            if e.shift_key() && (at(first) || active.as_ref().is_some_and(|a| a == &d)) {
                e.prevent_default();
                let _ = last.focus();
            } else if !e.shift_key() && at(last) || !contains(&d, active.as_ref()) {
                // Past the end, or focus somehow outside: back to the first.
                e.prevent_default();
                let _ = first.focus();
            }
        })
    };
    // A click on the backdrop itself (not one that ends there after a drag) closes.
    let onclick = {
        let close = close.clone();
        Callback::from(move |e: MouseEvent| {
            if e.target() == e.current_target() {
                close.emit(());
            }
        })
    };
    let label = ctx.t_with(
        props.label_key,
        &[("applicationName", ctx.state.application_name())],
    );
    let content = if props.wide {
        classes!(ctx.class("modalContent"), "cl-modalContent__wide")
    } else {
        ctx.class("modalContent")
    };
    html! {
        <div class={ctx.class("modalBackdrop")} {onclick}>
            <div ref={dialog} class={content} role="dialog" aria-modal="true"
                aria-label={label} tabindex="-1" {onkeydown}>
                <button type="button" class={ctx.class("modalCloseButton")}
                    aria-label={ctx.t("modal.close")} onclick={close.reform(|_| ())}>
                    <span aria-hidden="true">{ "×" }</span>
                </button>
                <ContextProvider<InModal> context={InModal}>
                    { props.children.clone() }
                </ContextProvider<InModal>>
            </div>
        </div>
    }
}
