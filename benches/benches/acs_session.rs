//! Complete ACS sessions per second through the `cwmp-session` engine, on
//! raw HTTP bytes: Inform (the recorded genieacs-sim Inform, 16
//! parameters) → InformResponse → empty POST → GetParameterValues →
//! GetParameterValuesResponse (the simulator's recorded answer) → 204.
//! Each session reads the three requests with our HTTP framing, runs the
//! engine (decode, policy calls, encode) and writes the three replies.
//!
//! `cargo bench -p cwmp-benches --bench acs_session` prints the median
//! sessions per second on one core and the heap allocations per session.
//! `… --bench acs_session -- --sessions N` runs exactly N sessions and
//! exits, for callgrind: instructions per session are
//! `(Ir(N = 11) − Ir(N = 1)) / 10` (see `benches/README.md`).

use std::hint::black_box;
use std::time::Instant as Clock;

use cwmp_core::{FaultCode, Instant};
use cwmp_session::acs::{
    AcsConfig, AcsPolicy, AcsSession, Admission, AuthMode, Completion, DeviceRef, Env, Queued, SessionId, raw,
};
use cwmp_session::auth::DigestVerifier;
use cwmp_session::http::{HttpLimits, Parsed};
use cwmp_soap::rpc::GetParameterValues;
use cwmp_soap::{Envelope, List, Method, Rpc, Text};
use cwmp_testkit::corpus;

const SIM: &str = "messages/simulator/genieacs-sim-session-1";

const NAMES: [Text<'static>; 2] = [
    Text::Plain("InternetGatewayDevice.DeviceInfo.SoftwareVersion"),
    Text::Plain("InternetGatewayDevice.ManagementServer.PeriodicInformInterval"),
];

/// A store with one GetParameterValues queued per session.
struct Bench {
    queued: bool,
    values: usize,
}

impl AcsPolicy for Bench {
    fn password(&mut self, _: &str) -> Option<&[u8]> {
        None
    }
    fn admit(&mut self, _: &Envelope<'_>, _: Option<&str>) -> Admission {
        self.queued = true;
        Admission::Accept { device: DeviceRef(1), hold_requests: false }
    }
    fn cpe_request(&mut self, _: DeviceRef, _: &Envelope<'_>) -> Result<(), FaultCode> {
        Ok(())
    }
    fn next_request(&mut self, _: DeviceRef, _: u32) -> Option<Queued<'_>> {
        std::mem::take(&mut self.queued).then_some(Queued {
            rpc: Rpc::GetParameterValues(GetParameterValues { parameter_names: List::Slice(&NAMES) }),
            hold_requests: false,
        })
    }
    fn on_response(&mut self, _: DeviceRef, _: u32, _: Method, c: Completion<'_, '_>) {
        if let Completion::Response(env) = c
            && let cwmp_soap::Body::Rpc(Rpc::GetParameterValuesResponse(r)) = &env.body
        {
            self.values += r.parameter_list.len();
        }
    }
}

struct Buffers {
    scratch: Vec<u8>,
    body: Vec<u8>,
    head: [u8; 256],
    out: Vec<u8>,
}

/// One complete session; returns the bytes written.
#[inline(never)]
fn run_session(
    requests: &[Vec<u8>; 3],
    config: &AcsConfig<'_>,
    verifier: &mut DigestVerifier<4>,
    policy: &mut Bench,
    b: &mut Buffers,
    n: u64,
) -> usize {
    let now = Instant::from_secs(n);
    let mut session = AcsSession::new(SessionId(n), now, config);
    let mut written = 0;
    for wire in requests {
        let Ok(Parsed::Complete((req, _))) = raw::read_request(wire, &mut b.scratch, &HttpLimits::DEFAULT, false)
        else {
            panic!("request framing")
        };
        let mut env = Env { config, verifier, now, random: [7; 16] };
        let reply = session.handle_request(&mut env, &req, policy, &mut b.body, &mut b.head);
        written += raw::write_response(&reply, &b.head, &b.body, &mut b.out).expect("reply fits");
        while session.poll_event().is_some() {}
    }
    assert!(session.is_ended(), "the session completes with 204");
    written
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sessions_only = args.iter().position(|a| a == "--sessions").and_then(|i| args.get(i + 1)?.parse::<u64>().ok());

    let body = |n: u32| corpus::soap_body(&corpus::path(&format!("{SIM}/{n:03}-cpe.http")));
    let post = |body: &[u8]| {
        let mut wire =
            format!("POST / HTTP/1.1\r\nHost: acs\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n", body.len())
                .into_bytes();
        wire.extend_from_slice(body);
        wire
    };
    // The CPE echoes the ID it was sent: ours is "1", genieacs's was "acs-1".
    let gpv_response = String::from_utf8(body(4)).expect("utf-8").replace(">acs-1<", ">1<");
    let requests = [post(&body(1)), post(b""), post(gpv_response.as_bytes())];
    let config = AcsConfig { auth: AuthMode::None, ..AcsConfig::new("acs") };
    let mut verifier = DigestVerifier::<4>::new();
    let mut policy = Bench { queued: false, values: 0 };
    let mut b = Buffers { scratch: vec![0; 8192], body: vec![0; 16 * 1024], head: [0; 256], out: vec![0; 20 * 1024] };

    if let Some(n) = sessions_only {
        let mut total = 0;
        for i in 0..n {
            total += run_session(&requests, &config, &mut verifier, &mut policy, &mut b, i);
        }
        println!("{n} sessions, {total} bytes written, {} values read", policy.values);
        return;
    }

    let (bytes, stats) =
        cwmp_testkit::alloc::measure(|| run_session(&requests, &config, &mut verifier, &mut policy, &mut b, 1));
    assert_eq!(policy.values, 2, "the GetParameterValuesResponse reached the store");
    let in_bytes: usize = requests.iter().map(Vec::len).sum();

    const PER_ROUND: u64 = 20_000;
    let mut rates: Vec<f64> = (0..9)
        .map(|round| {
            let t = Clock::now();
            for i in 0..PER_ROUND {
                black_box(run_session(&requests, &config, &mut verifier, &mut policy, &mut b, round * PER_ROUND + i));
            }
            PER_ROUND as f64 / t.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    println!("ACS session: Inform → InformResponse → empty POST → GPV → GPVResponse → 204");
    println!("  requests in: {in_bytes} bytes; replies out: {bytes} bytes per session");
    println!("  median {median:.0} sessions/s on one core ({:.2} µs/session; 9 rounds of {PER_ROUND})", 1e6 / median);
    println!("  heap allocations per session: {} ({} bytes)", stats.allocations, stats.bytes);
    println!("  goal ≥ 100 000 sessions/s/core: {}", if median >= 100_000.0 { "met" } else { "NOT met" });
}
