//! The yew-clerk demo: drop-in components, a token panel, and the custom flow.

mod custom_sign_in;
mod home;
mod notes;

use yew::prelude::*;
use yew_clerk::prelude::*;
use yew_router::prelude::*;

#[derive(Clone, Routable, PartialEq)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/sign-in")]
    SignIn,
    /// The sign-in's steps (`/sign-in/factor-two`): reload and Back keep the step.
    #[at("/sign-in/*")]
    SignInStep,
    #[at("/sign-up")]
    SignUp,
    #[at("/sign-up/*")]
    SignUpStep,
    #[at("/user")]
    User,
    #[at("/protected")]
    Protected,
    #[at("/custom-sign-in")]
    CustomSignIn,
    #[at("/notes")]
    Notes,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// Hosted-pages mode (`cargo xtask demo --hosted`): the Frontend API on another
/// origin, named by `?hosted=<its URL>` once (kept for the tab; `?hosted=off` ends
/// it). Sign-in, sign-up and the profile are then fapi-server's hosted pages; the
/// browser is identified by a dev browser token, handed over in the URL.
fn hosted_api() -> Option<String> {
    let window = web_sys::window()?;
    let storage = window.session_storage().ok()??;
    let search = window.location().search().ok()?;
    let asked = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("hosted");
    match asked.as_deref() {
        Some("off") => {
            let _ = storage.remove_item("demo:hosted");
            None
        }
        Some(url) if url.starts_with("http") => {
            let _ = storage.set_item("demo:hosted", url);
            Some(url.to_owned())
        }
        _ => storage.get_item("demo:hosted").ok()?,
    }
}

/// In hosted mode the app's own sign-in, sign-up and profile routes send people to
/// the hosted pages (and home once they are signed in).
fn hosted_switch(route: Route) -> Html {
    let home = html! { <Redirect<Route> to={Route::Home} /> };
    match route {
        Route::SignIn | Route::SignInStep => html! {
            <><SignedOut><RedirectToSignIn /></SignedOut><SignedIn>{ home }</SignedIn></>
        },
        Route::SignUp | Route::SignUpStep => html! {
            <><SignedOut><RedirectToSignUp /></SignedOut><SignedIn>{ home }</SignedIn></>
        },
        Route::User => html! {
            <><SignedIn><HostedProfile /></SignedIn><SignedOut><RedirectToSignIn /></SignedOut></>
        },
        other => switch(other),
    }
}

/// The hosted profile, with the way back to the home page: back to `/user` itself
/// would only send the user to the profile again.
#[component]
fn HostedProfile() -> Html {
    let clerk = use_clerk();
    use_effect_with((), move |_| {
        let home = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .map(|origin| format!("{origin}/"))
            .unwrap_or_else(|| "/".into());
        let profile = clerk.user_profile_url();
        clerk.navigate(&yew_clerk::navigation::with_redirect_url(&profile, &home));
    });
    html! {}
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <home::Home /> },
        Route::SignIn | Route::SignInStep => html! { <SignIn path="/sign-in" /> },
        Route::SignUp | Route::SignUpStep => html! { <SignUp path="/sign-up" /> },
        Route::User => html! {
            <>
                <SignedIn><UserProfile /></SignedIn>
                <SignedOut><RedirectToSignIn /></SignedOut>
            </>
        },
        Route::Protected => html! {
            <>
                <SignedIn>
                    <div class="panel" id="protected">
                        <h2>{ "Protected page" }</h2>
                        <p>{ "Only signed-in users see this. Signed-out visitors are sent to sign in, and back here after." }</p>
                    </div>
                </SignedIn>
                <SignedOut><RedirectToSignIn /></SignedOut>
            </>
        },
        Route::CustomSignIn => html! { <custom_sign_in::CustomSignIn /> },
        Route::Notes => html! {
            <>
                <SignedIn><notes::Notes /></SignedIn>
                <SignedOut><RedirectToSignIn /></SignedOut>
            </>
        },
        Route::NotFound => html! { <p>{ "Not found" }</p> },
    }
}

