//! Where things sit on the architecture canvas, and where a message in
//! flight is at a given virtual time. Pure geometry, tested natively.
//!
//! Coordinates are whole viewBox units (1000 across, about 0.8 px each on a
//! projector): the canvas needs no finer, and printing integers keeps Rust's
//! float formatting out of the download (with the float parser the speed
//! picker no longer needs, that was 24 KB gzip: code and lookup tables).

use crate::sim::Svc;

use super::motion::{Place, Token};

/// The canvas's coordinate system (SVG viewBox units). Text on it is at
/// least 14 units: the canvas is drawn about 0.8-0.9 px a unit on a
/// projector and in a slide, so that is 11-12 px or more.
pub const WIDTH: i32 = 1000;
/// The canvas is at least this tall...
const HEIGHT_MIN: i32 = 330;
/// ...and tall enough to give each stacked box this much room.
const BOX_H_MIN: i32 = 120;
const GAP: i32 = 10;
const BROKER_X: i32 = 395;
/// Wide enough for a lane to show its first messages and name the first.
const BROKER_W: i32 = 210;
/// How far below a box's top its relay sits: on the title's line.
const RELAY_INSET: i32 = 18;
/// Height of one line of a box's text (a table row, a caption), in
/// viewBox units: the canvas grows when a column's lines need more room.
const LINE_H: i32 = 19;
/// A channel's lane: its name and, below, what is on it.
pub const LANE_H: i32 = 40;
/// The least room between two lanes.
const LANE_GAP: i32 = 4;
/// Where the first lane starts, below the broker's title.
const LANES_TOP: i32 = 32;
/// Messages a lane shows side by side; it counts the rest.
pub const LANE_SLOTS: usize = 3;
/// From one message's middle to the next in a lane (a message is 18 wide).
const SLOT_W: i32 = 22;
/// Where the first message in a lane sits, from the broker's left edge.
const SLOT_X: i32 = 21;
/// Between two HTTP calls resting on the same wire.
const CALL_GAP: i32 = 22;

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
/// else right; while the right column has two more boxes than the left, its
/// first moves over. `services` pairs each service with the lines of
/// text its box shows: a column is split in proportion, so every box gets
/// room for what it holds.
pub fn layout(services: &[(Svc, i32)], channels: &[&'static str]) -> Layout {
    let on_left = |svc: &Svc| matches!(svc, Svc::OrderService | Svc::ApiComposer);
    let mut left: Vec<(Svc, i32)> = services.iter().copied().filter(|(svc, _)| on_left(svc)).collect();
    let mut right: Vec<(Svc, i32)> = services.iter().copied().filter(|(svc, _)| !on_left(svc)).collect();
    // Balance the columns, so no column's boxes are squeezed while the other
    // has room. The first on the right moves (FTGO: Consumer Service, the
    // saga's second step, joins Order Service), the same at every step.
    while right.len() > left.len() + 1 {
        left.push(right.remove(0));
    }
    let stacked = left.len().max(right.len()).max(1) as i32;
    let need = |column: &[(Svc, i32)]| column.iter().map(|(_, lines)| lines * LINE_H + GAP).sum::<i32>() - GAP;
    // Every lane whole: its name and, below, its messages.
    let lanes_need = LANES_TOP + channels.len() as i32 * (LANE_H + LANE_GAP) + 6 - LANE_GAP;
    let height = HEIGHT_MIN.max(stacked * BOX_H_MIN + GAP * (stacked - 1)).max(need(&left)).max(need(&right)).max(lanes_need);
    let mut boxes = Vec::new();
    for (column, x) in [(&left, 0), (&right, BROKER_X + BROKER_W + GAP * 2)] {
        let room = height - GAP * (column.len().max(1) as i32 - 1);
        let weights: i32 = column.iter().map(|(_, lines)| (*lines).max(1)).sum();
        let mut y = 0;
        for (i, (svc, lines)) in column.iter().enumerate() {
            // The last box takes what rounding left, so the column ends flush.
            let h = if i + 1 == column.len() { height - y } else { room * (*lines).max(1) / weights };
            boxes.push((*svc, Rect { x, y, w: BROKER_X - GAP * 2, h }));
            y += h + GAP;
        }
    }
    let broker = Rect { x: BROKER_X, y: 0, w: BROKER_W, h: height };
    let step = ((height - LANES_TOP - 6 + LANE_GAP) / channels.len().max(1) as i32).min(LANE_H + 10);
    let lanes = channels.iter().enumerate().map(|(i, c)| (*c, LANES_TOP + step * i as i32)).collect();
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

    /// Where a service's relay sits: the upper corner of the side that
    /// faces the broker, on the title's line.
    pub fn relay(&self, svc: Svc) -> Point {
        match self.rect(svc) {
            Some(r) if r.x < BROKER_X => (r.x + r.w, r.y + RELAY_INSET),
            Some(r) => (r.x, r.y + RELAY_INSET),
            None => (WIDTH / 2, self.height / 2),
        }
    }

    /// Where a service's messages leave for the broker: beside its relay,
    /// in the gap outside the box, so a message waiting to go does not
    /// cover the relay's name.
    pub fn departure(&self, svc: Svc) -> Point {
        let (x, y) = self.relay(svc);
        let outward = if x < BROKER_X { GAP } else { -GAP };
        (x + outward, y)
    }

    /// The point on a channel's lane where its messages wait.
    pub fn lane(&self, channel: &str) -> Point {
        let y = self.lanes.iter().find(|(c, _)| *c == channel).map_or(self.height / 2, |(_, y)| *y);
        (self.broker.x + self.broker.w / 2, y + LANE_H / 2)
    }

    /// Where a lane's first message rests, and the others beside it.
    pub fn slot(&self, channel: &str, index: usize) -> Point {
        let (_, y) = self.lane(channel);
        (self.broker.x + SLOT_X + SLOT_W * index.min(LANE_SLOTS - 1) as i32, y + 9)
    }

    /// Where the text naming a lane's messages starts, after `shown` of them.
    pub fn lane_text_x(&self, shown: usize) -> i32 {
        self.broker.x + SLOT_X + SLOT_W * shown as i32 - 4
    }

    /// Where `token` rests: in its lane, or along its call's wire (calls
    /// to the same service side by side).
    pub fn rest(&self, token: &Token) -> Point {
        if token.is_call() {
            let (a, b) = (self.anchor(token.from), self.anchor(token.to.unwrap_or(token.from)));
            ((a.0 + b.0) / 2, (a.1 + b.1) / 2 + CALL_GAP * token.index as i32)
        } else {
            self.slot(token.channel, token.index)
        }
    }

    /// Whether `token` shows where it rests: a lane shows its first
    /// [`LANE_SLOTS`] messages and counts the rest.
    pub fn shows_at_rest(token: &Token) -> bool {
        token.is_call() || token.index < LANE_SLOTS
    }

    /// The way `token` goes from one place to another, as the points a
    /// learner can follow: out of its sender's outbox through the relay
    /// into its lane; from its lane out of the broker's side to its
    /// receiver; along a call's wire; or along its lane. Going back, the
    /// same way reversed.
    pub fn way(&self, token: &Token, from: (Place, usize), to: (Place, usize)) -> Vec<Point> {
        let rest = |index: usize| self.rest(&Token { index, ..token.clone() });
        let mut points = match (from.0, to.0) {
            (Place::Rest, Place::Rest) => vec![rest(from.1), rest(to.1)],
            (Place::Rest, _) => {
                let mut back = self.way(token, to, from);
                back.reverse();
                return back;
            }
            (Place::Outbox(svc), _) => vec![self.outbox(svc), self.departure(svc), rest(to.1)],
            (Place::Service(svc), _) if token.is_call() => vec![self.anchor(svc), rest(to.1)],
            (Place::Service(svc), _) => {
                let at = rest(to.1);
                vec![self.anchor(svc), (self.broker_side(svc), at.1), at]
            }
        };
        points.dedup();
        points
    }

    /// Inside a service's box, below its relay: where its outbox's rows are.
    fn outbox(&self, svc: Svc) -> Point {
        let (x, y) = self.relay(svc);
        let inward = if x < BROKER_X { -70 } else { 70 };
        (x + inward, y + 40)
    }

    /// The broker's side that faces `svc`.
    fn broker_side(&self, svc: Svc) -> i32 {
        if self.anchor(svc).0 < BROKER_X {
            self.broker.x + 4
        } else {
            self.broker.x + self.broker.w - 4
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::motion::TokenKey;
    use super::*;
    use crate::sim::kind::Kind;
    use crate::sim::message::Category;

    fn token(from: Svc, to: Option<Svc>, category: Category, index: usize) -> Token {
        Token {
            key: TokenKey::Unconsumed(1),
            message_id: 1,
            kind: Kind::OrderCreatedEvent,
            category,
            from,
            to,
            channel: "Order",
            duplicate: false,
            waiting: false,
            index,
        }
    }

    #[test]
    fn boxes_do_not_overlap_and_fit() {
        let services = [(Svc::OrderService, 3), (Svc::CustomerService, 4), (Svc::OrderHistoryService, 2), (Svc::ApiComposer, 1)];
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
    fn columns_balance_and_more_tables_get_a_taller_box() {
        let ftgo = [(Svc::OrderService, 4), (Svc::ConsumerService, 3), (Svc::KitchenService, 3), (Svc::AccountingService, 4)];
        let l = layout(&ftgo, &[]);
        let rect = |svc| l.rect(svc).unwrap();
        assert_eq!(rect(Svc::ConsumerService).x, rect(Svc::OrderService).x, "Consumer Service joins Order Service on the left");
        assert!(rect(Svc::OrderService).h > rect(Svc::ConsumerService).h);
        assert!(rect(Svc::AccountingService).h > rect(Svc::KitchenService).h);
        let l = layout(&[(Svc::OrderService, 3), (Svc::CustomerService, 4), (Svc::OrderHistoryService, 2)], &[]);
        let (customer, history) = (l.rect(Svc::CustomerService).unwrap(), l.rect(Svc::OrderHistoryService).unwrap());
        assert!(customer.h > history.h, "{customer:?} {history:?}");
        assert_eq!(history.y + history.h, l.height, "the column ends flush with the canvas");
    }

    #[test]
    fn the_canvas_grows_when_a_column_needs_more_lines() {
        let short = layout(&[(Svc::OrderService, 10), (Svc::CustomerService, 10)], &[]);
        let tall = layout(&[(Svc::OrderService, 40), (Svc::CustomerService, 10)], &[]);
        assert_eq!(short.height, HEIGHT_MIN);
        assert!(tall.height >= 40 * LINE_H, "{}", tall.height);
    }

    #[test]
    fn a_message_leaves_through_its_relay_rests_in_its_lane_and_goes_to_its_receiver() {
        let l = layout(&[(Svc::OrderService, 3), (Svc::CustomerService, 4)], &["Order"]);
        let event = token(Svc::OrderService, Some(Svc::CustomerService), Category::Event, 0);
        let out = l.way(&event, (Place::Outbox(Svc::OrderService), 0), (Place::Rest, 0));
        assert_eq!(out[1..], [l.departure(Svc::OrderService), l.slot("Order", 0)]);
        let lane = l.lane("Order");
        assert!(
            out[2].0 > l.broker.x && out[2].0 < l.broker.x + l.broker.w && out[2].1 > lane.1 - LANE_H / 2 && out[2].1 < lane.1 + LANE_H / 2
        );
        let arrive = l.way(&event, (Place::Rest, 0), (Place::Service(Svc::CustomerService), 0));
        assert_eq!(arrive.first(), Some(&l.slot("Order", 0)));
        assert_eq!(arrive.last(), Some(&l.anchor(Svc::CustomerService)));
        // Stepping back goes the same way, reversed.
        let mut back = l.way(&event, (Place::Service(Svc::CustomerService), 0), (Place::Rest, 0));
        back.reverse();
        assert_eq!(back, arrive);
    }

    #[test]
    fn queued_messages_sit_side_by_side_and_the_rest_are_counted() {
        let l = layout(&[(Svc::OrderService, 3), (Svc::CustomerService, 4)], &["Order"]);
        let at = |i| l.rest(&token(Svc::OrderService, Some(Svc::CustomerService), Category::Event, i));
        assert!(at(1).0 - at(0).0 >= 18, "a message is 18 units wide; they do not touch");
        assert_eq!(at(LANE_SLOTS), at(LANE_SLOTS - 1));
        assert!(!Layout::shows_at_rest(&token(Svc::OrderService, None, Category::Event, LANE_SLOTS)));
        assert!(l.lane_text_x(LANE_SLOTS) > at(LANE_SLOTS - 1).0 + 9, "the text starts after the last message");
        // Calls rest on their wire, side by side.
        let call = |i| l.rest(&token(Svc::OrderService, Some(Svc::CustomerService), Category::Request, i));
        assert!(call(1).1 - call(0).1 >= 18);
    }
}
