//! Two engines, one wire: our CPE session (`cpe::session::Session`, the
//! model of a real device dump behind it) and our ACS session engine
//! (`acs::AcsSession` on raw bytes) exchange HTTP byte for byte over an
//! in-memory connection, on a virtual clock that jumps to the earliest
//! deadline either side reports (str0m / quinn-proto style).
#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;

use cwmp_core::{CwmpVersion, FaultCode, Instant};
use cwmp_model::engine::{Engine, UnknownNames};
use cwmp_model::loader::{Storage, load_genieacs_csv};
use cwmp_model::memory::{MemoryModel, MemoryNode};
use cwmp_model::schema::tr181;
use cwmp_session::acs::{
    AcsConfig, AcsPolicy, AcsSession, Admission, Completion, DeviceRef, Env, Event as AcsEvent, Outcome as AcsOutcome,
    Queued, SessionId, raw,
};
use cwmp_session::auth::DigestVerifier;
use cwmp_session::cpe::session::{Config, Event as CpeEvent, Outcome, Session};
use cwmp_session::http::{HttpLimits, Parsed};
use cwmp_soap::{Body, Envelope, Header, Method, Rpc};

use crate::common::{Cpe, transmit};

/// The real device dump the CPE serves (TR-181).
pub const DUMP: &str = "devicemodels/genieacs-sim/tplink-EX220.csv";
pub const ACS_URL: &str = "http://acs.example.net:7547/acs";
pub const USER: &str = "cpe-ex220";
pub const PASSWORD: &str = "s3cret";

/// The dump's text (the model borrows it).
pub fn dump_text() -> String {
    String::from_utf8(cwmp_testkit::corpus::read(DUMP)).expect("dump is UTF-8")
}

/// A CPE over the dump loaded into `storage`.
pub fn cpe_over<'a>(storage: &'a mut Storage, text: &str) -> Cpe<'a> {
    let mut model: MemoryModel<'_> = storage.model();
    load_genieacs_csv(text, &mut model).expect("dump loads");
    let mut cpe = Cpe::new(model);
    cpe.engine = Engine::new(&tr181::SCHEMA).with_unknown_names(UnknownNames::Serve);
    cpe
}

/// How the ACS policy saw one request it sent end: the CPE's answer
/// re-encoded (so it outlives the request buffer), or the failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Response(Vec<u8>),
    Fault(Vec<u8>),
    Failed(AcsOutcome),
}

impl Answer {
    /// The answer's envelope (response or fault).
    pub fn envelope(&self) -> Envelope<'_> {
        match self {
            Answer::Response(b) | Answer::Fault(b) => Envelope::decode(b).expect("re-encoded answer decodes"),
            Answer::Failed(o) => panic!("no answer: {o:?}"),
        }
    }

    /// The response's RPC.
    pub fn rpc(&self) -> Rpc<'_> {
        match self.envelope().body {
            Body::Rpc(r) => r,
            Body::Fault(f) => panic!("fault {:?}", f.detail),
        }
    }

    /// The CWMP fault code, when the CPE faulted.
    pub fn fault_code(&self) -> Option<u16> {
        match self {
            Answer::Fault(_) => match self.envelope().body {
                Body::Fault(f) => Some(f.detail.fault_code.code()),
                Body::Rpc(_) => None,
            },
            _ => None,
        }
    }
}

fn reencode(body: Body<'_>, version: CwmpVersion) -> Vec<u8> {
    let mut buf = vec![0u8; HttpLimits::DEFAULT.max_body_len];
    let n = Envelope { version, header: Header::default(), body }.encode(&mut buf).expect("answer re-encodes");
    buf.truncate(n);
    buf
}

/// The ACS's store: one device, a queue, and everything it was told.
pub struct Policy {
    pub password: Vec<u8>,
    pub hold_requests: bool,
    pub queue: VecDeque<Queued<'static>>,
    /// `(id, method)` handed to the engine.
    pub sent: Vec<(u32, Method)>,
    pub results: Vec<(u32, Method, Answer)>,
    /// The event codes (and command keys) of every Inform admitted.
    pub informs: Vec<Vec<(String, String)>>,
    /// The RetryCount of every Inform admitted.
    pub retry_counts: Vec<u32>,
    /// The CPE requests the policy answered (method name, debug text).
    pub cpe_requests: Vec<(String, String)>,
    pub cpe_answer: Result<(), FaultCode>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            password: PASSWORD.as_bytes().to_vec(),
            hold_requests: false,
            queue: VecDeque::new(),
            sent: Vec::new(),
            results: Vec::new(),
            informs: Vec::new(),
            retry_counts: Vec::new(),
            cpe_requests: Vec::new(),
            cpe_answer: Ok(()),
        }
    }
}

impl Policy {
    pub fn queue(&mut self, rpc: Rpc<'static>) {
        self.queue.push_back(Queued { rpc, hold_requests: false });
    }

