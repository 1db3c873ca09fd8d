//! SagaScope's web app: Leptos components that draw the engine's state and
//! let a learner step through it. The engine and the lessons live in the
//! `sagascope-engine` member crate, which depends on no web crate.
//!
//! - [`ui`]: Leptos components, a projection of the engine's state.
//! - [`sim`], [`scenarios`]: the engine's modules, re-exported.

pub use sagascope_engine::{scenarios, sim};

pub mod ui;
