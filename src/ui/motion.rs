//! What moves on the stage when the lesson goes from one step to another:
//! the messages ("tokens") each step puts in a lane, takes out of it, or
//! moves along a call. Pure data, tested natively; the canvas turns it into
//! SVG animations (see [`super::canvas::tokens_svg`]).
//!
//! A message waits in its channel's lane from the step a relay publishes it
//! to the step its receiver handles it, so a learner sees it leave (the
//! sender's outbox, through its relay, into the lane), wait (labelled, in
//! the order the broker will deliver it) and arrive (at the receiver, whose
//! changed rows then fade in). A step that takes several steps at once
//! (relay steps folded in guided play) plays each one's moves in turn:
//! folding shortens the pauses, never a message's trip.

use crate::sim::kind::Kind;
use crate::sim::message::Category;
use crate::sim::step::{MessageRef, Step};
use crate::sim::world::FlightKey;
use crate::sim::{StepKind, Svc, Timeline};

/// What a token is: a broker delivery or a call's leg in flight, or a
/// message published that no service reads (it stays on its channel: FTGO's
/// domain events, which these lessons run no subscriber for).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKey {
    Flight(FlightKey),
    /// The message's id.
    Unconsumed(u64),
}

/// A message on the stage after some step, and where it rests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub key: TokenKey,
    pub message_id: u64,
    pub kind: Kind,
    pub category: Category,
    pub from: Svc,
    /// Its receiver; none for a message nobody subscribes to.
    pub to: Option<Svc>,
    /// Its channel (`http` for a call).
    pub channel: &'static str,
    pub duplicate: bool,
    /// Blocked: its receiver is down or its channel held.
    pub waiting: bool,
    /// Its place in its lane (or among the calls): 0 is delivered first.
    pub index: usize,
}

impl Token {
    /// An HTTP call of the API composer (or its answer): it goes straight,
    /// not through the broker.
    pub fn is_call(&self) -> bool {
        matches!(self.category, Category::Request | Category::Response)
    }
}

/// The messages on the stage where `timeline` stands: every delivery and
/// call in flight, then every message published so far that no service
/// reads. Each lane lists its messages in delivery order.
pub fn tokens(timeline: &Timeline) -> Vec<Token> {
    let world = timeline.world();
    let mut tokens: Vec<Token> = world
        .flights()
        .into_iter()
        .map(|f| Token {
            key: TokenKey::Flight(f.key),
            message_id: f.message_id,
            kind: f.kind,
            category: f.category,
            from: f.from,
            to: Some(f.to),
            channel: f.channel,
            duplicate: f.duplicate,
            waiting: f.waiting,
            index: 0,
        })
        .collect();
    let unread = |m: &MessageRef| world.receivers(m.channel, m.kind, m.category).is_empty();
    for step in &timeline.steps()[..timeline.cursor()] {
        let Some(m) = step.message.as_ref().filter(|m| step.kind == StepKind::Publish && unread(m)) else { continue };
        tokens.push(Token {
            key: TokenKey::Unconsumed(m.id),
            message_id: m.id,
            kind: m.kind,
            category: m.category,
            from: m.from,
            to: None,
            channel: m.channel,
            duplicate: false,
            waiting: false,
            index: 0,
        });
    }
    let mut seen: Vec<(&'static str, usize)> = Vec::new();
    for token in &mut tokens {
        let count = match seen.iter_mut().find(|(c, _)| *c == token.channel) {
            Some((_, n)) => n,
            None => {
                seen.push((token.channel, 0));
                &mut seen.last_mut().expect("just pushed").1
            }
        };
        token.index = *count;
        *count += 1;
    }
    tokens
}

/// Someone outside the services whose requests start a run's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Places, cancels or revises an order.
    Customer,
    /// Works on a ticket in Kitchen Service.
    Restaurant,
    /// Queries the view or the API composer.
    Client,
}

impl Actor {
    /// Its id on the page (`data-actor`).
    pub fn id(self) -> &'static str {
        match self {
            Actor::Customer => "customer",
            Actor::Restaurant => "restaurant",
            Actor::Client => "client",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Actor::Customer => "Customer",
            Actor::Restaurant => "Restaurant",
            Actor::Client => "Client",
        }
    }
}

