//! SagaScope: a deterministic simulator of microservices that keep data
//! consistent with sagas, the transactional outbox and CQRS, and the Leptos
//! app that draws it.
//!
//! - [`sim`]: the engine. Pure Rust, no DOM, no wall clock, no OS randomness.
//! - [`scenarios`]: the lesson catalogue, read from JSON files.
//! - [`trace`]: renders a run as text, JSON lines or a Mermaid diagram.
//! - [`ui`]: Leptos components, a projection of the engine's state.

pub mod scenarios;
pub mod sim;
pub mod trace;
pub mod ui;
