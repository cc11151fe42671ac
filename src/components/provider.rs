use std::rc::Rc;

use yew::{platform::spawn_local, prelude::*};
use yew_router::prelude::use_navigator;

use fapi_types::SessionVerificationLevel;
use futures::channel::oneshot;

use crate::{
    client::FrontendApi,
    context::{ClerkContext, DialogSlot, ModalSlots},
    Appearance, Clerk, Localization, Modal, Urls,
};

/// Props of [`ClerkProvider`]: where the Frontend API is, where pages are, and how
/// the UI looks and speaks.
#[derive(Properties, PartialEq)]
pub struct ClerkProviderProps {
    /// A Clerk publishable key (`pk_test_…`, `pk_live_…`).
    #[prop_or_default]
    pub publishable_key: Option<AttrValue>,
    /// Or the Frontend API's URL: your `fapi-server`, or a proxy. Empty: this origin.
    #[prop_or_default]
    pub frontend_api: Option<AttrValue>,
    /// With `frontend_api`: identify the browser by dev browser token instead of cookie.
    #[prop_or_default]
    pub dev_browser: bool,
    #[prop_or_default]
    pub sign_in_url: Option<AttrValue>,
    #[prop_or_default]
    pub sign_up_url: Option<AttrValue>,
    #[prop_or_default]
    pub user_profile_url: Option<AttrValue>,
    /// After signing in, always go here, even over a `redirect_url` (Clerk's
    /// `signInForceRedirectUrl`). `<SignIn force_redirect_url>` and a
    /// `sign_in_force_redirect_url` in the page URL win over it.
    #[prop_or_default]
    pub sign_in_force_redirect_url: Option<AttrValue>,
    /// After signing in, when the URL has no `redirect_url` (Clerk's
    /// `signInFallbackRedirectUrl`).
    #[prop_or_default]
    pub sign_in_fallback_redirect_url: Option<AttrValue>,
    #[prop_or_default]
    pub sign_up_force_redirect_url: Option<AttrValue>,
    #[prop_or_default]
    pub sign_up_fallback_redirect_url: Option<AttrValue>,
    /// The former name of `sign_in_fallback_redirect_url`, kept as an alias.
    #[prop_or_default]
    pub after_sign_in_url: Option<AttrValue>,
    /// The former name of `sign_up_fallback_redirect_url`, kept as an alias.
    #[prop_or_default]
    pub after_sign_up_url: Option<AttrValue>,
    #[prop_or_default]
    pub after_sign_out_url: Option<AttrValue>,
    /// Other origins a `redirect_url` may point to (this one always may).
    #[prop_or_default]
    pub allowed_redirect_origins: Vec<AttrValue>,
    /// Pages for session tasks, as Clerk's `taskUrls`: without one, `<SignIn/>` and
    /// `<SignUp/>` walk a pending session through the task in place.
    #[prop_or_default]
    pub task_urls: TaskUrls,
    #[prop_or_default]
    pub appearance: Appearance,
    #[prop_or_default]
    pub localization: Localization,
    /// Adds the stylesheet to the page, so apps need no extra step.
    #[prop_or(true)]
    pub inject_styles: bool,
    #[prop_or_default]
    pub children: Html,
}

fn build(props: &ClerkProviderProps) -> Clerk {
    let api = match (&props.publishable_key, &props.frontend_api) {
        (Some(key), _) => FrontendApi::from_publishable_key(key),
        (None, Some(url)) => FrontendApi::from_url(url, props.dev_browser),
        (None, None) => FrontendApi::from_url("", props.dev_browser),
    };
    match api {
        Ok(api) => Clerk::new(api, Urls::default()),
        Err(e) => {
            let clerk = Clerk::new(
                FrontendApi::from_url("", false).expect("empty URL is valid"),
                Urls::default(),
            );
            clerk.fail(e);
            clerk
        }
    }
}