/// Who asked for `step`, if a request from outside started it (a learner's
/// or a script's request, or a query), and the service it went to.
pub fn requester(step: &Step) -> Option<(Actor, Svc)> {
    let svc = step.actor?;
    let asked = step.message.is_none() && matches!(step.kind, StepKind::Commit | StepKind::Refused | StepKind::Query);
    let actor = match (step.kind, svc) {
        (StepKind::Query, _) => Actor::Client,
        (_, Svc::KitchenService) => Actor::Restaurant,
        _ => Actor::Customer,
    };
    asked.then_some((actor, svc))
}

/// Every actor whose requests start steps of `timeline`'s run, with the
/// service each asks, in the order they first ask.
pub fn actors(timeline: &Timeline) -> Vec<(Actor, Svc)> {
    let mut found: Vec<(Actor, Svc)> = Vec::new();
    for pair in timeline.steps().iter().filter_map(requester) {
        if !found.contains(&pair) {
            found.push(pair);
        }
    }
    found
}

/// The change on screen from one step to another: the tokens after each
/// step taken, the first being where the change starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transition {
    pub frames: Vec<Vec<Token>>,
    /// Requests from outside: (the frame the step led to, who asked, the
    /// service asked). Going forward each moves from its actor into the
    /// service in its step's turn.
    pub requests: Vec<(usize, Actor, Svc)>,
    /// Stepping back: each frame is a step earlier than the one before,
    /// and every move plays as the forward move reversed.
    pub backward: bool,
    /// Real ms one move takes (every token moving between two frames
    /// moves at once).
    pub hop_ms: u32,
}

/// Where a token is at either end of a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Not yet published: in its sender's outbox (it leaves through the relay).
    Outbox(Svc),
    /// Resting at its place (a lane, or along its call).
    Rest,
    /// At a service's edge: a receiver that handled it, or an HTTP
    /// call's sender.
    Service(Svc),
}

/// One token's move between two frames: from where to where, starting
/// `begin_ms` into the transition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub begin_ms: u32,
    pub from: (Place, usize),
    pub to: (Place, usize),
}

/// A token's life during a transition: what it is (as last seen), its
/// moves, and when it shows (ms into the transition; `None`: to the end).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    pub token: Token,
    pub moves: Vec<Move>,
    pub shown_from_ms: u32,
    pub hidden_from_ms: Option<u32>,
    /// Whether it is on the stage once the transition has played.
    pub rests: bool,
}

impl Transition {
    /// No change: the tokens as they stand.
    pub fn still(tokens: Vec<Token>) -> Self {
        Transition { frames: vec![tokens], requests: Vec::new(), backward: false, hop_ms: 0 }
    }

    /// The tokens once the transition has played.
    pub fn last(&self) -> &[Token] {
        self.frames.last().map_or(&[], Vec::as_slice)
    }

    /// How long the whole transition plays, in real ms: one hop for each
    /// pair of frames between which something moves.
    pub fn duration_ms(&self) -> u32 {
        self.begins().last().map_or(0, |(_, begin)| begin + self.hop_ms)
    }

    /// When each step's moves begin (ms into the transition), for the
    /// steps that move anything (by the frame they lead to): one after
    /// another, one hop each.
    pub fn begins(&self) -> Vec<(usize, u32)> {
        let mut begin = 0;
        let mut out = Vec::new();
        for (i, pair) in self.frames.windows(2).enumerate() {
            let asked = !self.backward && self.requests.iter().any(|(at, ..)| *at == i + 1);
            if asked || moves_between(&pair[0], &pair[1]) {
                out.push((i + 1, begin));
                begin += self.hop_ms;
            }
        }
        out
    }

    /// The requests to draw: (when they begin, who asked, the service asked).
    pub fn requests_moving(&self) -> Vec<(u32, Actor, Svc)> {
        let begins = self.begins();
        self.requests
            .iter()
            .filter(|_| !self.backward)
            .filter_map(|(at, actor, svc)| begins.iter().find(|(i, _)| i == at).map(|(_, begin)| (*begin, *actor, *svc)))
            .collect()
    }

