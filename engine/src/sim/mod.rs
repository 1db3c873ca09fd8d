//! The deterministic engine. It never touches the DOM, the wall clock or OS
//! randomness (a test greps this folder), so one seed and one list of
//! actions give the same trace natively and in wasm.

pub mod action;
pub mod broker;
pub mod check;
pub mod choice;
pub mod correlation;
pub mod customers;
pub mod db;
pub mod documents;
pub mod faults;
pub mod ftgo;
pub mod handler;
pub mod kind;
pub mod message;
pub mod names;
pub mod order_table;
pub mod orders;
pub mod query;
pub mod rng;
pub mod saga;
pub mod service;
pub mod shared;
pub mod sorted;
pub mod states;
pub mod step;
pub mod timeline;
pub mod topology;
pub mod value;
pub mod view;
pub mod world;

pub use action::Action;
pub use choice::Choice;
pub use step::{Step, StepKind};
pub use timeline::Timeline;
pub use topology::{Style, Svc};
pub use world::{Setup, World};