    /// The answers to the requests sent as `method`, in order.
    pub fn answers(&self, method: Method) -> Vec<&Answer> {
        self.results.iter().filter(|(_, m, _)| *m == method).map(|(_, _, a)| a).collect()
    }

    /// The answer to the request sent as `method`, the last one.
    pub fn answer(&self, method: Method) -> &Answer {
        let (_, _, a) = self.results.iter().rev().find(|(_, m, _)| *m == method).unwrap_or_else(|| {
            panic!("no answer to {method:?}: {:?}", self.results.iter().map(|r| r.1).collect::<Vec<_>>())
        });
        a
    }
}

impl AcsPolicy for Policy {
    fn password(&mut self, username: &str) -> Option<&[u8]> {
        (username == USER).then_some(self.password.as_slice())
    }

    fn admit(&mut self, inform: &Envelope<'_>, _username: Option<&str>) -> Admission {
        if let Body::Rpc(Rpc::Inform(i)) = &inform.body {
            self.retry_counts.push(i.retry_count);
            self.informs.push(i.event.iter().map(|e| (e.event_code.to_string(), e.command_key.to_string())).collect());
        }
        Admission::Accept { device: DeviceRef(220), hold_requests: self.hold_requests }
    }

    fn cpe_request(&mut self, _device: DeviceRef, request: &Envelope<'_>) -> Result<(), FaultCode> {
        if let Body::Rpc(rpc) = &request.body {
            self.cpe_requests.push((rpc.name().to_owned(), format!("{rpc:?}")));
        }
        self.cpe_answer
    }

    fn next_request(&mut self, _device: DeviceRef, id: u32) -> Option<Queued<'_>> {
        let q = self.queue.pop_front()?;
        if let Some(m) = q.rpc.method() {
            self.sent.push((id, m));
        }
        Some(q)
    }

    fn on_response(&mut self, _device: DeviceRef, id: u32, method: Method, completion: Completion<'_, '_>) {
        let answer = match completion {
            Completion::Response(env) => Answer::Response(reencode(env.body, env.version)),
            Completion::Fault(f) => Answer::Fault(reencode(Body::Fault(*f), CwmpVersion::V1_2)),
            Completion::Failed(o) => Answer::Failed(o),
        };
        self.results.push((id, method, answer));
    }
}

/// What the CPE application was asked to do (beyond the connection).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Reboot,
    FactoryReset,
    StartTransfer(cwmp_session::cpe::transfer::TransferId),
    /// A ChangeDUState handed over (its CommandKey).
    ChangeDuState(String),
}

/// Both engines, the wire between them, and the virtual clock.
pub struct Duo<'s> {
    pub cpe: Cpe<'s>,
    pub session: Session<MemoryNode>,
    pub acs: Option<AcsSession>,
    pub acs_config: AcsConfig<'static>,
    pub verifier: DigestVerifier<8>,
    pub policy: Policy,
    pub now: Instant,
    /// The CPE's transmit buffer size.
    pub chunk: usize,
    connected: bool,
    /// Where the ACS reassembles a chunked request body (the HTTP limit).
    scratch: Vec<u8>,
    to_acs: Vec<u8>,
    to_cpe: Vec<u8>,
    /// The ACS closes the connection after the reply in flight.
    close_after_reply: bool,
    next_sid: u64,
    seed: u8,
    /// The persisted image as last written on `Persist`.
    pub image: Vec<u8>,
    pub cpe_outcomes: Vec<Outcome>,
    pub acs_events: Vec<AcsEvent>,
    pub effects: Vec<Effect>,
    /// Every HTTP request the CPE sent, raw (for inspection).
    pub requests: Vec<Vec<u8>>,
    /// Status codes of the ACS's replies, in order.
    pub statuses: Vec<u16>,
    /// Connections the CPE opened.
    pub connections: u32,
}