fn urls(props: &ClerkProviderProps) -> Urls {
    let s = |v: &Option<AttrValue>| v.as_ref().map(|v| v.to_string());
    Urls {
        sign_in: s(&props.sign_in_url),
        sign_up: s(&props.sign_up_url),
        user_profile: s(&props.user_profile_url),
        after_sign_in: s(&props.sign_in_fallback_redirect_url).or(s(&props.after_sign_in_url)),
        after_sign_up: s(&props.sign_up_fallback_redirect_url).or(s(&props.after_sign_up_url)),
        sign_in_force: s(&props.sign_in_force_redirect_url),
        sign_up_force: s(&props.sign_up_force_redirect_url),
        after_sign_out: s(&props.after_sign_out_url),
        task_setup_mfa: s(&props.task_urls.setup_mfa),
        task_reset_password: s(&props.task_urls.reset_password),
    }
}

/// Where each session task is done, if the app has a page for it.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn App() -> Html {
///     let tasks = TaskUrls { setup_mfa: Some("/setup-mfa".into()), ..Default::default() };
///     html! { <ClerkProvider frontend_api="http://localhost:3000" task_urls={tasks} /> }
/// }
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskUrls {
    /// The page with `<TaskSetupMfa/>`.
    pub setup_mfa: Option<AttrValue>,
    /// The page with `<TaskResetPassword/>`.
    pub reset_password: Option<AttrValue>,
}

