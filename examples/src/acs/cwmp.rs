//! The CPE-facing side: hyper hands each parsed HTTP request to the
//! session engine at the HTTP level ([`HttpRequest`] → [`Reply`](cwmp_session::acs::Reply)); the
//! store answers the engine's questions through [`AcsPolicy`].
//!
//! Sessions are found by the `cwmpsid` cookie, else by the connection, and
//! parked between requests as their [`SESSION_STATE_LEN`]-byte state. One
//! lock serialises the engine and the store (SQLite is synchronous and
//! fast next to a CPE's round trip); the HTTP I/O runs outside it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use cwmp_core::{FaultCode, Instant};
use cwmp_session::acs::{
    AcsConfig, AcsPolicy, AcsSession, Admission, AuthMode, Completion, DeviceRef, EndReason, Env, Event, HttpRequest,
    Outcome, Queued, SESSION_STATE_LEN, SessionId, session_cookie,
};
use cwmp_session::auth::DigestVerifier;
use cwmp_session::http::head::Method as HttpMethod;
use cwmp_soap::rpc::{GetParameterNames, GetParameterValues};
use cwmp_soap::{Body, Envelope, List, Method, Rpc, Text, XsiType};
use serde_json::json;

use super::discovery::{Discovery, Stage};
use super::store::{InformRecord, Store, TaskResult};
use super::task::Prepared;

/// Largest CPE request body read (a GetParameterNamesResponse of a large
/// tree is a few MB); larger ones get 413.
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// Reply body buffer (our requests are small: one task each).
const REPLY_BODY: usize = 256 * 1024;

/// Everything the CPE side shares: settings, nonce table, parked sessions, store.
pub struct Acs {
    /// The store.
    pub store: Box<dyn Store>,
    config: AcsConfig<'static>,
    verifier: DigestVerifier<256>,
    parked: HashMap<u64, [u8; SESSION_STATE_LEN]>,
    discoveries: HashMap<u64, Discovery>,
    credentials: Option<(String, Vec<u8>)>,
    started: std::time::Instant,
    body: Vec<u8>,
    head: Vec<u8>,
}

/// The shared ACS behind its lock.
pub type Shared = Arc<Mutex<Acs>>;

/// Locks the ACS; a panic in another handler does not stop the others.
pub fn lock(acs: &Shared) -> std::sync::MutexGuard<'_, Acs> {
    acs.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Fresh random bytes for nonces and session IDs, from the OS.
pub fn random() -> [u8; 16] {
    let mut b = [0u8; 16];
    // The OS CSPRNG; std has no public one and this example adds no crate for it.
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut f, &mut b);
    }
    b
}

/// One log line.
pub fn log(line: std::fmt::Arguments<'_>) {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    println!("{t} {line}");
}

/// The reply as hyper sends it.
#[derive(Debug)]
pub struct HttpReply {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body (SOAP, or empty).
    pub body: Vec<u8>,
    /// Close after it.
    pub close: bool,
}

/// A connection's own view: the session it carries.
#[derive(Debug, Default)]
pub struct Connection {
    session: Option<u64>,
}

impl Acs {
    /// An ACS over `store` with `config`; CPEs authenticate (HTTP Digest)
    /// as `credentials` (user name, password) when given, else not at all.
    pub fn new(store: Box<dyn Store>, config: AcsConfig<'static>, credentials: Option<(String, Vec<u8>)>) -> Acs {
        let auth = if credentials.is_some() { AuthMode::Digest } else { AuthMode::None };
        let config = AcsConfig { auth, ..config };
        Acs {
            credentials,
            store,
            config,
            verifier: DigestVerifier::new(),
            parked: HashMap::new(),
            discoveries: HashMap::new(),
            started: std::time::Instant::now(),
            body: vec![0; REPLY_BODY],
            head: vec![0; 2048],
        }
    }

    fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// Handles one CPE request on `conn`.
    pub fn handle(&mut self, conn: &mut Connection, req: &HttpRequest<'_>) -> HttpReply {
        let now = self.now();
        let by_cookie = req.cookie.and_then(session_cookie).map(|s| s.0).filter(|s| self.parked.contains_key(s));
        let key = by_cookie.or(conn.session.filter(|s| self.parked.contains_key(s)));
        let mut session = match key.and_then(|k| self.parked.remove(&k)) {
            Some(bytes) => match AcsSession::from_bytes(&bytes) {
                Ok(s) => s,
                Err(e) => {
                    log(format_args!("parked session does not restore ({e:?}); starting a new one"));
                    self.new_session(now)
                }
            },
            None => self.new_session(now),
        };
        // The next task, loaded before the engine asks for it (it asks for
        // at most one per request); its RPC borrows these locals.
        let task = match session.device() {
            Some(d) if !session.is_ended() => self.store.next_task(d.0 as i64).unwrap_or_else(|e| {
                log(format_args!("store: cannot read the task queue: {e}"));
                None
            }),
            _ => None,
        };
        let prepared = task.as_ref().map(|(_, t)| Prepared::new(t));
        let pending = task.as_ref().zip(prepared.as_ref()).map(|((id, t), p)| (*id, p.rpc(t)));
        let mut policy = Policy {
            store: self.store.as_mut(),
            session: session.id().0,
            pending,
            discovery: self.discoveries.get_mut(&session.id().0),
            gpn_path: String::new(),
            summary: Vec::new(),
            credentials: self.credentials.as_ref(),
        };
        let mut env = Env { config: &self.config, verifier: &mut self.verifier, now, random: random() };
        let reply = session.handle_request(&mut env, req, &mut policy, &mut self.body, &mut self.head);
        let out = HttpReply {
            status: reply.status,
            headers: reply.headers(&self.head).map(|(n, v)| (n.to_owned(), v.to_vec())).collect(),
            body: self.body.get(..reply.body_len).unwrap_or_default().to_vec(),
            close: reply.close,
        };
        self.after(conn, session);
        out
    }

    fn new_session(&self, now: Instant) -> AcsSession {
        let r = random();
        let id = u64::from_le_bytes([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]);
        AcsSession::new(SessionId(id), now, &self.config)
    }

    /// Drains events, then parks or drops the session.
    fn after(&mut self, conn: &mut Connection, mut session: AcsSession) {
        let id = session.id().0;
        while let Some(ev) = session.poll_event() {
            self.on_event(&session, ev);
        }
        if session.is_ended() {
            conn.session = None;
        } else {
            conn.session = Some(id);
            self.parked.insert(id, session.to_bytes());
        }
    }

    fn on_event(&mut self, session: &AcsSession, ev: Event) {
        let sid = session.id().0;
        let dev = session.device().map(|d| d.0);
        match ev {
            Event::Informed { device, version } => {
                log(format_args!("session {sid:016x} device #{}: Inform accepted, {version:?}", device.0));
                match self.store.needs_discovery(device.0 as i64) {
                    Ok(true) => {
                        log(format_args!("session {sid:016x}: first contact, discovering the tree"));
                        self.discoveries.insert(sid, Discovery::new());
                    }
                    Ok(false) => {}
                    Err(e) => log(format_args!("store: cannot read the discovery state: {e}")),
                }
            }
            Event::CpeRequest { method, fault } => log(format_args!(
                "session {sid:016x}: CPE request {} answered{}",
                method.map_or("(unknown)", Method::name),
                fault.map(|f| format!(" with fault {}", f.code())).unwrap_or_default()
            )),
            Event::RpcCompleted { id, method, outcome } => {
                log(format_args!("session {sid:016x}: {} (ID {id}): {outcome:?}", method.name()));
                // Outcomes the policy did not see: no answer → the task
                // stays queued for the next session; not sendable → failed.
                let r = match outcome {
                    Outcome::NoResponse | Outcome::Mismatched => self.store.requeue(sid, id),
                    Outcome::NotSent => match dev {
                        Some(d) => self.store.finish_task(
                            d as i64,
                            sid,
                            id,
                            &TaskResult {
                                state: "failed",
                                result: json!({"error": "not sendable in this session (version or size)"}),
                                parameters: Vec::new(),
                            },
                        ),
                        None => Ok(()),
                    },
                    _ => Ok(()),
                };
                if let Err(e) = r {
                    log(format_args!("store: cannot record the outcome: {e}"));
                }
            }
            Event::Ended { reason, completed } => {
                if let Some(d) = self.discoveries.remove(&sid)
                    && d.stage != Stage::Done
                {
                    log(format_args!("session {sid:016x}: discovery cut short after {} request(s)", d.requests()));
                }
                let how = match reason {
                    EndReason::Completed => "completed".to_owned(),
                    other => format!("failed: {other:?}"),
                };
                log(format_args!(
                    "session {sid:016x} device #{}: {how}, {completed} RPC(s) done",
                    dev.map_or("?".into(), |d| d.to_string())
                ));
                if let Err(e) = self.store.record_session(dev.map(|d| d as i64), sid, &format!("{reason:?}"), completed)
                {
                    log(format_args!("store: cannot record the session: {e}"));
                }
            }
        }
    }

    /// The connection carrying `conn`'s session closed.
    pub fn connection_closed(&mut self, conn: &Connection) {
        let Some(bytes) = conn.session.and_then(|k| self.parked.remove(&k)) else { return };
        let Ok(mut session) = AcsSession::from_bytes(&bytes) else { return };
        session.handle_connection_closed(self.now());
        self.after(&mut Connection::default(), session);
    }