    /// Every token that shows during the transition, with its moves, in
    /// the order they were first seen.
    pub fn paths(&self) -> Vec<Path> {
        let mut paths: Vec<Path> = Vec::new();
        if let Some(first) = self.frames.first() {
            for token in first {
                paths.push(Path { token: token.clone(), moves: Vec::new(), shown_from_ms: 0, hidden_from_ms: None, rests: false });
            }
        }
        for (at, begin) in self.begins() {
            let (before, after) = (&self.frames[at - 1], &self.frames[at]);
            for token in after {
                let from = match before.iter().find(|t| t.key == token.key) {
                    Some(old) if old.index == token.index => continue,
                    Some(old) => (Place::Rest, old.index),
                    None => (self.absent(token, true), token.index),
                };
                let path = match paths.iter_mut().find(|p| p.token.key == token.key) {
                    Some(path) => path,
                    None => {
                        let fresh =
                            Path { token: token.clone(), moves: Vec::new(), shown_from_ms: begin, hidden_from_ms: None, rests: false };
                        paths.push(fresh);
                        paths.last_mut().expect("just pushed")
                    }
                };
                path.token = token.clone();
                path.hidden_from_ms = None;
                path.moves.push(Move { begin_ms: begin, from, to: (Place::Rest, token.index) });
            }
            for token in before.iter().filter(|t| !after.iter().any(|a| a.key == t.key)) {
                if let Some(path) = paths.iter_mut().find(|p| p.token.key == token.key) {
                    let to = (self.absent(token, false), token.index);
                    path.moves.push(Move { begin_ms: begin, from: (Place::Rest, token.index), to });
                    path.hidden_from_ms = Some(begin + self.hop_ms);
                }
            }
        }
        for path in &mut paths {
            path.rests = self.last().iter().any(|t| t.key == path.token.key);
        }
        // Those that rest in the order they rest in, whichever way the
        // stage got there (a step back draws what a step forward drew),
        // then those that leave.
        let mut ordered = Vec::with_capacity(paths.len());
        for token in self.last() {
            if let Some(at) = paths.iter().position(|p| p.token.key == token.key) {
                ordered.push(paths.swap_remove(at));
            }
        }
        ordered.append(&mut paths);
        ordered
    }

    /// Where a token is while it is not on the stage, on the `entering`
    /// side of a move: going forward, a message comes from its sender's
    /// outbox and goes to its receiver; stepping back, the reverse. A
    /// duplicate copy appears (and goes) where it rests.
    fn absent(&self, token: &Token, entering: bool) -> Place {
        let from_sender = entering != self.backward;
        match (token.duplicate, from_sender, token.to) {
            (true, ..) => Place::Rest,
            (false, true, _) if token.is_call() => Place::Service(token.from),
            (false, true, _) => Place::Outbox(token.from),
            (false, false, Some(to)) => Place::Service(to),
            (false, false, None) => Place::Rest,
        }
    }
}

