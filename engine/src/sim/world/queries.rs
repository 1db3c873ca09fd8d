//! Queries: the CQRS view's one local read, and the API composer's
//! calls to the owning services, joined in memory.

use super::*;
use crate::sim::kind::Kind;
use crate::sim::query::Answer;

impl World {
    /// The truth for `customer`, as the owning services hold it now.
    pub fn truth(&self, customer: i64) -> Option<History> {
        let customers = self.services.get(&Svc::CustomerService)?;
        let orders = self.services.get(&Svc::OrderService)?;
        if self.style == Style::Ftgo {
            return None;
        }
        Some(view::project_one(&customers.db, &orders.db, customer))
    }

    /// Whether Order History Service's view says what the owning services
    /// hold (true where there is no such view to compare).
    pub fn view_agrees(&self) -> bool {
        let db = |svc| self.services.get(&svc).map(|s| &s.db);
        match (db(Svc::OrderHistoryService), db(Svc::CustomerService), db(Svc::OrderService)) {
            (Some(view), Some(customers), Some(orders)) if self.style != Style::Ftgo => {
                view::differences(view, customers, orders).is_empty()
            }
            _ => true,
        }
    }

    /// Events the view has not applied yet: outbox rows the relay has still
    /// to publish on the
    /// topics it reads, plus deliveries queued for it.
    pub fn events_behind(&self) -> usize {
        if !self.has(Svc::OrderHistoryService) {
            return 0;
        }
        let queued: usize = self
            .broker
            .subscriptions
            .iter()
            .filter(|((_, to, _), _)| *to == Svc::OrderHistoryService)
            .map(|(_, s)| s.queue.iter().filter(|d| !d.duplicate).count())
            .sum();
        let unpublished: usize = self
            .services
            .values()
            .flat_map(|s| s.relay_backlog().map(|m| &**m).chain(s.unsent.iter()))
            .filter(|m| m.channel == ORDER_TOPIC || m.channel == CUSTOMER_TOPIC)
            .count();
        queued + unpublished
    }

    pub(super) fn query_view(&mut self, customer: i64) -> Step {
        let svc = Svc::OrderHistoryService;
        let Some(history) = self.services.get(&svc) else {
            return self.refused(svc, "this scenario has no Order History Service".into());
        };
        if !history.up {
            return self.refused(svc, format!("{svc} is down: the query fails"));
        }
        let answer = history.db.views.get(&customer).map_or_else(|| History::empty(customer), view::CustomerView::history);
        let truth = self.truth(customer);
        let behind = self.events_behind();
        let record = QueryRecord {
            id: self.queries.len() as u64 + 1,
            source: QuerySource::View,
            customer,
            started_ms: self.now,
            finished_ms: Some(self.now),
            answer: Rc::new(answer),
            truth: truth.map(Rc::new),
            error: None,
            events_behind: behind,
            outstanding: 0,
            not_found: false,
        };
        let truth = record.truth.as_deref().map(History::summary).unwrap_or_default();
        let verdict = match (record.stale(), behind) {
            (false, _) => "fresh: it matches the owning services".to_string(),
            // Nothing on its way will fix it: the view is wrong, not late.
            (true, 0) => format!("WRONG, and no event is on its way to fix it; the owning services say {truth}"),
            (true, 1) => format!("STALE, 1 event behind; the owning services say {truth}"),
            (true, _) => format!("STALE, {behind} events behind; the owning services say {truth}"),
        };
        let text = format!("{svc} answered query {} from its view in one local read: {}. {verdict}", record.id, record.answer.summary());
        self.queries.push(record);
        self.note(StepKind::Query, svc, text)
    }

    pub(super) fn compose_query(&mut self, customer: i64) -> Step {
        let svc = Svc::ApiComposer;
        if !self.has(svc) {
            return self.refused(svc, "this scenario has no API composer".into());
        }
        let id = self.queries.len() as u64 + 1;
        // The example's API gateway serves /customers/{id}/orderhistory by
        // zipping these two calls (OrderHistoryHandlers).
        let targets =
            [(Svc::CustomerService, format!("GET /customers/{customer}")), (Svc::OrderService, format!("GET /orders/customer/{customer}"))];
        let mut asked = Vec::new();
        for (target, path) in targets {
            self.next_message_id += 1;
            self.next_call_id += 1;
            let mut message = Message::new(Kind::Get, Category::Request, svc, "http").header("path", path.as_str());
            message.id = self.next_message_id;
            message.created_at = self.now;
            let at = self.now + self.latency.range(HTTP_LATENCY_MS.0, HTTP_LATENCY_MS.1);
            let call = Call {
                id: self.next_call_id,
                query: id,
                target,
                leg: Leg::Request,
                message,
                sent_at: self.now,
                deliver_at: at,
                answer: None,
            };
            self.calls.insert(call.id, call);
            self.schedule(at, Event::CallArrive(self.next_call_id));
            asked.push(format!("{path} to {target}"));
        }
        self.queries.push(QueryRecord {
            id,
            source: QuerySource::Composer,
            customer,
            started_ms: self.now,
            finished_ms: None,
            answer: Rc::new(History::empty(customer)),
            truth: None,
            error: None,
            events_behind: 0,
            outstanding: asked.len(),
            not_found: false,
        });
        let text = format!("{svc} starts query {id}, GET /customers/{customer}/orderhistory: sends {}", asked.join(" and "));
        self.note(StepKind::Query, svc, text)
    }

