//! Shared by the `acs_*` tests: a caller store implementing `AcsPolicy`, a
//! harness running the engine on raw bytes (our HTTP framing both ways),
//! and builders for CPE messages. Not every test file uses every helper.
#![allow(dead_code, unreachable_pub)]

use std::collections::VecDeque;

use cwmp_core::datetime::Tz;
use cwmp_core::{CwmpVersion, DateTime, FaultCode, Instant};
use cwmp_session::acs::{
    AcsConfig, AcsPolicy, AcsSession, Admission, AuthMode, Completion, DeviceRef, Env, Event, Queued, Reply, SessionId,
    raw,
};
use cwmp_session::auth::DigestVerifier;
use cwmp_session::http::head::{self, EMPTY_HEADER, Quirks};
use cwmp_session::http::{BodyReader, HttpLimits, Parsed};
use cwmp_soap::rpc::Inform;
use cwmp_soap::structs::{DeviceIdStruct, EventStruct, ParameterValueStruct};
use cwmp_soap::{Body, Envelope, Header, List, Method, ParamValue, Rpc, Text};

/// What the store saw of one completed request.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    Response(String),
    Fault(u16),
    Failed(cwmp_session::acs::Outcome),
}

/// The caller's store: passwords, admission, a queue, and what happened.
pub struct Store {
    pub users: Vec<(String, Vec<u8>)>,
    pub admission: Admission,
    pub queue: VecDeque<Queued<'static>>,
    pub sent: Vec<(u32, Method)>,
    pub results: Vec<(u32, Method, Seen)>,
    pub cpe_requests: Vec<String>,
    pub cpe_answer: Result<(), FaultCode>,
    pub informs: Vec<(String, Option<String>)>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            users: vec![("cpe-1".into(), b"secret".to_vec())],
            admission: Admission::Accept { device: DeviceRef(7), hold_requests: false },
            queue: VecDeque::new(),
            sent: Vec::new(),
            results: Vec::new(),
            cpe_requests: Vec::new(),
            cpe_answer: Ok(()),
            informs: Vec::new(),
        }
    }
}

impl Store {
    pub fn with_queue(rpcs: impl IntoIterator<Item = Rpc<'static>>) -> Store {
        let mut s = Store::default();
        s.queue.extend(rpcs.into_iter().map(|rpc| Queued { rpc, hold_requests: false }));
        s
    }
}

impl AcsPolicy for Store {
    fn password(&mut self, username: &str) -> Option<&[u8]> {
        self.users.iter().find(|(u, _)| u == username).map(|(_, p)| p.as_slice())
    }

    fn admit(&mut self, inform: &Envelope<'_>, username: Option<&str>) -> Admission {
        let Body::Rpc(Rpc::Inform(i)) = &inform.body else { panic!("admit without Inform") };
        let serial: String = i.device_id.serial_number.to_string();
        self.informs.push((serial, username.map(str::to_owned)));
        self.admission
    }

    fn cpe_request(&mut self, _device: DeviceRef, request: &Envelope<'_>) -> Result<(), FaultCode> {
        let Body::Rpc(rpc) = &request.body else { panic!("cpe_request with a fault") };
        self.cpe_requests.push(rpc.name().to_owned());
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
        let seen = match completion {
            Completion::Response(env) => {
                let Body::Rpc(rpc) = &env.body else { panic!("response without RPC") };
                Seen::Response(rpc.name().to_owned())
            }
            Completion::Fault(f) => Seen::Fault(f.detail.fault_code.code()),
            Completion::Failed(o) => Seen::Failed(o),
        };
        self.results.push((id, method, seen));
    }
}

/// A parsed reply as the CPE receives it.
#[derive(Debug, Clone)]
pub struct Got {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub close: bool,
    pub reply: Reply,
}

