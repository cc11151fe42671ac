//! Where a flow's step lives in the URL, as Clerk's components keep it: under the
//! page's own path (`/sign-in/factor-two`), in the hash (`/sign-in#/factor-two`), or
//! nowhere (`Virtual`, for modals). Reloading the page or pressing Back then lands on
//! the same step instead of starting over.
//!
//! The URL is written with the History API and announced with `popstate`, so it works
//! with or without yew-router and the router's location follows; with yew-router,
//! route the page's sub-paths to the same component (`#[at("/sign-in")]` and
//! `#[at("/sign-in/*")]`).

use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use yew::prelude::*;

/// Where the "set up two-step verification" task lives in a flow, as in Clerk.
pub(crate) const TASK_SETUP_MFA: &str = "tasks/setup-mfa";
pub(crate) const TASK_RESET_PASSWORD: &str = "tasks/reset-password";
/// Where the browser comes back from a provider (Clerk's name).
pub(crate) const SSO_CALLBACK: &str = "sso-callback";

/// How `<SignIn/>` and `<SignUp/>` keep their step in the URL (Clerk's `routing`).
///
/// Without a `routing` prop: `Path` when the component has a `path`, else `Hash`.
///
/// ```no_run
/// use yew::prelude::*;
/// use yew_clerk::prelude::*;
/// #[component]
/// fn SignInPage() -> Html {
///     // Steps at /sign-in/factor-one, /sign-in/factor-two, /sign-in/tasks/setup-mfa.
///     html! { <SignIn path="/sign-in" /> }
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routing {
    /// Steps are sub-paths of the component's `path`.
    Path,
    /// Steps are in the hash: `#/factor-two`. Needs no routes in the app.
    Hash,
    /// Steps are not in the URL (modals, or pages that must not change the URL).
    Virtual,
}

impl Routing {
    /// The routing a component uses given its props.
    pub fn resolve(routing: Option<Routing>, path: Option<&str>) -> Routing {
        routing.unwrap_or(if path.is_some() {
            Routing::Path
        } else {
            Routing::Hash
        })
    }
}

/// The step named by a URL (`""` for the first screen).
///
/// ```
/// use yew_clerk::components::flow_route::{step_of, Routing};
/// assert_eq!(step_of(Routing::Path, "/sign-in", "/sign-in/factor-two", ""), "factor-two");
/// assert_eq!(step_of(Routing::Path, "/sign-in/", "/sign-in", ""), "");
/// assert_eq!(step_of(Routing::Path, "/sign-in", "/sign-into/x", ""), "");
/// // A step in the hash, from a link that could not know the page's routing.
/// assert_eq!(step_of(Routing::Path, "/sign-in", "/sign-in", "#/sso-callback"), "sso-callback");
/// assert_eq!(step_of(Routing::Path, "/sign-in", "/sign-in/factor-one", "#/sso-callback"), "factor-one");
/// assert_eq!(step_of(Routing::Hash, "", "/login", "#/tasks/setup-mfa"), "tasks/setup-mfa");
/// assert_eq!(step_of(Routing::Hash, "", "/login", "#/factor-one?redirect_url=%2F"), "factor-one");
/// ```
pub fn step_of(routing: Routing, base: &str, pathname: &str, hash: &str) -> String {
    let step = match routing {
        Routing::Path => {
            let base = base.trim_end_matches('/');
            match pathname.strip_prefix(base) {
                // A link from elsewhere (a provider's way back, another flow) cannot
                // know how the page routes its steps: a step in the hash counts too.
                Some("" | "/") if step_in_hash(hash).is_some() => hash_step(hash),
                Some(rest) if rest.is_empty() || rest.starts_with('/') => rest,
                _ => "",
            }
        }
        Routing::Hash => hash_step(hash),
        Routing::Virtual => "",
    };
    step.trim_matches('/').to_owned()
}

/// The step a hash names. A hash may carry a query (`#/?redirect_url=…`, as Clerk's
/// hosted pages write).
fn hash_step(hash: &str) -> &str {
    hash.trim_start_matches('#')
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_matches('/')
}

/// A step handed to a path-routed page in its hash (`#/factor-two`).
fn step_in_hash(hash: &str) -> Option<&str> {
    Some(hash_step(hash)).filter(|s| hash.starts_with("#/") && !s.is_empty())
}