    pub(super) fn call_arrive(&mut self, id: u64) -> Option<Step> {
        let mut call = self.calls.remove(&id)?;
        match call.leg {
            Leg::Request => {
                let target = call.target;
                let up = self.services.get(&target).is_some_and(|s| s.up);
                let path = call.message.header_text("path").to_string();
                let (answer, body) = match (up, self.answer_call(&call)) {
                    (false, _) => (Answer::Unavailable, String::new()),
                    (true, None) => (Answer::NotFound, String::new()),
                    (true, Some((body, part))) => (Answer::Found(part), body),
                };
                let text = match answer {
                    Answer::Found(_) => format!("{target} answered {path}: {body}"),
                    Answer::NotFound => format!("{target} answered {path}: 404 Not Found, no such customer"),
                    Answer::Unavailable => format!("{target} is down: {path} gets 503 Service Unavailable"),
                };
                self.next_message_id += 1;
                let mut response = Message::new(answer.status(), Category::Response, target, "http")
                    .header("path", path.as_str())
                    .field("body", body.as_str());
                call.answer = Some(answer);
                response.id = self.next_message_id;
                response.created_at = self.now;
                let at = self.now + self.latency.range(HTTP_LATENCY_MS.0, HTTP_LATENCY_MS.1);
                call.leg = Leg::Response;
                let request = std::mem::replace(&mut call.message, response);
                call.sent_at = self.now;
                call.deliver_at = at;
                self.calls.insert(id, call);
                self.schedule(at, Event::CallArrive(id));
                Some(self.note_about(StepKind::Query, target, reference(&request, Some(target), false), text))
            }
            Leg::Response => Some(self.composer_receives(call)),
        }
    }

    /// What a service returns to the composer: the body as text, and the
    /// part of the answer it contributes, read from its own tables now;
    /// `None` for a customer Customer Service does not know (404).
    fn answer_call(&self, call: &Call) -> Option<(String, History)> {
        let customer = self.queries[(call.query - 1) as usize].customer;
        let truth = self.truth(customer).unwrap_or_else(|| History::empty(customer));
        let mut part = History::empty(customer);
        let body = match call.target {
            Svc::CustomerService => {
                let (Some(name), Some(limit)) = (&truth.name, truth.credit_limit) else { return None };
                part.name = truth.name.clone();
                part.credit_limit = truth.credit_limit;
                format!("{name}, credit limit {limit}")
            }
            _ => {
                part.orders = truth.orders.clone();
                let orders: Vec<String> = truth.orders.iter().map(|(id, (state, total))| format!("{id} {state} {total}")).collect();
                format!("[{}]", orders.join(", "))
            }
        };
        Some((body, part))
    }

    /// The composer takes one response. As the example's gateway zips its
    /// two calls, the first error (a 503) fails the whole query at once and
    /// a later response is dropped; a 404 from Customer Service makes the
    /// answer 404 once both calls are back.
    fn composer_receives(&mut self, call: Call) -> Step {
        let now = self.now;
        let truth_now = self.truth(self.queries[(call.query - 1) as usize].customer);
        let target = call.target;
        let status = call.message.kind;
        let body = call.message.text("body").to_string();
        let record = &mut self.queries[(call.query - 1) as usize];
        record.outstanding -= 1;
        let reference = reference(&call.message, Some(Svc::ApiComposer), false);
        if record.finished_ms.is_some() {
            let text = format!("api-composer got {status} from {target} after query {} had already failed; dropped", record.id);
            return self.note_about(StepKind::Query, Svc::ApiComposer, reference, text);
        }
        match call.answer {
            Some(Answer::Unavailable) => record.error = Some(format!("{target} is down")),
            Some(Answer::NotFound) => record.not_found = true,
            // Join in memory: each service contributes its own part.
            Some(Answer::Found(part)) if target == Svc::CustomerService => {
                let answer = Rc::make_mut(&mut record.answer);
                answer.name = part.name;
                answer.credit_limit = part.credit_limit;
            }
            Some(Answer::Found(part)) => Rc::make_mut(&mut record.answer).orders = part.orders,
            None => {}
        }
        let text = if record.outstanding > 0 && record.error.is_none() {
            let body = if body.is_empty() { String::new() } else { format!(" ({body})") };
            format!("api-composer got {status} from {target}{body}; waiting for the other call")
        } else {
            record.finished_ms = Some(now);
            record.truth = truth_now.map(Rc::new);
            let latency = now - record.started_ms;
            match (&record.error, record.not_found) {
                (Some(error), _) => format!(
                    "api-composer: query {} FAILED after {latency} ms: {error}; the first error fails the whole composition, \
                     so it answers 500 without waiting for the other call",
                    record.id
                ),
                (None, true) => format!("api-composer: query {} answers 404 Not Found after {latency} ms: no such customer", record.id),
                (None, false) => {
                    format!("api-composer joined both answers for query {} in {latency} ms: {}", record.id, record.answer.summary())
                }
            }
        };
        self.note_about(StepKind::Query, Svc::ApiComposer, reference, text)
    }
}