/// Loads Clerk (environment and client in parallel) and gives every hook and
/// component below it the state. Put it inside your `BrowserRouter`, so redirects
/// to in-app pages go through the router.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
///
/// #[component]
/// fn App() -> Html {
///     html! {
///         <ClerkProvider frontend_api="http://localhost:3000" sign_in_url="/sign-in">
///             <SignedOut><SignIn /></SignedOut>
///             <SignedIn><UserButton /></SignedIn>
///         </ClerkProvider>
///     }
/// }
/// ```
#[component]
pub fn ClerkProvider(props: &ClerkProviderProps) -> Html {
    let clerk = use_memo(
        (
            props.publishable_key.clone(),
            props.frontend_api.clone(),
            props.dev_browser,
        ),
        |_| build(props),
    );
    let clerk: Clerk = (*clerk).clone();
    let state = use_state(|| clerk.state());
    let navigator = use_navigator();

    {
        let state = state.clone();
        use_effect_with(clerk.clone(), move |clerk| {
            let subscription = clerk.subscribe(move |s| state.set(s.clone()));
            if clerk.state().error.is_none() {
                let loading = clerk.clone();
                spawn_local(async move {
                    if let Err(e) = loading.load().await {
                        web_sys::console::error_1(
                            &format!("yew-clerk: loading failed: {e}").into(),
                        );
                    }
                });
            }
            move || drop(subscription)
        });
    }
    {
        let urls = urls(props);
        let allowed: Vec<String> = props
            .allowed_redirect_origins
            .iter()
            .map(|o| o.to_string())
            .collect();
        clerk.set_urls(urls, allowed);
        clerk.set_navigator(navigator);
    }
    // Keep a fresh session token (and the `__session` cookie) while signed in.
    {
        let signed_in = state.session().map(|s| s.id.clone());
        use_effect_with((clerk.clone(), signed_in), |(clerk, signed_in)| {
            let interval = signed_in.as_ref().map(|_| {
                let clerk = clerk.clone();
                gloo_timers::callback::Interval::new(45_000, move || {
                    let clerk = clerk.clone();
                    spawn_local(async move {
                        let _ = clerk.get_token().await;
                    });
                })
            });
            move || drop(interval)
        });
    }

    // "Verify it's you": everyone waiting on it hears the one outcome.
    let dialog_slot = (*use_memo((), |_| DialogSlot::default())).clone();
    let waiting = use_mut_ref(Vec::<oneshot::Sender<bool>>::new);
    // The level being verified, while the dialog is open: the strongest anyone asked.
    let verifying = use_state(|| None::<SessionVerificationLevel>);
    let reverify = {
        let (waiting, verifying, slot) = (waiting.clone(), verifying.clone(), dialog_slot.clone());
        use_callback(
            (),
            move |(done, level): (oneshot::Sender<bool>, SessionVerificationLevel), _| {
                if slot.get().is_none() {
                    // Asked around `use_reverification`: no dialog to show, so no way to verify.
                    let _ = done.send(false);
                    return;
                }
                waiting.borrow_mut().push(done);
                let strongest = match *verifying {
                    Some(open) if strength(open) >= strength(level) => open,
                    _ => level,
                };
                verifying.set(Some(strongest));
            },
        )
    };
    let settle = |verified: bool| {
        let (waiting, verifying) = (waiting.clone(), verifying.clone());
        Callback::from(move |_: ()| {
            verifying.set(None);
            for done in waiting.borrow_mut().drain(..) {
                let _ = done.send(verified);
            }
        })
    };

    {
        // Signed out meanwhile: nobody is left to verify.
        let cancel = settle(false);
        let open_while_signed_out = verifying.is_some() && !state.is_signed_in();
        use_effect_with(open_while_signed_out, move |open| {
            if *open {
                cancel.emit(());
            }
        });
    }

    // A modal nobody brought the component for goes to the page instead; a profile
    // modal closes when its user signs out.
    let modal_slots = (*use_memo((), |_| ModalSlots::default())).clone();
    {
        let (clerk, slots) = (clerk.clone(), modal_slots.clone());
        let modal = state.modal.clone();
        let signed_in = state.is_signed_in();
        use_effect_with((modal, signed_in), move |(modal, signed_in)| match modal {
            Some(Modal::UserProfile) if !signed_in => clerk.close_modal(),
            Some(m) if slots.get(m).is_none() => {
                web_sys::console::warn_1(
                    &"yew-clerk: no modal component was brought along (a button with \
                          ButtonMode::modal(), or use_modals()): going to the page instead"
                        .into(),
                );
                clerk.close_modal();
                match m {
                    Modal::SignIn(o) => clerk.redirect_to_sign_in_with(o),
                    Modal::SignUp(o) => clerk.redirect_to_sign_up_with(o),
                    Modal::UserProfile => clerk.redirect_to_user_profile(),
                }
            }
            _ => {}
        });
    }

    let context = ClerkContext {
        clerk,
        state: (*state).clone(),
        appearance: Rc::new(props.appearance.clone()),
        localization: props.localization.clone(),
        reverify,
        dialog: dialog_slot.clone(),
        modals: modal_slots.clone(),
    };
    let modal = state
        .modal
        .clone()
        .and_then(|m| modal_slots.get(&m).map(|draw| draw(m)));
    // Drawn by what `use_reverification` left in the slot (it always has, before anyone
    // can ask): the provider itself names no dialog, so apps that never ask carry none.
    let dialog = (*verifying)
        .filter(|_| state.is_signed_in())
        .and_then(|level| {
            dialog_slot
                .get()
                .map(|draw| draw(level, settle(true), settle(false)))
        });
    let styles = props.inject_styles.then(|| {
        let css = format!(
            "{}{}",
            crate::appearance::STYLESHEET,
            props.appearance.css_variables()
        );
        html! { <style data-yew-clerk="">{ css }</style> }
    });
    html! {
        <ContextProvider<ClerkContext> {context}>
            { for styles }
            { props.children.clone() }
            // Always one node each (empty when closed): a sibling that comes and goes
            // would make Yew remount the app beside it. The "Verify it's you" dialog
            // comes last: a profile in a modal can ask for it, and it goes on top.
            { modal.unwrap_or_default() }
            { dialog.unwrap_or_default() }
        </ContextProvider<ClerkContext>>
    }
}

/// How much a level asks: the dialog runs the strongest one anyone is waiting on.
fn strength(level: SessionVerificationLevel) -> u8 {
    match level {
        SessionVerificationLevel::FirstFactor => 0,
        SessionVerificationLevel::SecondFactor => 1,
        SessionVerificationLevel::MultiFactor => 2,
    }
}