impl Got {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The reply decoded by a strict CPE: schema to the letter, except a
    /// missing `cwmp:ID` (what answers a request that carried none).
    pub fn envelope(&self) -> Envelope<'_> {
        let strict = cwmp_soap::DecodeOptions::STRICT;
        let opts =
            cwmp_soap::DecodeOptions { quirks: strict.quirks.with(cwmp_soap::quirk::Quirk::NoHeaderId), ..strict };
        Envelope::decode_with(&self.body, Some(cwmp_soap::Role::Cpe), &opts)
            .unwrap_or_else(|e| panic!("reply does not decode strictly on the CPE side: {e}\n{}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The reply's method name and `cwmp:ID`.
    pub fn method_and_id(&self) -> (String, Option<String>) {
        let env = self.envelope();
        let name = match &env.body {
            Body::Rpc(r) => r.name().to_owned(),
            Body::Fault(f) => format!("Fault {}", f.detail.fault_code.code()),
        };
        (name, env.header.id.map(|t| t.to_string()))
    }
}

/// Parses a whole HTTP response as a CPE would; panics when malformed.
pub fn parse_reply(wire: &[u8], reply: Reply) -> Got {
    let mut headers = [EMPTY_HEADER; 32];
    let Parsed::Complete(resp) =
        head::parse_response(wire, &mut headers, &HttpLimits::DEFAULT, Quirks::STRICT, false).expect("reply head")
    else {
        panic!("incomplete reply head: {:?}", String::from_utf8_lossy(wire))
    };
    let mut reader = BodyReader::new(resp.framing, HttpLimits::DEFAULT).expect("reply framing");
    let mut rest = &wire[resp.head_len..];
    let mut body = Vec::new();
    while !reader.is_done() {
        let step = reader.read(rest).expect("reply body");
        assert!(step.consumed > 0 || step.done, "reply body truncated");
        body.extend_from_slice(step.data);
        rest = &rest[step.consumed..];
    }
    assert!(rest.is_empty(), "bytes after the reply");
    Got {
        status: resp.status,
        headers: resp
            .headers
            .all()
            .iter()
            .map(|h| (h.name.to_owned(), String::from_utf8_lossy(h.value).into_owned()))
            .collect(),
        body,
        close: resp.close,
        reply,
    }
}

/// The engine, its buffers and the ACS-wide state, on a virtual clock.
pub struct Harness {
    pub session: AcsSession,
    pub config: AcsConfig<'static>,
    pub verifier: DigestVerifier<8>,
    pub now: Instant,
    pub seed: u8,
    pub events: Vec<Event>,
    pub tls: bool,
    /// Every non-empty reply body, in order (for schema validation).
    pub bodies: Vec<Vec<u8>>,
}

pub const BODY_BUF: usize = 64 * 1024;

impl Harness {
    pub fn new(config: AcsConfig<'static>) -> Harness {
        let now = Instant::from_secs(1_000);
        Harness {
            session: AcsSession::new(SessionId(0x0123_4567_89ab_cdef), now, &config),
            config,
            verifier: DigestVerifier::new(),
            now,
            seed: 1,
            events: Vec::new(),
            tls: false,
            bodies: Vec::new(),
        }
    }

    pub fn open() -> Harness {
        Harness::new(AcsConfig { auth: AuthMode::None, ..AcsConfig::new("acs") })
    }

    /// One raw HTTP request in, the raw reply out (parsed and checked).
    pub fn exchange(&mut self, store: &mut Store, wire: &[u8]) -> Got {
        let mut scratch = vec![0u8; BODY_BUF];
        let Parsed::Complete((req, used)) =
            raw::read_request(wire, &mut scratch, &HttpLimits::DEFAULT, self.tls).expect("request framing")
        else {
            panic!("incomplete request")
        };
        assert_eq!(used, wire.len(), "request not consumed whole");
        let mut body = vec![0u8; BODY_BUF];
        let mut head = [0u8; 512];
        self.seed = self.seed.wrapping_add(1);
        let mut env =
            Env { config: &self.config, verifier: &mut self.verifier, now: self.now, random: [self.seed; 16] };
        let reply = self.session.handle_request(&mut env, &req, store, &mut body, &mut head);
        let mut out = vec![0u8; BODY_BUF + 1024];
        let n = raw::write_response(&reply, &head, &body, &mut out).expect("reply fits");
        self.drain();
        let got = parse_reply(&out[..n], reply);
        if !got.body.is_empty() {
            self.bodies.push(got.body.clone());
        }
        got
    }

    pub fn drain(&mut self) {
        while let Some(e) = self.session.poll_event() {
            self.events.push(e);
        }
    }

    pub fn advance(&mut self, secs: u64) {
        self.now = Instant::from_millis(self.now.as_millis() + secs * 1000);
        self.session.handle_timeout(self.now);
        self.drain();
    }
}

/// An HTTP POST carrying `body` (empty: an empty POST), with extra header lines.
pub fn post(body: &[u8], extra: &[(&str, &str)]) -> Vec<u8> {
    let mut out = b"POST /acs HTTP/1.1\r\nHost: acs.example\r\n".to_vec();
    for (n, v) in extra {
        out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    if body.is_empty() {
        out.extend_from_slice(b"Content-Length: 0\r\n\r\n");
    } else {
        out.extend_from_slice(
            format!(
                "Content-Type: text/xml; charset=\"utf-8\"\r\nSOAPAction: \r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(body);
    }
    out
}

/// Encodes a CPE message.
pub fn cpe_message(version: CwmpVersion, header: Header<'_>, body: Body<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; BODY_BUF];
    let n = Envelope { version, header, body }.encode(&mut buf).expect("CPE message encodes");
    buf.truncate(n);
    buf
}

pub const INFORM_PARAMS: [ParameterValueStruct<'static>; 2] = [
    ParameterValueStruct {
        name: Text::Plain("Device.ManagementServer.ConnectionRequestURL"),
        value: ParamValue::string("http://192.0.2.10:7547/cr"),
    },
    ParameterValueStruct { name: Text::Plain("Device.DeviceInfo.SoftwareVersion"), value: ParamValue::string("1.0") },
];

pub const BOOT: [EventStruct<'static>; 1] =
    [EventStruct { event_code: Text::Plain("1 BOOT"), command_key: Text::Plain("") }];

/// An Inform in `version`'s namespace; with `supported`, the 1.4
/// SupportedCWMPVersions header.
pub fn inform(version: CwmpVersion, id: &str, supported: Option<&str>) -> Vec<u8> {
    let rpc = Rpc::Inform(Inform {
        device_id: DeviceIdStruct {
            manufacturer: Text::Plain("ACME"),
            oui: Text::Plain("00D09E"),
            product_class: Text::Plain("GW"),
            serial_number: Text::Plain("SN-1"),
        },
        event: List::from(&BOOT),
        max_envelopes: 1,
        current_time: DateTime::new(2026, 12, 4, 12, 0, 0, Tz::Utc).expect("date"),
        retry_count: 0,
        parameter_list: List::from(&INFORM_PARAMS),
    });
    let header =
        Header { id: Some(Text::plain(id)), supported_cwmp_versions: supported.map(Text::plain), ..Header::default() };
    cpe_message(version, header, Body::Rpc(rpc))
}

/// Replaces the `cwmp:ID` text `old` by `new` in an envelope (a recorded
/// CPE echoes the IDs of the ACS it talked to; ours differ).
pub fn rewrite_id(body: &[u8], old: &str, new: &str) -> Vec<u8> {
    let text = String::from_utf8(body.to_vec()).expect("utf-8");
    let pat = format!(">{old}</");
    let at = text.find(&pat).unwrap_or_else(|| panic!("ID {old} not found"));
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..at]);
    out.push('>');
    out.push_str(new);
    out.push_str("</");
    out.push_str(&text[at + pat.len()..]);
    out.into_bytes()
}

/// A corpus message decoded with the 'static lifetime (test-only leak).
pub fn leak_envelope(bytes: Vec<u8>) -> Envelope<'static> {
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    Envelope::decode(bytes).unwrap_or_else(|e| panic!("corpus message does not decode: {e}"))
}
