//! The persisted CPE image: round-trips, rejects every truncation and every
//! single-bit flip, and falls back to a bootstrapping state.

use cwmp_core::{DateTime, EventCode, FaultCode, Instant};
use cwmp_session::cpe::persist::{CpeState, PersistError, PersistErrorKind as K, StartError, crc32};
use cwmp_session::cpe::retry::{Retry, RetryPolicy};
use cwmp_session::cpe::transfer::{AutonomousArgs, TransferArgs, WindowArgs};
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

type State = CpeState<64, 4>;

fn sample() -> State {
    let now = Instant::from_secs(100);
    let mut s = State::new();
    s.start("https://acs.example/cwmp").unwrap();
    s.events.inform_sent();
    s.inform_acknowledged();
    s.parameter_key = "pk-7".try_into().unwrap();
    s.retry = Retry::with_retry_count(RetryPolicy::DEFAULT, 3);
    s.events.add(EventCode::Method("Reboot"), "rb").unwrap();
    s.events.add(EventCode::Vendor { oui: "00256D", event: "HELLO" }, "").unwrap();
    let a = TransferArgs {
        command_key: "fw",
        file_type: "1 Firmware Upgrade Image",
        url: "http://f/é",
        ..Default::default()
    };
    let id = s.transfers.download(now, &a, 60).unwrap();
    let w = [WindowArgs { start: 10, end: 20, mode: "4 Confirmation Needed", user_message: "OK?", max_retries: 3 }];
    s.transfers.schedule_download(now, &TransferArgs { command_key: "sd", ..a }, &w).unwrap();
    s.transfers.poll_start(Instant::from_secs(160));
    let start = DateTime::parse("2024-05-01T10:00:00.25+02:00").unwrap();
    s.transfers.complete(id, FaultCode::new(9010), "bad", start, DateTime::UNKNOWN, &mut s.events).unwrap();
    let atc = AutonomousArgs {
        announce_url: "http://ann/",
        transfer_url: "http://t/f",
        is_download: true,
        file_type: "2 Web Content",
        file_size: 9,
        target_file_name: "w",
    };
    s.autonomous.complete(&atc, FaultCode::NO_FAULT, "", start, start, &mut s.events).unwrap();
    s
}

#[test]
fn persist_round_trip_keeps_everything_and_deadlines_relative() {
    let s = sample();
    let mut buf = [0u8; 4096];
    let now = Instant::from_secs(100);
    let n = s.encode(now, &mut buf).unwrap();
    assert_eq!(State::decode(&buf[..n], now), Ok(s.clone()));
    // Restored 1000 s later on a fresh clock: the windows keep their distance from "now".
    let later = Instant::from_secs(5);
    let back = State::decode(&buf[..n], later).unwrap();
    let sd = back.transfers.iter().find(|t| t.command_key() == "sd").unwrap();
    assert_eq!(sd.windows()[0].start(), Instant::from_secs(15));
    assert_eq!(back.retry.retry_count(), 3);
    assert_eq!(back.acs_url, s.acs_url);
    assert_eq!(back.autonomous.pending().next().unwrap().transfer_url(), "http://t/f");
}

#[test]
fn persist_every_truncation_is_rejected() {
    let s = sample();
    let mut buf = [0u8; 4096];
    let n = s.encode(Instant::ZERO, &mut buf).unwrap();
    for len in 0..n {
        assert!(State::decode(&buf[..len], Instant::ZERO).is_err(), "prefix of {len} bytes accepted");
    }
    let mut longer = buf[..n].to_vec();
    longer.push(0);
    assert_eq!(State::decode(&longer, Instant::ZERO).unwrap_err().kind, K::Length);
}

#[test]
fn persist_every_single_bit_flip_is_rejected() {
    let s = sample();
    let mut buf = [0u8; 4096];
    let n = s.encode(Instant::ZERO, &mut buf).unwrap();
    let image = buf[..n].to_vec();
    for bit in 0..n * 8 {
        let mut x = image.clone();
        x[bit / 8] ^= 1 << (bit % 8);
        assert!(State::decode(&x, Instant::ZERO).is_err(), "bit {bit} flip accepted");
    }
}

#[test]
fn persist_corrupt_image_falls_back_to_bootstrap() {
    let mut buf = [0u8; 4096];
    let n = sample().encode(Instant::ZERO, &mut buf).unwrap();
    buf[20] ^= 0x40;
    let (mut s, err) = State::restore_or_bootstrap(&buf[..n], Instant::ZERO);
    assert_eq!(err.map(|e| e.kind), Some(K::Checksum));
    assert!(s.start("https://acs.example/cwmp").unwrap());
    let codes: Vec<String> = s.events.inform_events().map(|(c, _)| c.to_string()).collect();
    assert_eq!(codes, ["0 BOOTSTRAP", "1 BOOT"]);
    let (_, err) = State::restore_or_bootstrap(&[], Instant::ZERO);
    assert_eq!(err, Some(PersistError { kind: K::Truncated, offset: 0 }));
    let (_, err) = State::restore_or_bootstrap(b"JUNKJUNKJUNKJUNK", Instant::ZERO);
    assert_eq!(err.map(|e| e.kind), Some(K::Magic));
}

#[test]
fn persist_valid_checksum_with_bad_fields_is_still_rejected() {
    // A well-framed image whose payload lies (event code that does not parse).
    let mut s = State::new();
    s.events.add(EventCode::Boot, "").unwrap();
    let mut buf = [0u8; 512];
    let n = s.encode(Instant::ZERO, &mut buf).unwrap();
    let pos = buf[..n].windows(6).position(|w| w == b"1 BOOT").unwrap();
    buf[pos] = b'0'; // "0 BOOT": number and name disagree
    let crc = crc32(&buf[..n - 4]);
    buf[n - 4..n].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(State::decode(&buf[..n], Instant::ZERO).unwrap_err(), PersistError { kind: K::Value, offset: pos - 2 });
}