    /// Ends the parked sessions whose timeout passed.
    pub fn handle_timeouts(&mut self) {
        let now = self.now();
        let due: Vec<u64> = self
            .parked
            .iter()
            .filter_map(|(k, b)| {
                let s = AcsSession::from_bytes(b).ok()?;
                s.poll_timeout().filter(|&t| t <= now).map(|_| *k)
            })
            .collect();
        for k in due {
            let Some(Ok(mut session)) = self.parked.remove(&k).map(|b| AcsSession::from_bytes(&b)) else { continue };
            session.handle_timeout(now);
            self.after(&mut Connection::default(), session);
        }
    }
}

/// The store as the engine's policy, for one request: the queued task
/// first, else the session's discovery.
struct Policy<'s, 't> {
    store: &'s mut dyn Store,
    session: u64,
    pending: Option<(i64, Rpc<'t>)>,
    discovery: Option<&'s mut Discovery>,
    /// The discovery's GetParameterNames path (the request borrows it).
    gpn_path: String,
    /// The discovery's summary names (the request borrows them).
    summary: Vec<Text<'static>>,
    /// The one CPE user name and password, when CPEs authenticate.
    credentials: Option<&'s (String, Vec<u8>)>,
}

impl Policy<'_, '_> {
    /// The next discovery request, if the session runs one.
    fn discovery_request(&mut self, device: DeviceRef, id: u32) -> Option<Queued<'_>> {
        let d = self.discovery.as_deref_mut()?;
        if let Some(path) = d.next_path() {
            self.gpn_path = path;
            d.outstanding = Some(id);
            let rpc = GetParameterNames { parameter_path: Text::Plain(&self.gpn_path), next_level: true };
            return Some(Queued { rpc: Rpc::GetParameterNames(rpc), hold_requests: false });
        }
        if d.stage != Stage::Summary {
            return None;
        }
        self.summary = d.summary().map(Text::Plain).collect();
        if self.summary.is_empty() {
            d.stage = Stage::Done;
            log(format_args!("session {:016x}: discovery found no summary parameters", self.session));
            if let Err(e) = self.store.discovered(device.0 as i64, &[]) {
                log(format_args!("store: cannot record the discovery: {e}"));
            }
            return None;
        }
        d.outstanding = Some(id);
        let rpc = GetParameterValues { parameter_names: List::from(self.summary.as_slice()) };
        Some(Queued { rpc: Rpc::GetParameterValues(rpc), hold_requests: false })
    }

    /// Feeds the answer to a discovery request; false when `id` was not one.
    fn discovery_response(&mut self, device: DeviceRef, id: u32, completion: Completion<'_, '_>) -> bool {
        let Some(d) = self.discovery.as_deref_mut().filter(|d| d.outstanding == Some(id)) else { return false };
        d.outstanding = None;
        let stored = match (d.stage, completion) {
            (Stage::Walk, Completion::Response(env)) => match &env.body {
                Body::Rpc(Rpc::GetParameterNamesResponse(r)) => {
                    let names = d.on_names(r);
                    self.store.record_names(device.0 as i64, &names)
                }
                _ => {
                    d.on_names_failed();
                    Ok(())
                }
            },
            (Stage::Walk, _) => {
                d.on_names_failed();
                Ok(())
            }
            (_, c) => {
                d.stage = Stage::Done;
                let r = result_of(c);
                log(format_args!(
                    "session {:016x}: discovery done: {} name(s) asked, summary {}",
                    self.session,
                    d.requests(),
                    r.result
                ));
                self.store.discovered(device.0 as i64, &r.parameters)
            }
        };
        if let Err(e) = stored {
            log(format_args!("store: cannot record the discovery: {e}"));
        }
        true
    }
}

fn inform_record(inform: &cwmp_soap::rpc::Inform<'_>) -> InformRecord {
    let d = &inform.device_id;
    InformRecord {
        key: format!("{}-{}-{}", d.oui, d.product_class, d.serial_number),
        manufacturer: d.manufacturer.to_string(),
        events: inform.event.iter().map(|e| e.event_code.to_string()).collect(),
        parameters: inform
            .parameter_list
            .iter()
            .map(|p| (p.name.to_string(), p.value.text.to_string(), type_name(p.value.xsi_type)))
            .collect(),
    }
}

/// A value's type as stored: the TR-106 name, the raw unknown one, or
/// `string` when absent (how it is read).
fn type_name(t: XsiType<'_>) -> String {
    match t {
        XsiType::Known(t) => t.to_string(),
        XsiType::Absent => "string".to_owned(),
        XsiType::Other(raw) => raw.to_owned(),
    }
}

