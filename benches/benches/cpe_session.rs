//! One complete bootstrap session of the CPE session state machine, bytes
//! in and out: connect, Inform (`0 BOOTSTRAP`, `1 BOOT`, the forced-inform
//! parameters), the ACS's InformResponse, the empty POST, the ACS's 204,
//! close. The ACS side is canned bytes, so the count is the CPE's alone
//! (session, HTTP framing, SOAP encode/decode, engine reads).
//!
//! `cargo bench -p cwmp-benches --bench cpe_session` prints the median wall
//! time; `CPE_SESSION_N=<n>` runs exactly n sessions and nothing else, for
//! callgrind: instructions per session = (Ir(n=11) − Ir(n=1)) / 10 (see
//! benches/README.md).

use std::hint::black_box;
use std::time::Instant as WallClock;

use cwmp_core::{DateTime, Instant, ParamType};
use cwmp_model::datamodel::NodeKind;
use cwmp_model::engine::{Engine, SessionState};
use cwmp_model::memory::{MemoryModel, Slot, Undo};
use cwmp_model::schema::tr181;
use cwmp_session::cpe::session::{Config, Context, DeviceId, Event, Outcome, Session};

const ROWS: &[(&str, ParamType, &str)] = &[
    ("Device.DeviceInfo.Manufacturer", ParamType::String, "ACME"),
    ("Device.DeviceInfo.ManufacturerOUI", ParamType::String, "00D09E"),
    ("Device.DeviceInfo.ProductClass", ParamType::String, "GW"),
    ("Device.DeviceInfo.SerialNumber", ParamType::String, "S123"),
    ("Device.DeviceInfo.HardwareVersion", ParamType::String, "1.0"),
    ("Device.DeviceInfo.SoftwareVersion", ParamType::String, "2.0"),
    ("Device.DeviceInfo.ProvisioningCode", ParamType::String, ""),
    ("Device.ManagementServer.ParameterKey", ParamType::String, ""),
    ("Device.ManagementServer.ConnectionRequestURL", ParamType::String, "http://10.0.0.2:7547/cr"),
    ("Device.RootDataModelVersion", ParamType::String, "2.17"),
];

const INFORM_RESPONSE: &str = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><s:Header><cwmp:ID s:mustUnderstand=\"1\">1</cwmp:ID></s:Header><s:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse></s:Body></s:Envelope>";

/// One bootstrap session; returns the bytes the CPE sent.
#[inline(never)]
fn run_session(
    engine: &mut Engine<'static, 16>,
    model: &mut MemoryModel<'_>,
    inform_response: &[u8],
    buf: &mut [u8],
    scratch: &mut [u8],
) -> usize {
    let device = DeviceId { manufacturer: "ACME", oui: "00D09E", product_class: "GW", serial_number: "S123" };
    let mut model_session = SessionState::new();
    let now = Instant::from_secs(0);
    let (mut s, _) = Session::<_>::new(None, "http://acs.example.net:7547/acs", Config::DEFAULT, now);
    let mut replies = [inform_response, b"HTTP/1.1 204 No Content\r\n\r\n"].into_iter();
    let mut sent_total = 0;
    loop {
        let mut cx = Context {
            engine: &mut *engine,
            model: &mut *model,
            model_session: &mut model_session,
            device,
            credentials: None,
            current_time: DateTime::UNKNOWN,
            random: [7; 16],
            scratch: &mut *scratch,
        };
        let mut sent = 0;
        while let Ok(n) = s.poll_transmit(now, buf, &mut cx) {
            if n == 0 {
                break;
            }
            black_box(&buf[..n]);
            sent += n;
        }
        sent_total += sent;
        let mut connect = false;
        while let Some(ev) = s.poll_event() {
            match ev {
                Event::OpenConnection { .. } => connect = true,
                Event::SessionEnded { outcome } => {
                    assert_eq!(outcome, Outcome::Success);
                    s.handle_closed(now);
                    return sent_total;
                }
                _ => {}
            }
        }
        if connect {
            s.handle_connected(now);
        } else if sent > 0 {
            s.handle_input(now, replies.next().expect("the ACS has no more replies"));
        } else {
            panic!("the session stalled");
        }
    }
}

fn main() {
    let (mut slots, mut arena, mut journal) = ([Slot::EMPTY; 64], [0u8; 2048], [Undo::EMPTY; 8]);
    let mut model = MemoryModel::new(&mut slots, &mut arena, &mut journal);
    for (n, t, v) in ROWS {
        model.insert(n, NodeKind::Parameter, false, *t, v).expect("row");
    }
    let mut engine: Engine<'static, 16> = Engine::new(&tr181::SCHEMA);
    let ir = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{INFORM_RESPONSE}",
        INFORM_RESPONSE.len()
    );
    let mut buf = [0u8; 2048];
    let mut scratch = [0u8; 256];
    if let Ok(n) = std::env::var("CPE_SESSION_N") {
        let n: usize = n.parse().expect("CPE_SESSION_N");
        for _ in 0..n {
            black_box(run_session(&mut engine, &mut model, ir.as_bytes(), &mut buf, &mut scratch));
        }
        return;
    }
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..2000 {
        let t = WallClock::now();
        bytes = run_session(&mut engine, &mut model, ir.as_bytes(), &mut buf, &mut scratch);
        times.push(t.elapsed());
    }
    times.sort();
    println!("cpe_session/bootstrap: median {:?} per session, {bytes} bytes sent", times[times.len() / 2]);
}
