//! Where things sit on the architecture canvas, and where a message in
//! flight is at a given virtual time. Pure geometry, tested natively.
//!
//! Coordinates are whole viewBox units (1000 across, about 0.8 px each on a
//! projector): the canvas needs no finer, and printing integers keeps Rust's
//! float formatting (about 9 KB gzip) out of the download.

use crate::sim::message::Category;
use crate::sim::world::Flight;
use crate::sim::Svc;

/// The canvas's coordinate system (SVG viewBox units).
pub const WIDTH: i32 = 1000;
/// The canvas is at least this tall...
const HEIGHT_MIN: i32 = 470;
/// ...and tall enough to give each stacked box this much room.
const BOX_H_MIN: i32 = 175;
const GAP: i32 = 10;
const BROKER_X: i32 = 420;
const BROKER_W: i32 = 160;
/// How far above a box's bottom its relay sits.
const RELAY_INSET: i32 = 16;

/// An axis-aligned box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

/// A service's short name, where space is tight.
pub fn short(svc: Svc) -> &'static str {
    match svc {
        Svc::OrderService => "Order",
        Svc::CustomerService => "Customer",
        Svc::OrderHistoryService => "History",
        Svc::ConsumerService => "Consumer",
        Svc::KitchenService => "Kitchen",
        Svc::AccountingService => "Accounting",
        Svc::ApiComposer => "Composer",
    }
}

/// A point on the canvas.
pub type Point = (i32, i32);

/// The canvas: a box per service, the broker and a lane per channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The canvas height (the width is always [`WIDTH`]).
    pub height: i32,
    pub boxes: Vec<(Svc, Rect)>,
    pub broker: Rect,
    pub lanes: Vec<(&'static str, i32)>,
}

