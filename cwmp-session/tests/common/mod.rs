//! A scripted ACS for the CPE session tests: reads the CPE's HTTP requests
//! with our HTTP layer, decodes their SOAP, and writes the ACS's answers;
//! time is a virtual clock the test moves.
#![allow(dead_code)]

use cwmp_core::{DateTime, Instant};
use cwmp_model::engine::{Engine, SessionState, UnknownNames};
use cwmp_model::memory::{MemoryModel, MemoryNode};
use cwmp_model::schema::tr181;
use cwmp_session::cpe::session::{Context, DeviceId, Event, Session};
use cwmp_session::http::head::{self, EMPTY_HEADER, Quirks};
use cwmp_session::http::{BodyReader, HttpLimits, Parsed};
use cwmp_soap::{Body, Envelope, Header, Rpc, Text};

pub(crate) const ACS_URL: &str = "http://acs.example.net:7547/acs";

/// A small TR-181 device.
pub(crate) const DEVICE_CSV: &str = "Parameter,Object,Writable,Value,Value type
Device.,true,false,,
Device.DeviceInfo.,true,false,,
Device.DeviceInfo.Manufacturer,false,false,ACME,xsd:string
Device.DeviceInfo.ManufacturerOUI,false,false,00D09E,xsd:string
Device.DeviceInfo.ProductClass,false,false,GW,xsd:string
Device.DeviceInfo.SerialNumber,false,false,S123,xsd:string
Device.DeviceInfo.HardwareVersion,false,false,1.0,xsd:string
Device.DeviceInfo.SoftwareVersion,false,false,2.0,xsd:string
Device.DeviceInfo.ProvisioningCode,false,true,,xsd:string
Device.ManagementServer.,true,false,,
Device.ManagementServer.URL,false,true,http://acs.example.net:7547/acs,xsd:string
Device.ManagementServer.ParameterKey,false,false,,xsd:string
Device.ManagementServer.ConnectionRequestURL,false,false,http://10.0.0.2:7547/cr,xsd:string
Device.ManagementServer.PeriodicInformInterval,false,true,3600,xsd:unsignedInt
Device.ManagementServer.CWMPRetryMinimumWaitInterval,false,true,5,xsd:unsignedInt
Device.ManagementServer.CWMPRetryIntervalMultiplier,false,true,2000,xsd:unsignedInt
Device.RootDataModelVersion,false,false,2.17,xsd:string
Device.IP.,true,false,,
Device.IP.Interface.,true,true,,
Device.IP.Interface.1.,true,true,,
Device.IP.Interface.1.Enable,false,true,true,xsd:boolean
Device.IP.Interface.1.Alias,false,true,cpe-1,xsd:string
";

pub(crate) const DEVICE: DeviceId<'static> =
    DeviceId { manufacturer: "ACME", oui: "00D09E", product_class: "GW", serial_number: "S123" };

/// Everything a CPE keeps besides the session.
pub(crate) struct Cpe<'s> {
    pub(crate) engine: Engine<'static, 64>,
    pub(crate) model: MemoryModel<'s>,
    pub(crate) model_session: SessionState,
    pub(crate) scratch: Vec<u8>,
    /// Pieces that did not fit the transmit buffer given (sizes asked for).
    pub(crate) oversize: Vec<usize>,
    pub(crate) random: u64,
    pub(crate) credentials: Option<cwmp_session::auth::Credentials<'static>>,
}

impl<'s> Cpe<'s> {
    pub(crate) fn new(model: MemoryModel<'s>) -> Self {
        Cpe {
            engine: Engine::new(&tr181::SCHEMA).with_unknown_names(UnknownNames::Reject),
            model,
            model_session: SessionState::new(),
            scratch: vec![0; 64 * 1024],
            oversize: Vec::new(),
            random: 0x1234_5678,
            credentials: None,
        }
    }
}

pub(crate) fn storage() -> cwmp_model::loader::Storage {
    cwmp_model::loader::Storage::for_text(DEVICE_CSV)
}

pub(crate) fn load(model: &mut MemoryModel<'_>, csv: &str) {
    cwmp_model::loader::load_genieacs_csv(csv, model).unwrap();
}