#[derive(Properties, PartialEq)]
struct TopBarProps {
    /// Hosted pages: "Sign in" goes there. Otherwise it opens a modal.
    #[prop_or_default]
    hosted: bool,
    /// The components' language (`en-US`, `fr-FR`, ...) and how to change it.
    language: AttrValue,
    on_language: Callback<String>,
}

/// The languages yew-clerk ships, for the top bar's picker.
const LANGUAGES: [(&str, &str); 6] = [
    ("en-US", "English"),
    ("fr-FR", "Français"),
    ("de-DE", "Deutsch"),
    ("es-ES", "Español"),
    ("pt-BR", "Português"),
    ("ja-JP", "日本語"),
];

/// The language picked before (kept for the tab), else the browser's.
fn initial_language() -> String {
    let window = web_sys::window();
    let saved = window
        .as_ref()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|s| s.get_item("demo:lang").ok().flatten());
    let browser = window.and_then(|w| w.navigator().language());
    saved
        .or(browser)
        .and_then(|tag| Localization::for_locale(&tag))
        .unwrap_or_default()
        .locale()
        .to_owned()
}

#[component]
fn TopBar(props: &TopBarProps) -> Html {
    html! {
        <header class="topbar">
            <Link<Route> to={Route::Home} classes="brand">{ "yew-clerk demo" }</Link<Route>>
            <nav>
                <Link<Route> to={Route::Protected}>{ "Protected" }</Link<Route>>
                <Link<Route> to={Route::Notes}>{ "Notes" }</Link<Route>>
                <Link<Route> to={Route::CustomSignIn}>{ "Custom flow" }</Link<Route>>
                <SignedOut>
                    if props.hosted {
                        <Link<Route> to={Route::SignIn}>{ "Sign in" }</Link<Route>>
                    } else {
                        <SignInButton mode={ButtonMode::modal()} class="topbar-sign-in" />
                    }
                </SignedOut>
                <SignedIn><UserButton /></SignedIn>
                <select class="language" aria-label="Language" onchange={props.on_language.reform(|e: Event| {
                    e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()
                })}>
                    { for LANGUAGES.iter().map(|(tag, name)| html! {
                        <option value={*tag} selected={props.language == *tag}>{ *name }</option>
                    }) }
                </select>
            </nav>
        </header>
    }
}

#[component]
fn App() -> Html {
    let language = use_state(initial_language);
    let localization = Localization::for_locale(&language).unwrap_or_default();
    let on_language = {
        let language = language.clone();
        Callback::from(move |tag: String| {
            if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
                let _ = s.set_item("demo:lang", &tag);
            }
            language.set(tag);
        })
    };
    let language = AttrValue::from((*language).clone());
    if let Some(api) = hosted_api() {
        // No sign-in URLs of its own: `display_config` names the hosted pages.
        return html! {
            <BrowserRouter>
                <ClerkProvider frontend_api={api.clone()} dev_browser=true localization={localization.clone()}
                    after_sign_in_url="/" after_sign_up_url="/" after_sign_out_url="/">
                    <TopBar hosted=true language={language.clone()} on_language={on_language.clone()} />
                    <p class="hint" id="hosted-mode">
                        { format!("Hosted pages: signing in, signing up and the profile happen on {api}. ") }
                        <a href="/?hosted=off">{ "Use the app's own pages" }</a>
                    </p>
                    <main>
                        <ClerkLoading><p>{ "Loading…" }</p></ClerkLoading>
                        <Switch<Route> render={hosted_switch} />
                    </main>
                </ClerkProvider>
            </BrowserRouter>
        };
    }
    // The Frontend API is on this origin: trunk (or fapi-server's static_dir) proxies it.
    html! {
        <BrowserRouter>
            <ClerkProvider frontend_api="" {localization}
                sign_in_url="/sign-in" sign_up_url="/sign-up" user_profile_url="/user"
                after_sign_in_url="/" after_sign_up_url="/" after_sign_out_url="/">
                <TopBar {language} {on_language} />
                <main>
                    <ClerkLoading><p>{ "Loading…" }</p></ClerkLoading>
                    <Switch<Route> render={switch} />
                </main>
            </ClerkProvider>
        </BrowserRouter>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
