//! fapi-server's hosted pages: `/sign-in`, `/sign-up` and `/user`, made of
//! yew-clerk's components and nothing else, on the Frontend API's own origin. The
//! server adds two `<meta>` tags: whether this is a development instance (then the
//! browser is identified by the dev browser token an app hands over in the URL),
//! and the origin `redirect_url` may go back to (checked by the server).

use yew::prelude::*;
use yew_clerk::prelude::*;
use yew_router::prelude::*;

#[derive(Clone, Routable, PartialEq)]
enum Route {
    #[at("/sign-in")]
    SignIn,
    #[at("/sign-in/*")]
    SignInStep,
    #[at("/sign-up")]
    SignUp,
    #[at("/sign-up/*")]
    SignUpStep,
    #[at("/user")]
    User,
    #[at("/user/*")]
    UserPage,
    #[not_found]
    #[at("/404")]
    Other,
}

fn switch(route: Route) -> Html {
    match route {
        Route::SignIn | Route::SignInStep => html! { <SignIn path="/sign-in" /> },
        Route::SignUp | Route::SignUpStep => html! { <SignUp path="/sign-up" /> },
        Route::User | Route::UserPage => html! {
            <>
                <SignedIn><UserProfile /></SignedIn>
                <SignedOut><RedirectToSignIn /></SignedOut>
            </>
        },
        Route::Other => html! {
            <>
                <SignedIn><RedirectToUserProfile /></SignedIn>
                <SignedOut><RedirectToSignIn /></SignedOut>
            </>
        },
    }
}

/// A `<meta name=...>` the server added.
fn meta(name: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let element = document
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??;
    element.get_attribute("content").filter(|v| !v.is_empty())
}

/// The instance's colours, once its environment is loaded.
#[derive(Properties, PartialEq)]
struct ThemedProps {
    on_theme: Callback<(String, String)>,
}

#[component]
fn Themed(props: &ThemedProps) -> Html {
    let clerk = use_clerk();
    let theme = clerk
        .state()
        .environment
        .as_ref()
        .and_then(|e| e.display_config.theme.clone())
        .map(|t| (t.general.color, t.general.background_color))
        .unwrap_or_default();
    let on_theme = props.on_theme.clone();
    use_effect_with(theme, move |theme| on_theme.emit(theme.clone()));
    html! {}
}

/// "Back to the application", when a `redirect_url` says where that is.
#[component]
fn Back() -> Html {
    let clerk = use_clerk();
    let state = clerk.state();
    if !state.loaded {
        return html! {};
    }
    let href = clerk.with_dev_browser(&clerk.after_sign_in_target(None));
    if !href.starts_with("http") {
        return html! {};
    }
    let name = state
        .environment
        .as_ref()
        .map(|e| e.display_config.application_name.clone())
        .unwrap_or_default();
    html! {
        <p class="portal-back"><a {href}>{ format!("← Back to {name}") }</a></p>
    }
}

#[component]
fn App() -> Html {
    let dev_browser = meta("fapi-dev-browser").as_deref() == Some("true");
    let allowed: Vec<AttrValue> = meta("fapi-redirect-origin")
        .map(AttrValue::from)
        .into_iter()
        .collect();
    let theme = use_state(|| (String::new(), String::new()));
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |t: (String, String)| {
            if *theme != t {
                theme.set(t);
            }
        })
    };
    let (primary, background) = (*theme).clone();
    let mut appearance = Appearance::default();
    if !primary.is_empty() {
        appearance.variables.color_primary = Some(primary.into());
    }
    let page_style = (!background.is_empty()).then(|| format!("--portal-background: {background}"));
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("style", page_style.as_deref().unwrap_or(""));
    }
    html! {
        <BrowserRouter>
            <ClerkProvider frontend_api="" {dev_browser} allowed_redirect_origins={allowed} {appearance}>
                <Themed {on_theme} />
                <main>
                    <Switch<Route> render={switch} />
                    <Back />
                </main>
            </ClerkProvider>
        </BrowserRouter>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