/// Runs `poll_transmit` until it has nothing more, with `chunk`-byte buffers;
/// returns everything written.
pub(crate) fn transmit(s: &mut Session<MemoryNode>, now: Instant, cpe: &mut Cpe<'_>, chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; chunk];
    loop {
        cpe.random = cpe.random.wrapping_mul(6364136223846793005).wrapping_add(1);
        let mut random = [0u8; 16];
        random[..8].copy_from_slice(&cpe.random.to_le_bytes());
        let mut cx = Context {
            engine: &mut cpe.engine,
            model: &mut cpe.model,
            model_session: &mut cpe.model_session,
            device: DEVICE,
            credentials: cpe.credentials,
            current_time: DateTime::UNKNOWN,
            random,
            scratch: &mut cpe.scratch,
        };
        let n = match s.poll_transmit(now, &mut buf, &mut cx) {
            Ok(n) => n,
            // One piece (an entry with a long value) larger than the
            // buffer: the caller gives a buffer of the size asked for.
            Err(cwmp_session::cpe::session::TransmitError::BufferTooSmall { needed }) => {
                let mut big = vec![0u8; needed];
                let n = s.poll_transmit(now, &mut big, &mut cx).unwrap();
                assert!(n > 0);
                out.extend_from_slice(&big[..n]);
                cpe.oversize.push(needed);
                continue;
            }
        };
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// The events the session has for the caller, as text.
pub(crate) fn events(s: &mut Session<MemoryNode>) -> Vec<String> {
    let mut v = Vec::new();
    while let Some(e) = s.poll_event() {
        v.push(match e {
            Event::OpenConnection { url } => format!("Open {url}"),
            other => format!("{other:?}"),
        });
    }
    v
}

/// One HTTP request as the ACS reads it.
pub(crate) struct Request {
    pub(crate) target: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn envelope(&self) -> Envelope<'_> {
        Envelope::decode(&self.body).unwrap()
    }

    pub(crate) fn is_empty_post(&self) -> bool {
        self.body.is_empty()
    }

    /// The `cwmp:ID`.
    pub(crate) fn id(&self) -> String {
        self.envelope().header.id.map(|t| t.to_string()).unwrap_or_default()
    }
}

/// Parses exactly one HTTP request from `wire`.
pub(crate) fn parse_request(wire: &[u8]) -> Request {
    let mut headers = [EMPTY_HEADER; 32];
    let limits = HttpLimits::DEFAULT;
    let Parsed::Complete(h) = head::parse_request(wire, &mut headers, &limits, Quirks::STRICT).unwrap() else {
        panic!("incomplete request head: {:?}", String::from_utf8_lossy(wire))
    };
    let mut reader = BodyReader::new(h.framing, limits).unwrap();
    let mut rest = &wire[h.head_len..];
    let mut body = Vec::new();
    while !reader.is_done() {
        let step = reader.read(rest).unwrap();
        body.extend_from_slice(step.data);
        rest = &rest[step.consumed..];
        if step.consumed == 0 {
            break;
        }
    }
    assert!(reader.is_done(), "request body incomplete");
    assert!(rest.is_empty(), "bytes after the request");
    Request {
        target: h.target.to_string(),
        headers: h
            .headers
            .all()
            .iter()
            .map(|x| (x.name.to_string(), String::from_utf8_lossy(x.value).into_owned()))
            .collect(),
        body,
    }
}

/// An HTTP 200 carrying `env`.
pub(crate) fn soap_response(env: &Envelope<'_>) -> Vec<u8> {
    let mut body = vec![0u8; 64 * 1024];
    let n = env.encode(&mut body).unwrap();
    let mut out =
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {n}\r\n\r\n").into_bytes();
    out.extend_from_slice(&body[..n]);
    out
}

/// The ACS's message carrying `rpc` under `id`.
pub(crate) fn acs_message<'a>(id: &'a str, rpc: Rpc<'a>) -> Vec<u8> {
    soap_response(&Envelope {
        version: cwmp_core::CwmpVersion::V1_2,
        header: Header { id: Some(Text::plain(id)), ..Header::default() },
        body: Body::Rpc(rpc),
    })
}

