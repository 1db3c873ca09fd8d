//! SagaScope's engine: a deterministic simulator of microservices that keep
//! data consistent with sagas, the transactional outbox and CQRS, and the
//! lessons it runs. It depends on no web crate (the app in the workspace
//! root draws it), never reads the clock and draws randomness only from a
//! seed, so one seed and one list of actions give one trace everywhere.
//!
//! - [`sim`]: the engine. No DOM, no wall clock, no OS randomness.
//! - [`scenarios`]: the lesson catalogue, read from JSON files.
//! - [`explore`]: searches every interleaving of a situation for a run
//!   that breaks an invariant.
//! - [`trace`]: renders a run as text, JSON lines or a Mermaid diagram.

pub mod explore;
pub mod scenarios;
pub mod sim;
pub mod trace;
