//! The smallest useful app: the provider and the sign-in card.

use yew::prelude::*;
use yew_clerk::prelude::*;

#[component]
fn App() -> Html {
    html! {
        <ClerkProvider frontend_api="">
            <SignIn />
        </ClerkProvider>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