/// Whether any token comes, goes or changes place between two frames.
fn moves_between(before: &[Token], after: &[Token]) -> bool {
    before.len() != after.len()
        || before.iter().zip(after).any(|(a, b)| a.key != b.key || a.index != b.index)
        || after.iter().any(|t| !before.iter().any(|b| b.key == t.key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios;

    fn timeline(variant: &str) -> Timeline {
        let text = include_str!("../../engine/src/scenarios/catalogue/ftgo-create-order.json");
        let scenario = scenarios::from_json(text).expect("a built-in lesson");
        let variant = scenario.variants.iter().find(|v| v.id == variant).expect("its variant");
        Timeline::new(scenario.world(variant, 1), 20_000)
    }

    /// The transition of each step of a run, one frame pair each.
    fn each_step(t: &mut Timeline) -> Vec<(usize, Transition)> {
        let mut out = Vec::new();
        let mut before = tokens(t);
        while t.forward() {
            let after = tokens(t);
            out.push((t.cursor(), Transition { frames: vec![before, after.clone()], requests: Vec::new(), backward: false, hop_ms: 500 }));
            before = after;
        }
        out
    }

    #[test]
    fn a_message_leaves_its_outbox_waits_in_its_lane_and_arrives() {
        let mut t = timeline("authorization-fails");
        let steps = each_step(&mut t);
        let (publish, deliver) = (&steps[2].1, &steps[3].1);
        // Step 3: the CDC publishes ValidateOrderByConsumer m2 to consumerService.
        let paths = publish.paths();
        let m2 = paths.iter().find(|p| p.token.message_id == 2).expect("m2 moves when published");
        assert_eq!(m2.moves[0].from.0, Place::Outbox(Svc::OrderService));
        assert_eq!(m2.moves[0].to.0, Place::Rest);
        assert!(m2.rests && m2.token.channel == "consumerService");
        // Step 4: Consumer Service handles it.
        let paths = deliver.paths();
        let m2 = paths.iter().find(|p| p.token.message_id == 2).expect("m2 moves when handled");
        assert_eq!(m2.moves[0].to.0, Place::Service(Svc::ConsumerService));
        assert!(!m2.rests && m2.hidden_from_ms == Some(500));
        assert_eq!(deliver.duration_ms(), 500);
    }

    #[test]
    fn an_event_nobody_subscribes_to_stays_in_its_lane() {
        let mut t = timeline("authorization-fails");
        let steps = each_step(&mut t);
        // Step 2: OrderCreatedEvent m1 goes to the Order channel, which no service reads.
        let m1 = steps[1].1.paths().into_iter().find(|p| p.token.message_id == 1).expect("m1 moves");
        assert_eq!(m1.token.to, None);
        assert!(m1.rests);
        t.seek(t.len());
        assert!(tokens(&t).iter().any(|tok| tok.message_id == 1), "still there at the end");
    }

    #[test]
    fn folded_steps_play_one_after_another_and_back_reverses_them() {
        let mut t = timeline("authorization-fails");
        t.seek(1);
        let mut frames = vec![tokens(&t)];
        for _ in 0..3 {
            t.forward();
            frames.push(tokens(&t));
        }
        let forward = Transition { frames: frames.clone(), requests: Vec::new(), backward: false, hop_ms: 400 };
        assert_eq!(forward.duration_ms(), 1200, "three steps, each moving a message");
        let m2 = forward.paths().into_iter().find(|p| p.token.message_id == 2).expect("m2");
        assert_eq!(m2.moves.len(), 2, "published, then handled: {m2:?}");
        assert_eq!((m2.moves[0].begin_ms, m2.moves[1].begin_ms), (400, 800));
        frames.reverse();
        let back = Transition { frames, requests: Vec::new(), backward: true, hop_ms: 400 };
        let m2 = back.paths().into_iter().find(|p| p.token.message_id == 2).expect("m2 back");
        assert_eq!(m2.moves[0].from.0, Place::Service(Svc::ConsumerService), "it comes back from its receiver");
        assert_eq!(m2.moves[1].to.0, Place::Outbox(Svc::OrderService), "and goes back into the outbox");
        assert!(!m2.rests);
    }

    #[test]
    fn lanes_number_their_messages_in_delivery_order() {
        let mut t = timeline("authorization-fails");
        for n in 0..t.len() {
            t.seek(n);
            let all = tokens(&t);
            for channel in all.iter().map(|tok| tok.channel) {
                let indexes: Vec<usize> = all.iter().filter(|tok| tok.channel == channel).map(|tok| tok.index).collect();
                assert_eq!(indexes, (0..indexes.len()).collect::<Vec<_>>(), "step {n}, {channel}");
            }
        }
    }

    #[test]
    fn who_asks_is_drawn_where_the_request_starts() {
        let mut t = timeline("authorization-fails");
        assert_eq!(actors(&t), vec![(Actor::Customer, Svc::OrderService)], "the customer places the order");
        // Stepping into the order's commit: the request moves in that step's turn.
        t.seek(0);
        let before = tokens(&t);
        t.forward();
        let request = requester(t.current().expect("a step")).expect("a request");
        let step = Transition { frames: vec![before, tokens(&t)], requests: vec![(1, request.0, request.1)], backward: false, hop_ms: 300 };
        assert_eq!(step.requests_moving(), vec![(0, Actor::Customer, Svc::OrderService)]);
        assert_eq!(step.duration_ms(), 300, "a request alone is a move");
    }
}
