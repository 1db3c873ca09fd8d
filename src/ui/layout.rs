//! Where things sit on the architecture canvas, and where a message in
//! flight is at a given virtual time. Pure geometry, tested natively.
//!
//! Coordinates are whole viewBox units (1000 across where the stage is
//! 860 px wide or more, fewer below, so a unit is never drawn smaller than
//! 0.86 px and 14-unit text never below 12 px): the canvas needs no finer,
//! and printing integers keeps Rust's float formatting out of the download
//! (with the float parser the speed picker no longer needs, that was 24 KB
//! gzip: code and lookup tables).
//!
//! The stage fills the room it has: as tall as the window leaves it, the
//! boxes sharing the height. Two columns with the broker between them; on a
//! narrow screen (a phone held upright) one column, the broker a band
//! between the first services and the others.

use crate::sim::Svc;

use super::motion::{Actor, Place, Token};

/// The canvas's widest coordinate system (SVG viewBox units). Text on it
/// is at least 14 units.
pub const WIDTH: i32 = 1000;
/// The smallest text on the canvas, in units.
const TEXT_UNITS: f64 = 14.0;
/// Narrower than this, the services stack in one column.
const TWO_COLUMNS_MIN: i32 = 700;
/// The narrowest canvas (a 320 px phone).
const WIDTH_MIN: i32 = 360;
/// The canvas is at least this tall...
const HEIGHT_MIN: i32 = 330;
/// ...and tall enough to give each stacked box this much room.
const BOX_H_MIN: i32 = 120;
const GAP: i32 = 10;
/// Wide enough for a lane to show its first messages and name the first.
const BROKER_W: i32 = 210;
/// How far below a box's top its relay sits: on the title's line.
const RELAY_INSET: i32 = 18;
/// Height of one line of a box's text (a table row, a caption), in
/// viewBox units: the canvas grows when a column's lines need more room.
const LINE_H: i32 = 19;
/// The same on a phone, where each folded table is a finger-sized target.
const LINE_H_TOUCH: i32 = 28;
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
/// Above a box whose service outside actors ask: their names.
const ACTORS_H: i32 = 22;

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

/// The room the stage has, in viewBox units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Room {
    pub width: i32,
    /// How tall the stage can be without scrolling (0: unknown).
    pub height: i32,
}

impl Default for Room {
    fn default() -> Self {
        Room { width: WIDTH, height: 0 }
    }
}

impl Room {
    /// The room of a stage `px_w` by `px_h` CSS pixels whose smallest text
    /// must be `text_px` (12 on a screen, 11 in a slide).
    pub fn of(px_w: f64, px_h: f64, text_px: f64) -> Room {
        if px_w < 1.0 {
            return Room::default();
        }
        let width = ((px_w * TEXT_UNITS / text_px) as i32).clamp(WIDTH_MIN, WIDTH);
        Room { width, height: (f64::from(width) * px_h / px_w) as i32 }
    }

    /// Whether the services stack in one column.
    pub fn stacked(self) -> bool {
        self.width < TWO_COLUMNS_MIN
    }
}

/// Which side of a box faces the broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Facing {
    Right,
    Left,
    Down,
    Up,
}

/// The canvas: a box per service, the broker and a lane per channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub width: i32,
    pub height: i32,
    pub boxes: Vec<(Svc, Rect)>,
    pub broker: Rect,
    pub lanes: Vec<(&'static str, i32)>,
    /// Those outside the services who ask them, each above the box it asks
    /// (where its requests start).
    pub actors: Vec<(Actor, Svc, Point)>,
}