impl<'s> Duo<'s> {
    pub fn new(cpe: Cpe<'s>, acs_config: AcsConfig<'static>) -> Duo<'s> {
        let now = Instant::from_secs(0);
        let (session, err) = Session::new(None, ACS_URL, Config::DEFAULT, now);
        assert!(err.is_none());
        Duo {
            cpe,
            session,
            acs: None,
            acs_config,
            verifier: DigestVerifier::new(),
            policy: Policy::default(),
            now,
            chunk: 2048,
            connected: false,
            scratch: vec![0u8; HttpLimits::DEFAULT.max_body_len],
            to_acs: Vec::new(),
            to_cpe: Vec::new(),
            close_after_reply: false,
            next_sid: 0x5eed,
            seed: 0,
            image: Vec::new(),
            cpe_outcomes: Vec::new(),
            acs_events: Vec::new(),
            effects: Vec::new(),
            requests: Vec::new(),
            statuses: Vec::new(),
            connections: 0,
        }
    }

    /// One round: the CPE transmits and reports, the ACS answers every
    /// complete request, the CPE reads the answers. `true` if anything moved.
    pub fn step(&mut self) -> bool {
        let now = self.now;
        let mut moved = false;
        let out = transmit(&mut self.session, now, &mut self.cpe, self.chunk);
        if !out.is_empty() {
            assert!(self.connected, "the CPE transmits without a connection");
            self.to_acs.extend_from_slice(&out);
            moved = true;
        }
        while let Some(ev) = self.session.poll_event() {
            moved = true;
            match ev {
                CpeEvent::OpenConnection { url } => {
                    assert_eq!(url, ACS_URL);
                    self.connected = true;
                    self.connections += 1;
                    self.to_acs.clear();
                    self.to_cpe.clear();
                    self.session.handle_connected(now);
                }
                CpeEvent::CloseConnection => {
                    self.close();
                    self.session.handle_closed(now);
                }
                CpeEvent::SessionEnded { outcome } => self.cpe_outcomes.push(outcome),
                CpeEvent::Reboot => self.effects.push(Effect::Reboot),
                CpeEvent::FactoryReset => self.effects.push(Effect::FactoryReset),
                CpeEvent::StartTransfer { id } => self.effects.push(Effect::StartTransfer(id)),
                CpeEvent::ChangeDuState { request } => {
                    self.effects.push(Effect::ChangeDuState(request.command_key.to_string()))
                }
                CpeEvent::Persist => {
                    let mut img = vec![0u8; 16 * 1024];
                    let n = self.session.persist(now, &mut img).expect("image fits");
                    img.truncate(n);
                    self.image = img;
                }
            }
        }
        moved |= self.serve();
        if !self.to_cpe.is_empty() {
            let n = self.session.handle_input(now, &self.to_cpe);
            if n > 0 {
                self.to_cpe.drain(..n);
                moved = true;
            }
            if self.to_cpe.is_empty() && self.close_after_reply {
                self.close_after_reply = false;
                // Let the CPE read what arrived before the FIN.
                // (anything it writes on the closed connection is lost).
                transmit(&mut self.session, now, &mut self.cpe, self.chunk);
                self.close();
                self.session.handle_closed(now);
            }
        }
        moved
    }

    fn close(&mut self) {
        if self.connected {
            self.connected = false;
            self.to_acs.clear();
            if let Some(acs) = self.acs.as_mut() {
                acs.handle_connection_closed(self.now);
            }
            self.drain_acs();
        }
    }

    fn drain_acs(&mut self) {
        if let Some(acs) = self.acs.as_mut() {
            while let Some(e) = acs.poll_event() {
                self.acs_events.push(e);
            }
        }
    }

    /// The ACS answers every complete request on the wire.
    fn serve(&mut self) -> bool {
        let mut moved = false;
        loop {
            let parsed = raw::read_request(&self.to_acs, &mut self.scratch, &HttpLimits::DEFAULT, false)
                .unwrap_or_else(|e| panic!("the ACS cannot read the CPE's request: {e:?}"));
            let Parsed::Complete((req, used)) = parsed else { return moved };
            self.requests.push(self.to_acs[..used].to_vec());
            if self.acs.as_ref().is_none_or(|a| a.is_ended()) {
                self.next_sid += 1;
                self.acs = Some(AcsSession::new(SessionId(self.next_sid), self.now, &self.acs_config));
            }
            let acs = self.acs.as_mut().expect("session");
            let mut body = vec![0u8; 256 * 1024];
            let mut head = [0u8; 512];
            self.seed = self.seed.wrapping_add(1);
            let mut env =
                Env { config: &self.acs_config, verifier: &mut self.verifier, now: self.now, random: [self.seed; 16] };
            let reply = acs.handle_request(&mut env, &req, &mut self.policy, &mut body, &mut head);
            let mut out = vec![0u8; 256 * 1024 + 1024];
            let n = raw::write_response(&reply, &head, &body, &mut out).expect("reply fits");
            self.statuses.push(reply.status);
            self.to_cpe.extend_from_slice(&out[..n]);
            self.to_acs.drain(..used);
            self.close_after_reply |= reply.close;
            self.drain_acs();
            moved = true;
        }
    }

    /// The earliest deadline of either side.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let acs = self.acs.as_ref().and_then(AcsSession::poll_timeout);
        match (self.session.poll_timeout(), acs) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Moves the clock to `t` and tells both sides.
    pub fn advance_to(&mut self, t: Instant) {
        assert!(t >= self.now);
        self.now = t;
        self.session.handle_timeout(t);
        if let Some(acs) = self.acs.as_mut() {
            acs.handle_timeout(t);
        }
        self.drain_acs();
    }

    /// Steps until the CPE reports `n` more session ends, jumping the
    /// clock to the next deadline when both sides are idle; the outcomes.
    pub fn run_sessions(&mut self, n: usize) -> Vec<Outcome> {
        let start = self.cpe_outcomes.len();
        for _ in 0..10_000 {
            if self.cpe_outcomes.len() >= start + n {
                return self.cpe_outcomes[start..].to_vec();
            }
            if !self.step() {
                let t = self.poll_timeout().expect("both sides idle with no deadline");
                self.advance_to(t.max(self.now));
            }
        }
        panic!("no end after 10 000 steps: {:?}", self.cpe_outcomes);
    }

    /// One session to its end.
    pub fn run_session(&mut self) -> Outcome {
        self.run_sessions(1)[0]
    }

    /// The ACS's events since `from`.
    pub fn acs_events_since(&self, from: usize) -> &[AcsEvent] {
        &self.acs_events[from..]
    }
}