#[test]
fn persist_acs_url_change_bootstraps_and_drops_old_work() {
    let mut s = sample();
    assert!(!s.start("https://acs.example/cwmp").unwrap());
    assert!(s.start("https://other.example/").unwrap());
    assert!(s.transfers.is_empty());
    let codes: Vec<String> = s.events.inform_events().map(|(c, _)| c.to_string()).collect();
    assert_eq!(codes, ["0 BOOTSTRAP", "1 BOOT"]);
}

#[test]
fn persist_small_buffer_is_an_error_not_a_panic() {
    let s = sample();
    let mut buf = [0u8; 4096];
    let n = s.encode(Instant::ZERO, &mut buf).unwrap();
    for len in 0..n {
        assert_eq!(s.encode(Instant::ZERO, &mut buf[..len]).unwrap_err().kind, K::NoSpace);
    }
}

#[test]
fn persist_encode_and_decode_do_not_allocate() {
    let s = sample();
    let mut buf = [0u8; 4096];
    assert_no_alloc(|| {
        let n = s.encode(Instant::ZERO, &mut buf).unwrap();
        assert!(State::decode(&buf[..n], Instant::ZERO).is_ok());
    });
}

#[derive(Debug, Clone)]
enum Step {
    Event(u8, String),
    Download(String, u32),
    Start,
    Complete(u16),
    Key(String),
    Retry(u32),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u8..15, "[a-z0-9]{0,32}").prop_map(|(n, k)| Step::Event(n, k)),
        ("[ -~]{0,32}", any::<u32>()).prop_map(|(k, d)| Step::Download(k, d % 1000)),
        Just(Step::Start),
        (9000u16..9900).prop_map(Step::Complete),
        "[ -~]{0,32}".prop_map(Step::Key),
        any::<u32>().prop_map(Step::Retry),
    ]
}

proptest! {
    #[test]
    fn persist_round_trip_of_random_states(steps in proptest::collection::vec(step(), 0..40)) {
        let mut s = State::new();
        let now = Instant::from_secs(1);
        for st in &steps {
            match st {
                Step::Event(n, k) => {
                    let code = EventCode::standard().nth(usize::from(*n)).unwrap();
                    let _ = s.events.add(code, k);
                    let _ = s.events.add(EventCode::Method("Download"), k);
                }
                Step::Download(k, d) => {
                    let _ = s.transfers.download(now, &TransferArgs { command_key: k, url: "http://x/", ..Default::default() }, *d);
                }
                Step::Start => {
                    let _ = s.transfers.poll_start(Instant::from_secs(2000));
                }
                Step::Complete(f) => {
                    let id = s.transfers.iter().find(|t| t.result().is_none()).map(|t| t.id());
                    if let Some(id) = id {
                        let _ = s.transfers.complete(id, FaultCode::new(*f), "f", DateTime::UNKNOWN, DateTime::UNKNOWN, &mut s.events);
                    }
                }
                Step::Key(k) => s.parameter_key = k.as_str().try_into().unwrap(),
                Step::Retry(c) => s.retry = Retry::with_retry_count(RetryPolicy::DEFAULT, *c),
            }
        }
        let mut buf = vec![0u8; 16 * 1024];
        let n = s.encode(now, &mut buf).unwrap();
        prop_assert_eq!(State::decode(&buf[..n], now), Ok(s));
        // Any truncation point is rejected.
        let cut = n / 2;
        prop_assert!(State::decode(&buf[..cut], now).is_err());
    }
}

#[test]
fn persist_over_long_acs_url_is_refused_and_changes_nothing() {
    let mut s = sample();
    let before = s.clone();
    let url = format!("https://{}/", "a".repeat(250));
    assert_eq!(s.acs_url_changed(&url), Err(StartError::UrlTooLong));
    assert_eq!(s.start(&url), Err(StartError::UrlTooLong));
    assert_eq!(s, before);
}

#[test]
fn persist_format_v1_is_pinned_byte_for_byte() {
    // Built by hand from the format in the `cpe::persist` docs: a change of
    // layout must bump VERSION, not silently reinterpret old images.
    let mut s = State::new();
    s.bootstrapped = true;
    s.acs_url = "http://a/".try_into().unwrap();
    s.parameter_key = "pk".try_into().unwrap();
    s.retry = Retry::with_retry_count(RetryPolicy::DEFAULT, 2);
    s.events.add(EventCode::Method("Reboot"), "rb").unwrap();
    let mut payload: Vec<u8> = vec![1];
    for text in ["http://a/", "pk"] {
        payload.extend((text.len() as u16).to_le_bytes());
        payload.extend(text.as_bytes());
    }
    payload.extend(2u32.to_le_bytes());
    payload.push(1);
    for text in ["M Reboot", "rb"] {
        payload.extend((text.len() as u16).to_le_bytes());
        payload.extend(text.as_bytes());
    }
    payload.extend(0u32.to_le_bytes()); // next transfer id
    payload.push(0); // transfers
    payload.push(0); // autonomous
    let mut want = b"CWPS\x01\x00".to_vec();
    want.extend((payload.len() as u32).to_le_bytes());
    want.extend(&payload);
    let crc = crc32(&want);
    want.extend(crc.to_le_bytes());
    let mut buf = [0u8; 256];
    let n = s.encode(Instant::ZERO, &mut buf).unwrap();
    assert_eq!(&buf[..n], &want[..]);
    assert_eq!(State::decode(&want, Instant::ZERO), Ok(s));
}
