//! Parts of the UI that a split build (feature `split`) keeps out of the first
//! download: the card a visitor sees first comes with the page, the steps after it
//! come as their own wasm module, fetched in the background once that card is up.
//!
//! A [`Chunk`] is reached only through a function pointer that a split function
//! hands back, so the first module never names the components inside it. Without the
//! feature the pointer is there from the start and is drawn in place: nothing
//! suspends, one bundle. (The public components of a chunk, such as `<SignUp/>`, draw
//! an inner component in both builds: same DOM, same state.)

#[cfg(feature = "split")]
use std::sync::OnceLock;

use yew::prelude::*;
#[cfg(feature = "split")]
use yew::suspense::Suspension;

#[cfg(feature = "split")]
use crate::components::{status::LoadingCard, ui::Card};

/// How long the loading card waits for a chunk before it says the chunk did not come.
/// A fetch that stalls (a phone between cells) never fails by itself; the fetch goes on
/// after this, and the chunk takes the card's place if it still comes.
#[cfg(feature = "split")]
const STALLED_AFTER_MS: u32 = 10_000;

/// Draws a chunk's component from its props.
pub(crate) type View<P> = fn(&P) -> Html;

/// Why a chunk is not there: its module could not be fetched or compiled.
#[cfg(feature = "split")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a split module could not be fetched or compiled")]
pub(crate) struct ChunkError;

#[cfg(feature = "split")]
impl From<wasm_split_helpers::SplitLoaderError> for ChunkError {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        ChunkError
    }
}

/// A split function: loads the chunk's module, then answers with the view.
#[cfg(feature = "split")]
pub(crate) type Load<P> =
    fn() -> futures::future::LocalBoxFuture<'static, Result<View<P>, ChunkError>>;

/// One lazily loaded piece of UI, kept in a `static`.
pub(crate) struct Chunk<P: 'static> {
    #[cfg(not(feature = "split"))]
    view: View<P>,
    #[cfg(feature = "split")]
    load: Load<P>,
    #[cfg(feature = "split")]
    loaded: OnceLock<View<P>>,
}

/// Declares a chunk: `chunk!(static NAME: Props = module => draw);`. In one bundle,
/// `draw` is linked in place; in a split build, `module` is a split point whose
/// function hands `draw` back, so only the chunk names it.
macro_rules! chunk {
    ($(#[$meta:meta])* static $name:ident: $props:ty = $module:ident => $draw:ident) => {
        $(#[$meta])*
        #[cfg(not(feature = "split"))]
        static $name: $crate::components::lazy::Chunk<$props> =
            $crate::components::lazy::Chunk::linked($draw);
        $(#[$meta])*
        #[cfg(feature = "split")]
        static $name: $crate::components::lazy::Chunk<$props> = {
            #[wasm_split_helpers::wasm_split($module, fallible)]
            fn $module() -> Result<
                $crate::components::lazy::View<$props>,
                $crate::components::lazy::ChunkError,
            > {
                Ok($draw)
            }
            $crate::components::lazy::Chunk::split(|| Box::pin($module()))
        };
    };
}
pub(crate) use chunk;

#[cfg(not(feature = "split"))]
impl<P: 'static> Chunk<P> {
    /// A chunk linked into the one bundle (a build without `split`).
    pub(crate) const fn linked(view: View<P>) -> Self {
        Self { view }
    }

    /// Draws it, as if the component were named in place: no wrapper, no spinner.
    pub(crate) fn render(&'static self, props: P) -> Html {
        (self.view)(&props)
    }

    /// Nothing to fetch in one bundle.
    pub(crate) fn prefetch(&'static self) {}
}

#[cfg(feature = "split")]
impl<P: PartialEq + Clone + 'static> Chunk<P> {
    pub(crate) const fn split(load: Load<P>) -> Self {
        Self {
            load,
            loaded: OnceLock::new(),
        }
    }

    /// Draws it once its module is in, a spinner until then.
    pub(crate) fn render(&'static self, props: P) -> Html {
        html! { <Lazy<P> chunk={self} {props} /> }
    }

    /// Starts loading in the background, so the step after the first screen does not
    /// wait on the network.
    pub(crate) fn prefetch(&'static self) {
        if self.loaded.get().is_none() {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = self.load().await;
            });
        }
    }

    /// Loads the module (once; a failure is tried again on the next call).
    async fn load(&self) -> Result<View<P>, ChunkError> {
        if let Some(view) = self.loaded.get() {
            return Ok(*view);
        }
        let view = (self.load)().await?;
        Ok(*self.loaded.get_or_init(|| view))
    }
}