/// The URL of `step`, keeping the page's query (its `redirect_url`) and a hash's query.
///
/// ```
/// use yew_clerk::components::flow_route::{step_url, Routing};
/// let at = |r, base, path, search, hash, step| step_url(r, base, path, search, hash, step);
/// assert_eq!(
///     at(Routing::Path, "/sign-in", "/sign-in", "?redirect_url=%2Fp", "", "factor-two"),
///     "/sign-in/factor-two?redirect_url=%2Fp"
/// );
/// assert_eq!(at(Routing::Path, "/sign-in/", "/sign-in/factor-two", "", "", ""), "/sign-in");
/// assert_eq!(at(Routing::Path, "/sign-in", "/sign-in", "", "#/sso-callback", "factor-two"), "/sign-in/factor-two");
/// assert_eq!(
///     at(Routing::Path, "/sign-in", "/sign-in", "", "#/?redirect_url=%2F", "factor-one"),
///     "/sign-in/factor-one#/?redirect_url=%2F"
/// );
/// assert_eq!(at(Routing::Hash, "", "/login", "?a=1", "", "factor-one"), "/login?a=1#/factor-one");
/// assert_eq!(at(Routing::Hash, "", "/login", "", "#/factor-one", ""), "/login");
/// assert_eq!(at(Routing::Hash, "", "/in", "", "#/?redirect_url=%2F", "factor-two"), "/in#/factor-two?redirect_url=%2F");
/// assert_eq!(at(Routing::Hash, "", "/in", "", "#/factor-two?r=1", ""), "/in#/?r=1");
/// ```
pub fn step_url(
    routing: Routing,
    base: &str,
    pathname: &str,
    search: &str,
    hash: &str,
    step: &str,
) -> String {
    match routing {
        Routing::Path => {
            let base = base.trim_end_matches('/');
            // A step handed over in the hash now lives in the path.
            let hash = if step_in_hash(hash).is_some() {
                ""
            } else {
                hash
            };
            match (step.is_empty(), base.is_empty()) {
                (true, true) => format!("/{search}{hash}"),
                (true, false) => format!("{base}{search}{hash}"),
                (false, _) => format!("{base}/{step}{search}{hash}"),
            }
        }
        Routing::Hash => match (hash.split_once('?'), step.is_empty()) {
            (Some((_, q)), _) => format!("{pathname}{search}#/{step}?{q}"),
            (None, true) => format!("{pathname}{search}"),
            (None, false) => format!("{pathname}{search}#/{step}"),
        },
        Routing::Virtual => format!("{pathname}{search}{hash}"),
    }
}

/// The step a flow shows, and how to move to another.
#[derive(Clone, PartialEq)]
pub(crate) struct FlowRoute {
    /// The current step (`""`: the first screen).
    pub step: String,
    go: Callback<(String, bool)>,
    address: Callback<String, Option<String>>,
}

impl FlowRoute {
    /// Goes to `step` with a new history entry, so Back returns here.
    pub fn push(&self, step: &str) {
        if step != self.step {
            self.go.emit((step.to_owned(), false));
        }
    }

    /// The page's full URL at `step` (`None` with `Virtual` routing: no URL holds it).
    pub fn url_of(&self, step: &str) -> Option<String> {
        self.address.emit(step.to_owned())
    }

    /// Corrects the URL to `step` without a new history entry.
    pub fn replace(&self, step: &str) {
        if step != self.step {
            self.go.emit((step.to_owned(), true));
        }
    }
}

fn location() -> Option<(String, String, String)> {
    let l = web_sys::window()?.location();
    Some((l.pathname().ok()?, l.search().ok()?, l.hash().ok()?))
}

/// The flow's step, read from and written to the URL as `routing` says.
#[hook]
pub(crate) fn use_flow_route(routing: Routing, path: Option<AttrValue>) -> FlowRoute {
    let in_memory = use_state(String::new);
    let rerender = use_force_update();
    // The app's router moving (a `<Link>` back to the page itself) is a step change too.
    let _ = yew_router::hooks::use_location();
    {
        let rerender = rerender.clone();
        use_effect_with(routing, move |routing| {
            let listening = (*routing != Routing::Virtual)
                .then(web_sys::window)
                .flatten()
                .map(|w| {
                    let on_change =
                        Closure::<dyn Fn(web_sys::Event)>::new(move |_| rerender.force_update());
                    let f = on_change
                        .as_ref()
                        .unchecked_ref::<js_sys::Function>()
                        .clone();
                    for event in ["popstate", "hashchange"] {
                        let _ = w.add_event_listener_with_callback(event, &f);
                    }
                    (w, on_change)
                });
            move || {
                if let Some((w, on_change)) = listening {
                    let f = on_change.as_ref().unchecked_ref::<js_sys::Function>();
                    for event in ["popstate", "hashchange"] {
                        let _ = w.remove_event_listener_with_callback(event, f);
                    }
                }
            }
        });
    }
    let base = path.as_deref().unwrap_or_default().to_owned();
    let step = match (routing, location()) {
        (Routing::Virtual, _) | (_, None) => (*in_memory).clone(),
        (r, Some((pathname, _, hash))) => step_of(r, &base, &pathname, &hash),
    };
    let go = {
        let (in_memory, base) = (in_memory.clone(), base.clone());
        Callback::from(move |(step, replace): (String, bool)| {
            let history = web_sys::window().and_then(|w| w.history().ok());
            match (routing, location(), history) {
                (Routing::Virtual, ..) | (_, None, _) | (_, _, None) => in_memory.set(step),
                (r, Some((pathname, search, hash)), Some(history)) => {
                    let url = step_url(r, &base, &pathname, &search, &hash, &step);
                    let _ = if replace {
                        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
                    } else {
                        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
                    };
                    // Routers (yew-router's included) learn of a new URL from `popstate`:
                    // without it, their location would stay on the step before.
                    if let Some(w) = web_sys::window() {
                        if let Ok(e) = web_sys::Event::new("popstate") {
                            let _ = w.dispatch_event(&e);
                        }
                    }
                    rerender.force_update();
                }
            }
        })
    };
    let address = {
        Callback::from(move |step: String| {
            let (pathname, search, hash) = location().filter(|_| routing != Routing::Virtual)?;
            let origin = web_sys::window()?.location().origin().ok()?;
            Some(format!(
                "{origin}{}",
                step_url(routing, &base, &pathname, &search, &hash, &step)
            ))
        })
    };
    FlowRoute { step, go, address }
}
