//! Drives the CPE session with arbitrary ACS responses mid-session (raw
//! bytes, or HTTP around arbitrary SOAP, split anywhere), closes, timeouts
//! and connection requests, on a virtual clock. Nothing may panic, and the
//! session always ends by its deadline: once `session_timeout` passed since
//! it started, `handle_timeout` leaves no session running.
#![no_main]

use arbitrary::Arbitrary;
use cwmp_core::{DateTime, Duration, Instant, ParamType};
use cwmp_model::datamodel::NodeKind;
use cwmp_model::engine::{Engine, SessionState};
use cwmp_model::memory::{MemoryModel, Slot, Undo};
use cwmp_model::schema::tr181;
use cwmp_session::cpe::session::{Config, Context, DeviceId, Session, State};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Op<'a> {
    /// Raw bytes from the ACS.
    Raw(&'a [u8]),
    /// An HTTP 200 with this SOAP body, fed in pieces of `split` bytes.
    Soap(&'a [u8], u8),
    /// A 204.
    NoContent,
    /// A 401 with this challenge.
    Challenge(&'a [u8]),
    /// The connection opened.
    Connected,
    /// The connection closed.
    Closed,
    /// Time passes (seconds).
    Wait(u16),
    /// A connection request.
    ConnectionRequest,
    /// Transmit with a buffer of this size.
    Transmit(u16),
}

const ROWS: &[(&str, ParamType, &str)] = &[
    ("Device.DeviceInfo.SoftwareVersion", ParamType::String, "1.0"),
    ("Device.ManagementServer.ConnectionRequestURL", ParamType::String, "http://10.0.0.2/cr"),
    ("Device.ManagementServer.ParameterKey", ParamType::String, ""),
    ("Device.IP.Interface.1.Alias", ParamType::String, "lan"),
    ("Device.IP.Interface.1.Enable", ParamType::Boolean, "true"),
];

fuzz_target!(|ops: Vec<Op<'_>>| {
    let (mut slots, mut arena, mut journal) = ([Slot::EMPTY; 64], [0u8; 2048], [Undo::EMPTY; 16]);
    let mut model = MemoryModel::new(&mut slots, &mut arena, &mut journal);
    for (n, t, v) in ROWS {
        let _ = model.insert(n, NodeKind::Parameter, true, *t, v);
    }
    let mut engine: Engine<'_, 16> = Engine::new(&tr181::SCHEMA);
    let mut model_session = SessionState::new();
    let mut scratch = [0u8; 512];
    let device = DeviceId { manufacturer: "ACME", oui: "00D09E", product_class: "GW", serial_number: "1" };
    let config = Config::DEFAULT;
    let mut now = Instant::from_secs(0);
    let (mut s, _) = Session::<_, 4096>::new(None, "http://acs.example.net/acs", config, now);
    let mut started: Option<Instant> = Some(now);
    let mut random = [0u8; 16];
    let mut buf = vec![0u8; 4096];
    for op in ops.iter().take(64) {
        match op {
            Op::Raw(b) => {
                s.handle_input(now, b);
            }
            Op::Soap(body, split) => {
                let mut http = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
                http.extend_from_slice(body);
                for piece in http.chunks(usize::from(*split).max(1)) {
                    s.handle_input(now, piece);
                }
            }
            Op::NoContent => {
                s.handle_input(now, b"HTTP/1.1 204 No Content\r\n\r\n");
            }
            Op::Challenge(c) => {
                let mut http = b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: ".to_vec();
                http.extend(c.iter().filter(|b| **b != b'\r' && **b != b'\n'));
                http.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
                s.handle_input(now, &http);
            }
            Op::Connected => s.handle_connected(now),
            Op::Closed => s.handle_closed(now),
            Op::Wait(secs) => {
                now = now.checked_add(Duration::from_secs(u64::from(*secs))).unwrap_or(now);
                s.handle_timeout(now);
            }
            Op::ConnectionRequest => s.connection_request(now),
            Op::Transmit(size) => {
                random[0] = random[0].wrapping_add(1);
                let mut cx = Context {
                    engine: &mut engine,
                    model: &mut model,
                    model_session: &mut model_session,
                    device,
                    credentials: Some(cwmp_session::auth::Credentials { username: "u", password: "p" }),
                    current_time: DateTime::UNKNOWN,
                    random,
                    scratch: &mut scratch,
                };
                let len = usize::from(*size).clamp(16, buf.len());
                for _ in 0..64 {
                    match s.poll_transmit(now, &mut buf[..len], &mut cx) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    }
                }
            }
        }
        while s.poll_event().is_some() {}
        let running = !matches!(s.phase(), State::Idle | State::WaitRetry | State::Closing);
        match (running, started) {
            (true, None) => started = Some(now),
            (false, Some(_)) => started = None,
            _ => {}
        }
        if let Some(t0) = started {
            // The session deadline bounds every session.
            if now.duration_since(t0).as_millis() > config.session_timeout.as_millis() {
                s.handle_timeout(now);
                while s.poll_event().is_some() {}
                assert!(
                    matches!(s.phase(), State::Idle | State::WaitRetry | State::Closing | State::Connecting),
                    "session running past its deadline: {:?}",
                    s.phase()
                );
                started = None;
            }
        }
    }
});