#[cfg(feature = "split")]
#[derive(Properties)]
struct LazyProps<P: PartialEq + Clone + 'static> {
    chunk: &'static Chunk<P>,
    props: P,
}

#[cfg(feature = "split")]
impl<P: PartialEq + Clone + 'static> PartialEq for LazyProps<P> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.chunk, other.chunk) && self.props == other.props
    }
}

/// The tree is the same before and after the load, so nothing inside remounts.
#[cfg(feature = "split")]
#[component]
fn Lazy<P>(props: &LazyProps<P>) -> Html
where
    P: PartialEq + Clone + 'static,
{
    html! {
        <Suspense fallback={html! { <LoadingCard /> }}>
            <Loaded<P> chunk={props.chunk} props={props.props.clone()} />
        </Suspense>
    }
}

#[cfg(feature = "split")]
#[component]
fn Loaded<P>(props: &LazyProps<P>) -> HtmlResult
where
    P: PartialEq + Clone + 'static,
{
    let failed = use_state_eq(|| false);
    if let Some(view) = props.chunk.loaded.get() {
        return Ok(view(&props.props));
    }
    if *failed {
        let retry = {
            let failed = failed.clone();
            Callback::from(move |()| failed.set(false))
        };
        return Ok(html! { <Failed {retry} /> });
    }
    let (chunk, failed) = (props.chunk, failed.setter());
    Err(Suspension::from_future(async move {
        use futures::future::{select, Either};
        // Never dropped before it ends: the loader allows one fetch at a time, and a
        // later "Try again" waits on this one.
        let loading = Box::pin(chunk.load());
        let stalled = gloo_timers::future::TimeoutFuture::new(STALLED_AFTER_MS);
        match select(loading, stalled).await {
            Either::Left((Ok(_), _)) => {}
            Either::Left((Err(_), _)) => failed.set(true),
            Either::Right(((), loading)) => {
                failed.set(true);
                wasm_bindgen_futures::spawn_local(async move {
                    if loading.await.is_ok() {
                        failed.set(false);
                    }
                });
            }
        }
    })
    .into())
}

#[cfg(feature = "split")]
#[derive(Properties, PartialEq)]
struct FailedProps {
    retry: Callback<()>,
}

/// The chunk's module did not come (offline, a deploy replaced it): say so, and
/// fetch it again on request rather than spinning forever. The browser coming back
/// online tries again by itself: a phone that lost its signal gets its step without
/// a tap.
#[cfg(feature = "split")]
#[component]
fn Failed(props: &FailedProps) -> Html {
    let ctx = crate::context::use_clerk_context();
    use_effect_with(props.retry.clone(), |retry| {
        let retry = retry.clone();
        let online = web_sys::window().map(|window| {
            gloo_events::EventListener::once(&window, "online", move |_| retry.emit(()))
        });
        move || drop(online)
    });
    html! {
        <Card title={ctx.t("lazy.title")}>
            <div class={ctx.class("alert")} role="alert">{ ctx.t("lazy.failed") }</div>
            <button type="button" class={ctx.class("formButtonPrimary")}
                onclick={props.retry.reform(|_: MouseEvent| ())}>
                { ctx.t("lazy.retry") }
            </button>
        </Card>
    }
}
