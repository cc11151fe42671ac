//! The yew-clerk demo: drop-in components, a token panel, and the custom flow.

mod custom_sign_in;
mod home;

use yew::prelude::*;
use yew_clerk::prelude::*;
use yew_router::prelude::*;

#[derive(Clone, Routable, PartialEq)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/sign-in")]
    SignIn,
    #[at("/sign-up")]
    SignUp,
    #[at("/user")]
    User,
    #[at("/protected")]
    Protected,
    #[at("/custom-sign-in")]
    CustomSignIn,
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <home::Home /> },
        Route::SignIn => html! { <SignIn /> },
        Route::SignUp => html! { <SignUp /> },
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
        Route::NotFound => html! { <p>{ "Not found" }</p> },
    }
}

#[component]
fn TopBar() -> Html {
    html! {
        <header class="topbar">
            <Link<Route> to={Route::Home} classes="brand">{ "yew-clerk demo" }</Link<Route>>
            <nav>
                <Link<Route> to={Route::Protected}>{ "Protected" }</Link<Route>>
                <Link<Route> to={Route::CustomSignIn}>{ "Custom flow" }</Link<Route>>
                <SignedOut>
                    <Link<Route> to={Route::SignIn}>{ "Sign in" }</Link<Route>>
                </SignedOut>
                <SignedIn><UserButton /></SignedIn>
            </nav>
        </header>
    }
}

#[component]
fn App() -> Html {
    // The Frontend API is on this origin: trunk (or fapi-server's static_dir) proxies it.
    html! {
        <BrowserRouter>
            <ClerkProvider frontend_api=""
                sign_in_url="/sign-in" sign_up_url="/sign-up" user_profile_url="/user"
                after_sign_in_url="/" after_sign_up_url="/" after_sign_out_url="/">
                <TopBar />
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