/// What a response means for the store.
fn result_of(completion: Completion<'_, '_>) -> TaskResult {
    match completion {
        Completion::Response(env) => {
            let Body::Rpc(rpc) = &env.body else {
                return TaskResult {
                    state: "failed",
                    result: json!({"error": "no response body"}),
                    parameters: vec![],
                };
            };
            let mut parameters = Vec::new();
            let result = match rpc {
                Rpc::GetParameterValuesResponse(r) => {
                    for p in r.parameter_list.iter() {
                        parameters.push((p.name.to_string(), p.value.text.to_string(), type_name(p.value.xsi_type)));
                    }
                    json!({"response": rpc.name(), "values": parameters.len()})
                }
                Rpc::GetParameterNamesResponse(r) => {
                    let names: Vec<_> =
                        r.parameter_list.iter().map(|p| json!([p.name.to_string(), p.writable])).collect();
                    json!({"response": rpc.name(), "names": names})
                }
                Rpc::SetParameterValuesResponse(r) => json!({"response": rpc.name(), "status": r.status}),
                Rpc::AddObjectResponse(r) => {
                    json!({"response": rpc.name(), "instanceNumber": r.instance_number, "status": r.status})
                }
                Rpc::DeleteObjectResponse(r) => json!({"response": rpc.name(), "status": r.status}),
                Rpc::DownloadResponse(r) => json!({"response": rpc.name(), "status": r.status}),
                Rpc::UploadResponse(r) => json!({"response": rpc.name(), "status": r.status}),
                Rpc::GetParameterAttributesResponse(r) => {
                    let attrs: Vec<_> = r
                        .parameter_list
                        .iter()
                        .map(|a| {
                            let access: Vec<String> = a.access_list.iter().map(|t| t.to_string()).collect();
                            json!({"name": a.name.to_string(), "notification": a.notification, "accessList": access})
                        })
                        .collect();
                    json!({"response": rpc.name(), "attributes": attrs})
                }
                other => json!({"response": other.name()}),
            };
            TaskResult { state: "done", result, parameters }
        }
        Completion::Fault(f) => TaskResult {
            state: "fault",
            result: json!({
                "fault": f.detail.fault_code.code(),
                "faultString": f.detail.fault_string.map(|s| s.to_string()),
            }),
            parameters: vec![],
        },
        Completion::Failed(o) => {
            TaskResult { state: "failed", result: json!({"error": format!("{o:?}")}), parameters: vec![] }
        }
    }
}

impl AcsPolicy for Policy<'_, '_> {
    fn password(&mut self, username: &str) -> Option<&[u8]> {
        self.credentials.filter(|(u, _)| u == username).map(|(_, p)| p.as_slice())
    }

    fn admit(&mut self, inform: &Envelope<'_>, _username: Option<&str>) -> Admission {
        let Body::Rpc(Rpc::Inform(i)) = &inform.body else { return Admission::Reject };
        let record = inform_record(i);
        match self.store.record_inform(&record) {
            Ok(id) => {
                // Debug formatting: CPE text is escaped, never a forged log line.
                log(format_args!("device {:?} (#{id}) informs: {:?}", record.key, record.events));
                Admission::Accept { device: DeviceRef(id as u64), hold_requests: false }
            }
            Err(e) => {
                log(format_args!("store: cannot record the Inform of {:?}: {e}; refusing", record.key));
                Admission::Reject
            }
        }
    }

    fn cpe_request(&mut self, _device: DeviceRef, request: &Envelope<'_>) -> Result<(), FaultCode> {
        if let Body::Rpc(r) = &request.body {
            log(format_args!("session {:016x}: CPE sends {}", self.session, r.name()));
        }
        Ok(())
    }

    fn next_request(&mut self, device: DeviceRef, id: u32) -> Option<Queued<'_>> {
        let Some((task, rpc)) = self.pending.take() else { return self.discovery_request(device, id) };
        if let Err(e) = self.store.mark_sent(task, self.session, id) {
            log(format_args!("store: cannot mark task {task} sent: {e}; not sending it"));
            return None;
        }
        log(format_args!("session {:016x}: sending task {task} as {} (ID {id})", self.session, rpc.name()));
        Some(Queued { rpc, hold_requests: false })
    }

    fn on_response(&mut self, device: DeviceRef, id: u32, _method: Method, completion: Completion<'_, '_>) {
        if self.discovery_response(device, id, completion) {
            return;
        }
        let result = result_of(completion);
        if let Err(e) = self.store.finish_task(device.0 as i64, self.session, id, &result) {
            log(format_args!("store: cannot store the result of ID {id}: {e}"));
        }
    }
}

/// Maps hyper's method to the engine's.
pub fn method(m: &hyper::Method) -> HttpMethod {
    match *m {
        hyper::Method::POST => HttpMethod::Post,
        hyper::Method::GET => HttpMethod::Get,
        hyper::Method::HEAD => HttpMethod::Head,
        _ => HttpMethod::Other,
    }
}