/// Order Service and the API composer stand left of the broker, everyone
/// else right, each column split evenly.
pub fn layout(services: &[Svc], channels: &[&'static str]) -> Layout {
    let left: Vec<Svc> = services.iter().copied().filter(|s| matches!(s, Svc::OrderService | Svc::ApiComposer)).collect();
    let right: Vec<Svc> = services.iter().copied().filter(|s| !left.contains(s)).collect();
    let stacked = left.len().max(right.len()).max(1) as i32;
    let height = HEIGHT_MIN.max(stacked * BOX_H_MIN + GAP * (stacked - 1));
    let mut boxes = Vec::new();
    for (column, x) in [(&left, 0), (&right, BROKER_X + BROKER_W + GAP * 2)] {
        let n = column.len().max(1) as i32;
        let h = (height - GAP * (n - 1)) / n;
        for (i, svc) in column.iter().enumerate() {
            let w = BROKER_X - GAP * 2;
            boxes.push((*svc, Rect { x, y: i as i32 * (h + GAP), w, h }));
        }
    }
    let broker = Rect { x: BROKER_X, y: 0, w: BROKER_W, h: height };
    let top = 62;
    let step = ((height - top - 20) / channels.len().max(1) as i32).min(64);
    let lanes = channels.iter().enumerate().map(|(i, c)| (*c, top + step * i as i32)).collect();
    Layout { height, boxes, broker, lanes }
}

impl Layout {
    /// The box of `svc`.
    pub fn rect(&self, svc: Svc) -> Option<Rect> {
        self.boxes.iter().find(|(s, _)| *s == svc).map(|(_, r)| *r)
    }

    /// Where messages enter a service: the middle of the side that faces
    /// the broker.
    pub fn anchor(&self, svc: Svc) -> Point {
        match self.rect(svc) {
            Some(r) if r.x < BROKER_X => (r.x + r.w, r.y + r.h / 2),
            Some(r) => (r.x, r.y + r.h / 2),
            None => (WIDTH / 2, self.height / 2),
        }
    }

    /// Where a service's relay sits, and so where its messages leave: the
    /// lower corner of the side that faces the broker.
    pub fn relay(&self, svc: Svc) -> Point {
        match self.rect(svc) {
            Some(r) if r.x < BROKER_X => (r.x + r.w, r.y + r.h - RELAY_INSET),
            Some(r) => (r.x, r.y + r.h - RELAY_INSET),
            None => (WIDTH / 2, self.height / 2),
        }
    }

    /// The point on a channel's lane where its messages wait.
    pub fn lane(&self, channel: &str) -> Point {
        let y = self.lanes.iter().find(|(c, _)| *c == channel).map_or(self.height / 2, |(_, y)| *y);
        (self.broker.x + self.broker.w / 2, y + 22)
    }

    /// Where `flight` is at virtual time `now_ms`. Broker messages go sender
    /// -> channel lane -> receiver; HTTP calls go straight. With `jump`
    /// (reduced motion), a message in flight sits on its lane instead of
    /// gliding.
    pub fn position(&self, flight: &Flight, now_ms: f64, jump: bool) -> Point {
        let from = match flight.category {
            // The composer's calls and their answers are direct, not relayed.
            Category::Request | Category::Response => self.anchor(flight.from),
            _ => self.relay(flight.from),
        };
        let to = self.anchor(flight.to);
        let span = (flight.deliver_at as f64 - flight.sent_at as f64).max(1.0);
        let progress = ((now_ms - flight.sent_at as f64) / span).clamp(0.0, 1.0);
        if matches!(flight.category, Category::Request | Category::Response) {
            let p = if jump { 0.5 } else { progress };
            return lerp(from, to, p);
        }
        let lane = self.lane(flight.channel);
        // Once published, a message is in the broker: one that cannot be
        // delivered yet waits on its lane.
        if jump || flight.waiting {
            return lane;
        }
        if progress < 0.5 {
            lerp(from, lane, progress * 2.0)
        } else {
            lerp(lane, to, (progress - 0.5) * 2.0)
        }
    }
}

fn lerp(a: Point, b: Point, t: f64) -> Point {
    let between = |from: i32, to: i32| from + (f64::from(to - from) * t).round() as i32;
    (between(a.0, b.0), between(a.1, b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flight(from: Svc, to: Svc, sent_at: u64, deliver_at: u64, waiting: bool) -> Flight {
        Flight {
            key: "d1".into(),
            message_id: 1,
            kind: "OrderCreatedEvent",
            category: Category::Event,
            from,
            to,
            channel: "Order",
            sent_at,
            deliver_at,
            duplicate: false,
            waiting,
        }
    }

    #[test]
    fn boxes_do_not_overlap_and_fit() {
        let services = [Svc::OrderService, Svc::CustomerService, Svc::OrderHistoryService, Svc::ApiComposer];
        let l = layout(&services, &["Order", "Customer"]);
        for (i, (_, a)) in l.boxes.iter().enumerate() {
            assert!(a.x >= 0 && a.y >= 0 && a.x + a.w <= WIDTH && a.y + a.h <= l.height, "{a:?}");
            for (_, b) in &l.boxes[i + 1..] {
                let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
            let clear_of_broker = a.x + a.w <= l.broker.x || a.x >= l.broker.x + l.broker.w;
            assert!(clear_of_broker, "{a:?} overlaps the broker");
        }
    }

    #[test]
    fn a_message_goes_sender_lane_receiver() {
        let l = layout(&[Svc::OrderService, Svc::CustomerService], &["Order"]);
        let f = flight(Svc::OrderService, Svc::CustomerService, 100, 200, false);
        assert_eq!(l.position(&f, 100.0, false), l.relay(Svc::OrderService), "it leaves through the relay");
        assert_eq!(l.position(&f, 150.0, false), l.lane("Order"));
        assert_eq!(l.position(&f, 200.0, false), l.anchor(Svc::CustomerService));
        assert_eq!(l.position(&f, 120.0, true), l.lane("Order"), "reduced motion sits on the lane");
        let parked = flight(Svc::OrderService, Svc::CustomerService, 100, 200, true);
        assert_eq!(l.position(&parked, 190.0, false), l.lane("Order"), "a waiting message waits in the broker");
    }
}
