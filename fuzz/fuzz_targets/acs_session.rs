//! The ACS session engine fed arbitrary CPE requests as one connection's
//! bytes (first byte: configuration and clock steps): no panic; every reply
//! is a well-formed HTTP response whose body, when there is one, is a SOAP
//! envelope a CPE decodes; the parked state round-trips at every step; the
//! session ends exactly once.
#![no_main]

use cwmp_core::{CwmpVersion, Duration, FaultCode, Instant};
use cwmp_session::acs::{
    AcsConfig, AcsPolicy, AcsSession, Admission, AuthMode, Completion, DeviceRef, Env, Event, Queued, SessionId, raw,
};
use cwmp_session::auth::DigestVerifier;
use cwmp_session::http::head::{self, EMPTY_HEADER, Quirks};
use cwmp_session::http::{BodyReader, HttpLimits, Parsed};
use cwmp_soap::rpc::{GetParameterValues, Reboot};
use cwmp_soap::{DecodeOptions, Envelope, List, Method, Role, Rpc, Text};
use libfuzzer_sys::fuzz_target;

const NAMES: [Text<'static>; 2] = [Text::Plain("Device.DeviceInfo."), Text::Plain("Device.ManagementServer.URL")];

struct Policy {
    queued: u8,
    hold: bool,
}

impl AcsPolicy for Policy {
    fn password(&mut self, username: &str) -> Option<&[u8]> {
        (username == "cpe").then_some(b"pw")
    }
    fn admit(&mut self, _: &Envelope<'_>, _: Option<&str>) -> Admission {
        Admission::Accept { device: DeviceRef(1), hold_requests: self.hold }
    }
    fn cpe_request(&mut self, _: DeviceRef, _: &Envelope<'_>) -> Result<(), FaultCode> {
        Ok(())
    }
    fn next_request(&mut self, _: DeviceRef, id: u32) -> Option<Queued<'_>> {
        self.queued = self.queued.checked_sub(1)?;
        let rpc = if id % 2 == 0 {
            Rpc::GetParameterValues(GetParameterValues { parameter_names: List::Slice(&NAMES) })
        } else {
            Rpc::Reboot(Reboot { command_key: Text::Plain("k") })
        };
        Some(Queued { rpc, hold_requests: self.hold && self.queued > 0 })
    }
    fn on_response(&mut self, _: DeviceRef, _: u32, _: Method, _: Completion<'_, '_>) {}
}

fn check_reply(wire: &[u8], status: Option<u16>) {
    let mut headers = [EMPTY_HEADER; 16];
    let Ok(Parsed::Complete(resp)) =
        head::parse_response(wire, &mut headers, &HttpLimits::DEFAULT, Quirks::STRICT, false)
    else {
        panic!("reply head does not parse: {:?}", String::from_utf8_lossy(wire))
    };
    assert!(status.is_none_or(|s| s == resp.status));
    let mut reader = BodyReader::new(resp.framing, HttpLimits::DEFAULT).expect("framing");
    let step = reader.read(&wire[resp.head_len..]).expect("body");
    assert!(reader.is_done() && step.consumed == wire.len() - resp.head_len, "body length matches its framing");
    // The SOAP MustUnderstand fault is SOAP's, not CWMP's: cwmp-soap's
    // typed decoder reads only Client/Server faults, so check it as text.
    let must_understand = memchr_find(step.data, b"<faultcode>SOAP-ENV:MustUnderstand</faultcode>");
    if !step.data.is_empty() && !must_understand {
        if let Err(e) = Envelope::decode_with(step.data, Some(Role::Cpe), &DecodeOptions::TOLERANT) {
            panic!("our reply does not decode: {e}: {}", String::from_utf8_lossy(step.data));
        }
    }
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fuzz_target!(|data: &[u8]| {
    let Some((&cfg, mut input)) = data.split_first() else { return };
    let config = AcsConfig {
        auth: [AuthMode::None, AuthMode::Digest, AuthMode::BasicOverTls][usize::from(cfg % 3)],
        max_version: if cfg & 4 != 0 { CwmpVersion::V1_4 } else { CwmpVersion::V1_1 },
        session_timeout: Duration::from_secs(30),
        ..AcsConfig::new("acs")
    };
    let tls = cfg & 8 != 0;
    let mut policy = Policy { queued: (cfg >> 4) & 3, hold: cfg & 0x40 != 0 };
    let mut verifier = DigestVerifier::<4>::new();
    let mut now = Instant::from_secs(100);
    let mut session = AcsSession::new(SessionId(42), now, &config);
    let limits = HttpLimits { max_body_len: 16 * 1024, ..HttpLimits::DEFAULT };
    let (mut scratch, mut body, mut head, mut out) = (vec![0u8; 16 * 1024], vec![0u8; 32 * 1024], [0u8; 512], vec![0u8; 40 * 1024]);
    let mut ends = 0;
    let mut step = 0u8;
    loop {
        let parsed = raw::read_request(input, &mut scratch, &limits, tls);
        let (req, used) = match parsed {
            Ok(Parsed::Complete(r)) => r,
            Ok(Parsed::Partial) => break,
            Err(e) => {
                let n = raw::error_response(&e, &mut out).expect("error reply fits");
                check_reply(&out[..n], None);
                break;
            }
        };
        step = step.wrapping_add(1);
        let mut env = Env { config: &config, verifier: &mut verifier, now, random: [step; 16] };
        let reply = session.handle_request(&mut env, &req, &mut policy, &mut body, &mut head);
        let n = raw::write_response(&reply, &head, &body, &mut out).expect("reply fits");
        check_reply(&out[..n], Some(reply.status));
        let img = session.to_bytes();
        let back = AcsSession::from_bytes(&img).expect("own image accepted");
        assert_eq!(back.to_bytes(), img);
        while let Some(e) = session.poll_event() {
            if matches!(e, Event::Ended { .. }) {
                ends += 1;
            }
        }
        if session.is_ended() {
            assert!(ends >= 1);
            if used == 0 {
                break;
            }
            // The CPE may start a new session on the same connection.
            session = AcsSession::new(SessionId(u64::from(step)), now, &config);
        }
        input = &input[used..];
        now = Instant::from_millis(now.as_millis() + u64::from(step % 4) * 10_000);
        session.handle_timeout(now);
        if used == 0 {
            break;
        }
    }
    session.handle_connection_closed(now);
});