/// A value of the CPE's model, read through the `DataModel` trait.
pub fn model_value(cpe: &Cpe<'_>, name: &str) -> Option<String> {
    use cwmp_model::datamodel::DataModel;
    let node = cpe.model.lookup(&cwmp_model::path::Path::parse(name).ok()?)?;
    let mut buf = vec![0u8; 64 * 1024];
    let n = cpe.model.get(node, &mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf[..n]).into_owned())
}

/// Every parameter of the CPE's model with the value a GetParameterValues
/// must return (hidden / secured parameters read as the empty string).
pub fn model_params(cpe: &Cpe<'_>) -> std::collections::BTreeMap<String, String> {
    use cwmp_model::datamodel::{DataModel, NameBuf, NodeKind};
    let m = &cpe.model;
    let mut out = std::collections::BTreeMap::new();
    let mut stack: Vec<MemoryNode> = m.root().into_iter().collect();
    let mut buf = vec![0u8; 64 * 1024];
    while let Some(node) = stack.pop() {
        let mut child = m.first_child(node);
        while let Some(c) = child {
            stack.push(c);
            child = m.next_sibling(c);
        }
        if m.info(node).kind != NodeKind::Parameter {
            continue;
        }
        let mut name = NameBuf::new();
        m.write_name(node, &mut name).expect("name fits");
        let n = m.get(node, &mut buf).expect("value reads");
        let secret = tr181::SCHEMA.parameter(&name).is_some_and(|p| p.reads_empty());
        let value = if secret { String::new() } else { String::from_utf8_lossy(&buf[..n]).into_owned() };
        out.insert(name.to_string(), value);
    }
    out
}

/// The names (with writability) the model has directly under `object`.
pub fn model_children(cpe: &Cpe<'_>, object: &str) -> Vec<(String, bool)> {
    use cwmp_model::datamodel::{DataModel, NameBuf};
    let m = &cpe.model;
    let node = m.lookup(&cwmp_model::path::Path::parse(object).expect("path")).expect("object exists");
    let mut out = Vec::new();
    let mut child = m.first_child(node);
    while let Some(c) = child {
        let mut name = NameBuf::new();
        m.write_name(c, &mut name).expect("name fits");
        out.push((name.to_string(), m.info(c).writable));
        child = m.next_sibling(c);
    }
    out.sort();
    out
}

/// A test-lifetime slice for a queued RPC (test-only leak).
pub fn leak<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

/// Inform events as `(code, command key)`, sorted (their order in the
/// Inform carries no meaning).
pub fn ev(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = pairs.iter().map(|(c, k)| ((*c).to_owned(), (*k).to_owned())).collect();
    v.sort();
    v
}

impl Policy {
    /// The events of the last Inform, sorted.
    pub fn last_inform(&self) -> Vec<(String, String)> {
        let mut v = self.informs.last().expect("an Inform").clone();
        v.sort();
        v
    }
}

/// A test-lifetime string (test-only leak).
pub fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

impl Duo<'_> {
    /// The device reboots: the connection is gone, the CPE restarts from
    /// the image it persisted; the model (flash) stays.
    pub fn reboot(&mut self) {
        self.close();
        let image = self.image.clone();
        let (session, err) = Session::new(Some(&image), ACS_URL, Config::DEFAULT, self.now);
        assert!(err.is_none(), "{err:?}");
        self.session = session;
        self.cpe.model_session = cwmp_model::engine::SessionState::new();
    }
}

/// `$duo`: both engines over the dump (its text and storage live in the
/// caller's scope), the ACS with `$config`.
#[macro_export]
macro_rules! duo {
    ($duo:ident, $config:expr) => {
        let text = $crate::duo_support::dump_text();
        let mut st = cwmp_model::loader::Storage::for_text(&text);
        #[allow(unused_mut)]
        let mut $duo = $crate::duo_support::Duo::new($crate::duo_support::cpe_over(&mut st, &text), $config);
    };
}
