//! The Leptos app. A projection of the engine's state, nothing more.

use leptos::prelude::*;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    view! { <main data-testid="sagascope">"SagaScope"</main> }
}
