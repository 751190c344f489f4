//! The CPE session under arbitrary ACS behaviour (the `cpe_session` fuzz
//! target's harness as a property test, so it runs in CI without
//! cargo-fuzz): no panic, and no session outlives its deadline.

mod common;

use common::{Cpe, DEVICE_CSV, load, storage};
use cwmp_core::{DateTime, Duration, Instant};
use cwmp_model::memory::MemoryNode;
use cwmp_session::cpe::session::{Config, Context, Session, State};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Raw(Vec<u8>),
    Soap(String, usize),
    NoContent,
    Connected,
    Closed,
    Wait(u16),
    ConnectionRequest,
    Transmit(u16),
}

/// ACS bodies worth trying: each method's element with junk around.
fn soap() -> impl Strategy<Value = String> {
    let methods = prop::sample::select(vec![
        "InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse",
        "GetParameterValues><ParameterNames><string>Device.</string></ParameterNames></cwmp:GetParameterValues",
        "GetParameterNames><ParameterPath></ParameterPath><NextLevel>0</NextLevel></cwmp:GetParameterNames",
        "Reboot><CommandKey>k</CommandKey></cwmp:Reboot",
        "Download><CommandKey>d</CommandKey><FileType>1 Firmware Upgrade Image</FileType><URL>http://f/x</URL><Username/><Password/><FileSize>1</FileSize><TargetFileName/><DelaySeconds>0</DelaySeconds><SuccessURL/><FailureURL/></cwmp:Download",
        "TransferCompleteResponse/",
        "X_Junk/",
        "AddObject><ObjectName>Device.IP.Interface.</ObjectName><ParameterKey/></cwmp:AddObject",
    ]);
    (methods, any::<bool>(), "[a-z<>/ ]{0,8}").prop_map(|(m, hold, junk)| {
        let hold = if hold { "<cwmp:HoldRequests s:mustUnderstand=\"1\">1</cwmp:HoldRequests>" } else { "" };
        format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\"><s:Header><cwmp:ID s:mustUnderstand=\"1\">1</cwmp:ID>{hold}</s:Header><s:Body><cwmp:{m}>{junk}</s:Body></s:Envelope>"
        )
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64).prop_map(Op::Raw),
        (soap(), 1usize..64).prop_map(|(s, n)| Op::Soap(s, n)),
        Just(Op::NoContent),
        Just(Op::Connected),
        Just(Op::Closed),
        (0u16..2000).prop_map(Op::Wait),
        Just(Op::ConnectionRequest),
        (64u16..4096).prop_map(Op::Transmit),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_acs_behaviour_never_panics_and_sessions_end_by_their_deadline(ops in prop::collection::vec(op(), 1..40)) {
        let mut st = storage();
        let mut model = st.model();
        load(&mut model, DEVICE_CSV);
        let mut cpe = Cpe::new(model);
        let config = Config::DEFAULT;
        let mut now = Instant::from_secs(0);
        let (mut s, _) = Session::<MemoryNode>::new(None, common::ACS_URL, config, now);
        let mut started = Some(now);
        let mut buf = vec![0u8; 4096];
        for op in ops {
            match op {
                Op::Raw(b) => { s.handle_input(now, &b); }
                Op::Soap(body, split) => {
                    let mut http = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
                    http.extend_from_slice(body.as_bytes());
                    for piece in http.chunks(split) { s.handle_input(now, piece); }
                }
                Op::NoContent => { s.handle_input(now, b"HTTP/1.1 204 No Content\r\n\r\n"); }
                Op::Connected => s.handle_connected(now),
                Op::Closed => s.handle_closed(now),
                Op::Wait(secs) => {
                    now = now.checked_add(Duration::from_secs(u64::from(secs))).unwrap();
                    s.handle_timeout(now);
                }
                Op::ConnectionRequest => s.connection_request(now),
                Op::Transmit(size) => {
                    let mut cx = Context {
                        engine: &mut cpe.engine,
                        model: &mut cpe.model,
                        model_session: &mut cpe.model_session,
                        device: common::DEVICE,
                        credentials: None,
                        current_time: DateTime::UNKNOWN,
                        random: [size as u8; 16],
                        scratch: &mut cpe.scratch,
                    };
                    for _ in 0..64 {
                        match s.poll_transmit(now, &mut buf[..usize::from(size)], &mut cx) {
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
                let deadline = t0.checked_add(config.session_timeout).unwrap();
                // The one deadline the caller waits on is never later.
                prop_assert!(s.poll_timeout().is_some_and(|t| t <= deadline), "{:?} vs {:?}", s.poll_timeout(), deadline);
            }
        }
    }
}