/// The canvas for `room`: a box per service (each paired with the lines of
/// text it shows, which a column shares its height by) and a lane per
/// channel. Two columns: Order Service and the API composer left of the
/// broker, everyone else right; while the right column has two more boxes
/// than the left, its first moves over. Stacked: the first half above the
/// broker, the rest below.
pub fn layout(services: &[(Svc, i32)], channels: &[&'static str], room: Room, actors: &[(Actor, Svc)]) -> Layout {
    let mut l = boxes_and_lanes(services, channels, room, &|svc| actors.iter().any(|(_, s)| *s == svc));
    for (actor, svc) in actors {
        let Some(r) = l.rect(*svc) else { continue };
        // Beside one another when several ask one service.
        let nth = actors.iter().filter(|(_, s)| s == svc).position(|(a, _)| a == actor).unwrap_or(0) as i32;
        let many = actors.iter().filter(|(_, s)| s == svc).count() as i32;
        l.actors.push((*actor, *svc, (r.x + r.w * (2 * nth + 1) / (2 * many), r.y - ACTORS_H / 2)));
    }
    l
}

/// Where an actor's figure and name start, centred on `x` (a letter of
/// its name is about 8 units).
pub fn actor_left(x: i32, actor: Actor) -> i32 {
    x - (actor.name().len() as i32 * 8 + 20) / 2
}

/// The boxes, the broker and its lanes, with room above each box that
/// `asked` (by someone outside) for the names of who asks it.
fn boxes_and_lanes(services: &[(Svc, i32)], channels: &[&'static str], room: Room, asked: &dyn Fn(Svc) -> bool) -> Layout {
    let above = |svc: Svc| if asked(svc) { ACTORS_H } else { 0 };
    // Every lane whole: its name and, below, its messages.
    let lanes_need = LANES_TOP + channels.len() as i32 * (LANE_H + LANE_GAP) + 6 - LANE_GAP;
    if room.stacked() {
        return stacked(services, channels, room.width, lanes_need, &above);
    }
    let on_left = |svc: &Svc| matches!(svc, Svc::OrderService | Svc::ApiComposer);
    let mut left: Vec<(Svc, i32)> = services.iter().copied().filter(|(svc, _)| on_left(svc)).collect();
    let mut right: Vec<(Svc, i32)> = services.iter().copied().filter(|(svc, _)| !on_left(svc)).collect();
    // Balance the columns, so no column's boxes are squeezed while the other
    // has room. The first on the right moves (FTGO: Consumer Service, the
    // saga's second step, joins Order Service), the same at every step.
    while right.len() > left.len() + 1 {
        left.push(right.remove(0));
    }
    let rows = left.len().max(right.len()).max(1) as i32;
    let need = |column: &[(Svc, i32)]| column.iter().map(|(svc, lines)| lines * LINE_H + GAP + above(*svc)).sum::<i32>() - GAP;
    let height = HEIGHT_MIN.max(room.height).max(rows * BOX_H_MIN + GAP * (rows - 1)).max(need(&left)).max(need(&right)).max(lanes_need);
    let broker_x = (room.width - BROKER_W) / 2;
    let mut boxes = Vec::new();
    for (column, x) in [(&left, 0), (&right, broker_x + BROKER_W + GAP * 2)] {
        let room = height - GAP * (column.len().max(1) as i32 - 1) - column.iter().map(|(svc, _)| above(*svc)).sum::<i32>();
        let weights: i32 = column.iter().map(|(_, lines)| (*lines).max(1)).sum();
        let mut y = 0;
        for (i, (svc, lines)) in column.iter().enumerate() {
            y += above(*svc);
            // The last box takes what rounding left, so the column ends flush.
            let h = if i + 1 == column.len() { height - y } else { room * (*lines).max(1) / weights };
            boxes.push((*svc, Rect { x, y, w: broker_x - GAP * 2, h }));
            y += h + GAP;
        }
    }
    let broker = Rect { x: broker_x, y: 0, w: BROKER_W, h: height };
    let step = ((height - LANES_TOP - 6 + LANE_GAP) / channels.len().max(1) as i32).min(LANE_H + 10);
    let lanes = channels.iter().enumerate().map(|(i, c)| (*c, LANES_TOP + step * i as i32)).collect();
    Layout { width: room.width, height, boxes, broker, lanes, actors: Vec::new() }
}

/// One column `width` wide: the first half of the services, the broker as
/// a band with its lanes one under another, then the rest.
fn stacked(services: &[(Svc, i32)], channels: &[&'static str], width: i32, lanes_need: i32, above_box: &dyn Fn(Svc) -> i32) -> Layout {
    let above = services.len().div_ceil(2);
    let mut boxes = Vec::new();
    let mut y = 0;
    let mut broker = Rect { x: 0, y: 0, w: width, h: lanes_need };
    for (i, (svc, lines)) in services.iter().enumerate() {
        if i == above {
            broker.y = y;
            y += broker.h + GAP;
        }
        y += above_box(*svc);
        let h = (lines * LINE_H_TOUCH).max(BOX_H_MIN);
        boxes.push((*svc, Rect { x: 0, y, w: width, h }));
        y += h + GAP;
    }
    if above == services.len() {
        broker.y = y;
        y += broker.h + GAP;
    }
    let lanes = channels.iter().enumerate().map(|(i, c)| (*c, broker.y + LANES_TOP + (LANE_H + LANE_GAP) * i as i32)).collect();
    Layout { width, height: y - GAP, boxes, broker, lanes, actors: Vec::new() }
}

impl Layout {
    /// Whether the services stack in one column around a band of lanes.
    pub fn stacked(&self) -> bool {
        self.broker.w == self.width
    }

    /// The box of `svc`.
    pub fn rect(&self, svc: Svc) -> Option<Rect> {
        self.boxes.iter().find(|(s, _)| *s == svc).map(|(_, r)| *r)
    }

    /// Where `actor` stands above the box of `svc`, and where its request
    /// enters that box.
    /// (From its figure, left of its name, into the box's title line.)
    pub fn actor(&self, actor: Actor, svc: Svc) -> Option<(Point, Point)> {
        let (_, _, (x, y)) = self.actors.iter().find(|(a, s, _)| *a == actor && *s == svc)?;
        let figure = actor_left(*x, actor) + 7;
        Some(((figure, *y), (figure, y + ACTORS_H / 2 + 14)))
    }

    /// Which side of `r` faces the broker.
    fn facing(&self, r: Rect) -> Facing {
        let b = self.broker;
        if r.x + r.w <= b.x {
            Facing::Right
        } else if r.x >= b.x + b.w {
            Facing::Left
        } else if r.y + r.h <= b.y {
            Facing::Down
        } else {
            Facing::Up
        }
    }

    /// Where messages enter a service: the middle of the side that faces
    /// the broker.
    pub fn anchor(&self, svc: Svc) -> Point {
        let Some(r) = self.rect(svc) else { return (self.width / 2, self.height / 2) };
        match self.facing(r) {
            Facing::Right => (r.x + r.w, r.y + r.h / 2),
            Facing::Left => (r.x, r.y + r.h / 2),
            Facing::Down => (r.x + r.w / 2, r.y + r.h),
            Facing::Up => (r.x + r.w / 2, r.y),
        }
    }

    /// Where a service's relay sits: on the title's line, in the corner
    /// that faces the broker (stacked above it, the lower right corner).
    pub fn relay(&self, svc: Svc) -> Point {
        let Some(r) = self.rect(svc) else { return (self.width / 2, self.height / 2) };
        match self.facing(r) {
            Facing::Left => (r.x, r.y + RELAY_INSET),
            Facing::Down => (r.x + r.w, r.y + r.h - RELAY_INSET),
            Facing::Right | Facing::Up => (r.x + r.w, r.y + RELAY_INSET),
        }
    }

    /// Whether a service's relay badge sits on its title's line (which
    /// then leaves it room) and on which side: `Some(true)` on the right.
    pub fn relay_on_title(&self, svc: Svc) -> Option<bool> {
        let r = self.rect(svc)?;
        match self.facing(r) {
            Facing::Down => None,
            Facing::Left => Some(false),
            Facing::Right | Facing::Up => Some(true),
        }
    }

    /// Where a service's messages leave for the broker: beside its relay,
    /// just outside the box, so a message waiting to go does not cover the
    /// relay's name.
    pub fn departure(&self, svc: Svc) -> Point {
        let (x, y) = self.relay(svc);
        match self.rect(svc).map(|r| self.facing(r)) {
            Some(Facing::Left) => (x - GAP, y),
            Some(Facing::Down) => (x - 60, y + RELAY_INSET + GAP / 2),
            Some(Facing::Up) => (x - 60, y - RELAY_INSET - GAP / 2),
            _ => (x + GAP, y),
        }
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
                vec![self.anchor(svc), self.broker_exit(svc, at), at]
            }
        };
        points.dedup();
        points
    }

    /// Inside a service's box, beside its relay: where its outbox's rows are.
    fn outbox(&self, svc: Svc) -> Point {
        let (x, y) = self.relay(svc);
        match self.rect(svc).map(|r| self.facing(r)) {
            Some(Facing::Left) => (x + 70, y + 40),
            Some(Facing::Down) => (x - 70, y - 40),
            _ => (x - 70, y + 40),
        }
    }

    /// Where a message for `svc` leaves the broker, level with `at`.
    fn broker_exit(&self, svc: Svc, at: Point) -> Point {
        let b = self.broker;
        match self.rect(svc).map(|r| self.facing(r)) {
            Some(Facing::Right) => (b.x + 4, at.1),
            Some(Facing::Left) => (b.x + b.w - 4, at.1),
            Some(Facing::Down) => (at.0, b.y + 4),
            _ => (at.0, b.y + b.h - 4),
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
        let l = layout(&services, &["Order", "Customer"], Room::default(), &[]);
        for (i, (_, a)) in l.boxes.iter().enumerate() {
            assert!(a.x >= 0 && a.y >= 0 && a.x + a.w <= l.width && a.y + a.h <= l.height, "{a:?}");
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
        let l = layout(&ftgo, &[], Room::default(), &[]);
        let rect = |svc| l.rect(svc).unwrap();
        assert_eq!(rect(Svc::ConsumerService).x, rect(Svc::OrderService).x, "Consumer Service joins Order Service on the left");
        assert!(rect(Svc::OrderService).h > rect(Svc::ConsumerService).h);
        assert!(rect(Svc::AccountingService).h > rect(Svc::KitchenService).h);
        let l = layout(&[(Svc::OrderService, 3), (Svc::CustomerService, 4), (Svc::OrderHistoryService, 2)], &[], Room::default(), &[]);
        let (customer, history) = (l.rect(Svc::CustomerService).unwrap(), l.rect(Svc::OrderHistoryService).unwrap());
        assert!(customer.h > history.h, "{customer:?} {history:?}");
        assert_eq!(history.y + history.h, l.height, "the column ends flush with the canvas");
    }

    #[test]
    fn the_canvas_grows_when_a_column_needs_more_lines() {
        let short = layout(&[(Svc::OrderService, 10), (Svc::CustomerService, 10)], &[], Room::default(), &[]);
        let tall = layout(&[(Svc::OrderService, 40), (Svc::CustomerService, 10)], &[], Room::default(), &[]);
        assert_eq!(short.height, HEIGHT_MIN);
        assert!(tall.height >= 40 * LINE_H, "{}", tall.height);
    }

    #[test]
    fn a_message_leaves_through_its_relay_rests_in_its_lane_and_goes_to_its_receiver() {
        let l = layout(&[(Svc::OrderService, 3), (Svc::CustomerService, 4)], &["Order"], Room::default(), &[]);
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
        let l = layout(&[(Svc::OrderService, 3), (Svc::CustomerService, 4)], &["Order"], Room::default(), &[]);
        let at = |i| l.rest(&token(Svc::OrderService, Some(Svc::CustomerService), Category::Event, i));
        assert!(at(1).0 - at(0).0 >= 18, "a message is 18 units wide; they do not touch");
        assert_eq!(at(LANE_SLOTS), at(LANE_SLOTS - 1));
        assert!(!Layout::shows_at_rest(&token(Svc::OrderService, None, Category::Event, LANE_SLOTS)));
        assert!(l.lane_text_x(LANE_SLOTS) > at(LANE_SLOTS - 1).0 + 9, "the text starts after the last message");
        // Calls rest on their wire, side by side.
        let call = |i| l.rest(&token(Svc::OrderService, Some(Svc::CustomerService), Category::Request, i));
        assert!(call(1).1 - call(0).1 >= 18);
    }

    #[test]
    fn the_stage_fills_its_room_and_text_never_drops_below_twelve_px() {
        // A projector: 1000 units across, as tall as the window leaves it.
        let projector = Room::of(904.0, 480.0, 12.0);
        assert_eq!(projector.width, WIDTH);
        let l = layout(&[(Svc::OrderService, 3), (Svc::CustomerService, 4)], &["Order"], projector, &[]);
        assert_eq!(l.height, 1000 * 480 / 904, "no band of empty space below the stage");
        // A phone held upright: fewer units, each at least 0.86 px, one column.
        let phone = Room::of(374.0, 600.0, 12.0);
        assert!(phone.stacked() && f64::from(phone.width) * 12.0 / TEXT_UNITS <= 374.0 + 1.0);
        let services = [(Svc::OrderService, 3), (Svc::CustomerService, 4), (Svc::OrderHistoryService, 2)];
        let l = layout(&services, &["Order", "Customer"], phone, &[]);
        let (order, customer, history) =
            (l.rect(Svc::OrderService).unwrap(), l.rect(Svc::CustomerService).unwrap(), l.rect(Svc::OrderHistoryService).unwrap());
        assert!(order.y + order.h <= customer.y && customer.y + customer.h <= l.broker.y, "two above the broker");
        assert!(l.broker.y + l.broker.h <= history.y, "one below");
        for (_, r) in &l.boxes {
            assert_eq!((r.x, r.w), (0, l.width), "each as wide as the stage");
        }
        // Messages leave downwards into the band and come up to the box below.
        let event = token(Svc::OrderService, Some(Svc::OrderHistoryService), Category::Event, 0);
        let out = l.way(&event, (Place::Outbox(Svc::OrderService), 0), (Place::Rest, 0));
        assert!(out[1].1 > order.y + order.h && out[2].1 > l.broker.y, "{out:?}");
        let arrive = l.way(&event, (Place::Rest, 0), (Place::Service(Svc::OrderHistoryService), 0));
        assert_eq!(arrive.last(), Some(&(history.w / 2, history.y)));
    }

    #[test]
    fn an_actor_stands_above_the_box_it_asks() {
        let services = [(Svc::OrderService, 3), (Svc::KitchenService, 4)];
        let l = layout(&services, &[], Room::default(), &[(Actor::Customer, Svc::OrderService), (Actor::Restaurant, Svc::KitchenService)]);
        for (actor, svc) in [(Actor::Customer, Svc::OrderService), (Actor::Restaurant, Svc::KitchenService)] {
            let r = l.rect(svc).unwrap();
            let (from, to) = l.actor(actor, svc).unwrap();
            assert!(
                from.1 >= 0 && from.1 < r.y && to.1 > r.y && from.0 > r.x && from.0 < r.x + r.w,
                "{actor:?}: {from:?} -> {to:?} into {r:?}"
            );
        }
    }
}