/// The InformResponse to the Inform `req`.
pub(crate) fn inform_response(req: &Request) -> Vec<u8> {
    let id = req.id();
    acs_message(&id, Rpc::InformResponse(cwmp_soap::rpc::InformResponse { max_envelopes: 1 }))
}

pub(crate) const NO_CONTENT: &[u8] = b"HTTP/1.1 204 No Content\r\n\r\n";

/// The event codes of an Inform.
pub(crate) fn inform_events(req: &Request) -> Vec<(String, String)> {
    let env = req.envelope();
    let Body::Rpc(Rpc::Inform(inf)) = env.body else { panic!("not an Inform: {:?}", env.body) };
    inf.event.iter().map(|e| (e.event_code.to_string(), e.command_key.to_string())).collect()
}

/// A CPE with the test device loaded, and a session started at 0 s that
/// is connected: returns the Inform the ACS reads.
pub(crate) fn connect(s: &mut Session<MemoryNode>, now: Instant, cpe: &mut Cpe<'_>) -> Request {
    let ev = events(s);
    assert!(ev.iter().any(|e| e.starts_with("Open ")), "{ev:?}");
    s.handle_connected(now);
    parse_request(&transmit(s, now, cpe, 2048))
}

/// Feeds the ACS's `reply` and returns the CPE's next request.
pub(crate) fn reply(s: &mut Session<MemoryNode>, now: Instant, cpe: &mut Cpe<'_>, reply: &[u8]) -> Request {
    assert_eq!(s.handle_input(now, reply), reply.len());
    parse_request(&transmit(s, now, cpe, 2048))
}

/// Feeds the final 204 and returns the session's events.
pub(crate) fn finish(s: &mut Session<MemoryNode>, now: Instant, cpe: &mut Cpe<'_>) -> Vec<String> {
    s.handle_input(now, NO_CONTENT);
    assert!(transmit(s, now, cpe, 2048).is_empty());
    let ev = events(s);
    if ev.iter().any(|e| e == "CloseConnection") {
        s.handle_closed(now);
    }
    ev
}

/// An HTTP response with `head` lines (CRLF-terminated) and an empty body.
pub(crate) fn http(status_line: &str, head: &str) -> Vec<u8> {
    format!("{status_line}\r\n{head}Content-Length: 0\r\n\r\n").into_bytes()
}

/// A CPE with the test device loaded (`$cpe`, over storage `$st`) and a
/// first session `$s` started at 0 s with `$config`.
#[macro_export]
macro_rules! started {
    ($st:ident, $cpe:ident, $s:ident) => {
        started!($st, $cpe, $s, cwmp_session::cpe::session::Config::DEFAULT)
    };
    ($st:ident, $cpe:ident, $s:ident, $config:expr) => {
        let mut $st = common::storage();
        let mut model = $st.model();
        common::load(&mut model, common::DEVICE_CSV);
        #[allow(unused_mut)]
        let mut $cpe = common::Cpe::new(model);
        let (mut $s, _) = cwmp_session::cpe::session::Session::<cwmp_model::memory::MemoryNode>::new(
            None,
            common::ACS_URL,
            $config,
            cwmp_core::Instant::from_secs(0),
        );
    };
}

/// Validates each `(name, body)` against the official CWMP schemas with
/// `../shared/tools/xsd-validate` (skipped, with a note, without xmllint).
/// `tag` names the temporary directory (tests run in parallel).
pub(crate) fn xsd_validate(tag: &str, bodies: &[(String, Vec<u8>)]) {
    if std::process::Command::new("xmllint").arg("--version").output().is_err() {
        eprintln!("xmllint missing: apt-get install -y libxml2-utils");
        return;
    }
    let dir = std::env::temp_dir().join(format!("cwmp-session-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<std::path::PathBuf> = bodies
        .iter()
        .enumerate()
        .map(|(i, (name, body))| {
            let p = dir.join(format!("{i:02}-{name}.xml"));
            std::fs::write(&p, body).unwrap();
            p
        })
        .collect();
    let tool = cwmp_testkit::corpus::root().join("../tools/xsd-validate");
    let out = std::process::Command::new(tool).args(&files).output().expect("run xsd-validate");
    assert!(
        out.status.success(),
        "schema validation failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}
