//! Where things sit on the architecture canvas, and where a message in
//! flight is at a given virtual time. Pure geometry, tested natively.
//!
//! Coordinates are whole viewBox units (1000 across, about 0.8 px each on a
//! projector): the canvas needs no finer, and printing integers keeps Rust's
//! float formatting out of the download (with the float parser the speed
//! picker no longer needs, that was 24 KB gzip: code and lookup tables).

use crate::sim::message::Category;
use crate::sim::world::Flight;
use crate::sim::Svc;

/// The canvas's coordinate system (SVG viewBox units). Text on it is at
/// least 14 units: the canvas is drawn about 0.8-0.9 px a unit on a
/// projector and in a slide, so that is 11-12 px or more.
pub const WIDTH: i32 = 1000;
/// The canvas is at least this tall...
const HEIGHT_MIN: i32 = 330;
/// ...and tall enough to give each stacked box this much room.
const BOX_H_MIN: i32 = 120;
const GAP: i32 = 10;
const BROKER_X: i32 = 410;
const BROKER_W: i32 = 180;
/// How far below a box's top its relay sits: on the title's line.
const RELAY_INSET: i32 = 18;
/// Height of one line of a box's text (a table row, a caption), in
/// viewBox units: the canvas grows when a column's lines need more room.
const LINE_H: i32 = 19;
/// A channel's lane: its name and, below, what is on it.
pub const LANE_H: i32 = 40;
/// Where the first lane starts, below the broker's title.
const LANES_TOP: i32 = 32;

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
    let height = HEIGHT_MIN.max(stacked * BOX_H_MIN + GAP * (stacked - 1)).max(need(&left)).max(need(&right));
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
    let step = ((height - LANES_TOP - 6) / channels.len().max(1) as i32).min(LANE_H + 10);
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

    /// The route of `flight`: from its sender, through its channel's lane
    /// (a broker message; an HTTP call goes straight), to its receiver.
    pub fn route(&self, flight: &Flight) -> (Point, Option<Point>, Point) {
        let to = self.anchor(flight.to);
        match flight.category {
            // The composer's calls and their answers are direct, not relayed.
            Category::Request | Category::Response => (self.anchor(flight.from), None, to),
            _ => (self.departure(flight.from), Some(self.lane(flight.channel)), to),
        }
    }

    /// Where `flight` is at virtual time `now` on its route: through the
    /// lane at half its time. Whole units, no floating point.
    pub fn at(&self, flight: &Flight, now: u64) -> Point {
        let (start, via, end) = self.route(flight);
        let span = flight.deliver_at.saturating_sub(flight.sent_at).max(1) as i64;
        let done = (now.saturating_sub(flight.sent_at) as i64).min(span);
        // `num / span` of the way from `a` to `b`.
        let between = |a: Point, b: Point, num: i64| {
            let part = |from: i32, to: i32| from + ((to - from) as i64 * num / span) as i32;
            (part(a.0, b.0), part(a.1, b.1))
        };
        match via {
            None => between(start, end, done),
            Some(lane) if 2 * done < span => between(start, lane, 2 * done),
            Some(lane) => between(lane, end, 2 * done - span),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flight(from: Svc, to: Svc, sent_at: u64, deliver_at: u64, waiting: bool) -> Flight {
        Flight {
            key: crate::sim::world::FlightKey::Delivery(1),
            message_id: 1,
            kind: crate::sim::kind::Kind::OrderCreatedEvent,
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
    fn a_message_goes_sender_lane_receiver() {
        let l = layout(&[(Svc::OrderService, 3), (Svc::CustomerService, 4)], &["Order"]);
        let f = flight(Svc::OrderService, Svc::CustomerService, 100, 200, false);
        assert_eq!(l.route(&f), (l.departure(Svc::OrderService), Some(l.lane("Order")), l.anchor(Svc::CustomerService)));
        let call = Flight { category: Category::Request, ..f };
        assert_eq!(l.route(&call), (l.anchor(Svc::OrderService), None, l.anchor(Svc::CustomerService)), "a call goes straight");
        // Still pictures (an export) place it the way the animation does.
        assert_eq!(l.at(&f, 100), l.departure(Svc::OrderService));
        assert_eq!(l.at(&f, 150), l.lane("Order"), "on its lane at half its time");
        assert_eq!(l.at(&f, 200), l.anchor(Svc::CustomerService));
        assert_eq!(l.at(&f, 900), l.anchor(Svc::CustomerService));
        assert_eq!(
            l.at(&call, 150),
            ((l.anchor(Svc::OrderService).0 + l.anchor(Svc::CustomerService).0) / 2, l.anchor(Svc::OrderService).1)
        );
    }
}
