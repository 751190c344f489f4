//! The pending event set against TR-069's retention rules (§3.7.1.5, Table
//! 7, as kept in `cwmp_core::event`): a reference model of delivery
//! obligations driven with the same random operations must always agree.

use cwmp_core::event::RequiredResponse;
use cwmp_core::{EventCode, EventKind, Instant};
use cwmp_session::cpe::events::{Added, EventError, EventQueue};
use cwmp_session::cpe::persist::CpeState;
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

const SINGLES: [EventCode<'static>; 7] = [
    EventCode::Boot,
    EventCode::Periodic,
    EventCode::ValueChange,
    EventCode::ConnectionRequest,
    EventCode::TransferComplete,
    EventCode::DiagnosticsComplete,
    EventCode::Vendor { oui: "00256D", event: "FIRMWARE UPGRADED" },
];
const METHODS: [&str; 4] = ["Reboot", "Download", "Upload", "ScheduleInform"];
const KEYS: [&str; 3] = ["", "k1", "k2"];

#[derive(Debug, Clone)]
enum Op {
    Single(usize),
    Method(usize, usize),
    Bootstrap,
    InformSent,
    InformAck,
    TransferCompleteAck(usize),
    Failed,
    Reboot,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..SINGLES.len()).prop_map(Op::Single),
        4 => (0..METHODS.len(), 0..KEYS.len()).prop_map(|(m, k)| Op::Method(m, k)),
        1 => Just(Op::Bootstrap),
        3 => Just(Op::InformSent),
        2 => Just(Op::InformAck),
        2 => (0..KEYS.len()).prop_map(Op::TransferCompleteAck),
        2 => Just(Op::Failed),
        1 => Just(Op::Reboot),
    ]
}

/// One occurrence the ACS must be told about, per the rules.
#[derive(Debug, Clone)]
struct Obligation {
    code: EventCode<'static>,
    key: &'static str,
    in_flight: bool,
}

fn code_of(op: &Op) -> Option<(EventCode<'static>, &'static str)> {
    match op {
        Op::Single(i) => Some((SINGLES[*i], "")),
        Op::Method(m, k) => Some((EventCode::Method(METHODS[*m]), KEYS[*k])),
        Op::Bootstrap => Some((EventCode::Bootstrap, "")),
        _ => None,
    }
}

fn settle(model: &mut [Obligation]) {
    for o in model {
        o.in_flight = false;
    }
}

fn check(q: &EventQueue, model: &[Obligation]) {
    // Method events: the same multiset of (method, CommandKey).
    let mut got: Vec<(String, String)> = q
        .inform_events()
        .filter(|(c, _)| c.kind() == EventKind::Multiple)
        .map(|(c, k)| (c.to_string(), k.to_string()))
        .collect();
    let mut want: Vec<(String, String)> = model
        .iter()
        .filter(|o| o.code.kind() == EventKind::Multiple)
        .map(|o| (o.code.to_string(), o.key.to_string()))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "method events");
    // Single codes: present iff some occurrence is owed; never two undelivered copies.
    for c in SINGLES.iter().chain([&EventCode::Bootstrap]) {
        let owed = model.iter().any(|o| o.code == *c);
        let undelivered = q.iter().filter(|e| e.code() == *c && !e.in_flight()).count();
        let total = q.iter().filter(|e| e.code() == *c).count();
        assert_eq!(total > 0, owed, "{c}");
        assert!(undelivered <= 1 && total <= 2, "{c} duplicated");
    }
    assert!(q.len() <= 64);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn events_never_lost_or_duplicated_under_random_sessions(ops in proptest::collection::vec(op(), 1..120)) {
        let mut q: EventQueue = EventQueue::new();
        let mut model: Vec<Obligation> = Vec::new();
        for op in &ops {
            if let Some((code, key)) = code_of(op) {
                match q.add(code, key) {
                    Ok(_) => {
                        if code == EventCode::Bootstrap {
                            model.retain(|o| o.code == EventCode::Bootstrap);
                        }
                        model.push(Obligation { code, key, in_flight: false });
                    }
                    Err(EventError::Full { capacity }) => prop_assert_eq!(q.len(), capacity),
                    Err(e) => panic!("{e}"),
                }
                check(&q, &model);
                continue;
            }
            match op {
                Op::InformSent => {
                    q.inform_sent();
                    for o in &mut model { o.in_flight = true; }
                }
                Op::InformAck => {
                    q.inform_acknowledged();
                    model.retain(|o| !(o.in_flight && o.code.required_response() == RequiredResponse::InformResponse));
                    settle(&mut model);
                }
                Op::TransferCompleteAck(k) => {
                    let key = KEYS[*k];
                    let tc = |o: &Obligation| o.code.kind() == EventKind::Multiple
                        && o.code.required_response() == RequiredResponse::TransferCompleteResponse;
                    if let Some(i) = model.iter().position(|o| tc(o) && o.key == key) {
                        model.remove(i);
                    }
                    let others = model.iter().any(tc);
                    q.response_received(RequiredResponse::TransferCompleteResponse, key, others);
                    if !others {
                        model.retain(|o| !(o.code.kind() == EventKind::Single
                            && o.code.required_response() == RequiredResponse::TransferCompleteResponse));
                    }
                }
                Op::Failed => {
                    q.session_failed();
                    model.retain(|o| o.code.retried_after_failed_session());
                    settle(&mut model);
                }
                Op::Reboot => {
                    // Through the persisted image, as a real restart would.
                    let mut s: CpeState = CpeState::new();
                    s.events = q.clone();
                    let mut buf = vec![0u8; 16 * 1024];
                    let n = s.encode(Instant::ZERO, &mut buf).unwrap();
                    let back: CpeState = CpeState::decode(&buf[..n], Instant::ZERO).unwrap();
                    q = back.events;
                    q.rebooted();
                    model.retain(|o| o.code.kept_over_reboot());
                    settle(&mut model);
                }
                _ => unreachable!(),
            }
            check(&q, &model);
        }
    }
}

#[test]
fn bootstrap_discards_every_other_undelivered_event() {
    let mut q: EventQueue = EventQueue::new();
    q.add(EventCode::ValueChange, "").unwrap();
    q.add(EventCode::Method("Download"), "d").unwrap();
    q.add(EventCode::TransferComplete, "").unwrap();
    q.add(EventCode::Bootstrap, "").unwrap();
    q.add(EventCode::Boot, "").unwrap();
    let codes: Vec<String> = q.inform_events().map(|(c, _)| c.to_string()).collect();
    assert_eq!(codes, ["0 BOOTSTRAP", "1 BOOT"]);
}

#[test]
fn events_single_codes_merge_method_codes_accumulate() {
    let mut q: EventQueue = EventQueue::new();
    assert_eq!(q.add(EventCode::ValueChange, ""), Ok(Added::New));
    assert_eq!(q.add(EventCode::ValueChange, ""), Ok(Added::Merged));
    assert_eq!(q.add(EventCode::Method("Reboot"), "a"), Ok(Added::New));
    assert_eq!(q.add(EventCode::Method("Reboot"), "b"), Ok(Added::New));
    assert_eq!(q.len(), 3);
}

#[test]
fn events_added_during_a_session_survive_its_inform_response() {
    let mut q: EventQueue = EventQueue::new();
    q.add(EventCode::ValueChange, "").unwrap();
    q.inform_sent();
    // A parameter changes again after the Inform went out.
    assert_eq!(q.add(EventCode::ValueChange, ""), Ok(Added::New));
    q.inform_acknowledged();
    assert_eq!(q.len(), 1);
    assert!(q.contains(EventCode::ValueChange, ""));
    assert!(!q.iter().any(|e| e.in_flight()));
}

#[test]
fn events_connection_request_is_not_retried_after_failure() {
    let mut q: EventQueue = EventQueue::new();
    q.add(EventCode::ConnectionRequest, "").unwrap();
    q.add(EventCode::Periodic, "").unwrap();
    q.inform_sent();
    q.session_failed();
    let codes: Vec<String> = q.inform_events().map(|(c, _)| c.to_string()).collect();
    assert_eq!(codes, ["2 PERIODIC"]);
}

#[test]
fn events_transfer_complete_kept_until_transfer_complete_response() {
    let mut q: EventQueue = EventQueue::new();
    q.add(EventCode::TransferComplete, "").unwrap();
    q.add(EventCode::Method("Download"), "a").unwrap();
    q.add(EventCode::Method("Upload"), "b").unwrap();
    q.inform_sent();
    q.inform_acknowledged();
    assert_eq!(q.len(), 3);
    q.response_received(RequiredResponse::TransferCompleteResponse, "a", true);
    assert!(q.contains(EventCode::TransferComplete, ""));
    assert!(!q.contains(EventCode::Method("Download"), "a"));
    q.response_received(RequiredResponse::TransferCompleteResponse, "b", false);
    assert!(q.is_empty());
}

#[test]
fn events_overflow_is_reported_and_changes_nothing() {
    let mut q: EventQueue<4> = EventQueue::new();
    for k in ["1", "2", "3", "4"] {
        q.add(EventCode::Method("Reboot"), k).unwrap();
    }
    let before = q.clone();
    assert_eq!(q.add(EventCode::Method("Reboot"), "5"), Err(EventError::Full { capacity: 4 }));
    assert_eq!(q.add(EventCode::Boot, ""), Err(EventError::Full { capacity: 4 }));
    assert_eq!(q, before);
}

#[test]
fn events_invalid_codes_and_keys_are_refused() {
    let mut q: EventQueue = EventQueue::new();
    assert_eq!(q.add(EventCode::Method("Sched Inform"), ""), Err(EventError::BadCode));
    let long = "k".repeat(33);
    assert_eq!(q.add(EventCode::Method("Reboot"), &long), Err(EventError::CommandKeyTooLong));
    let method = "X_".to_string() + &"A".repeat(62);
    assert_eq!(q.add(EventCode::Method(&method), ""), Err(EventError::BadCode));
    assert!(q.is_empty());
}

#[test]
fn events_reboot_keeps_only_what_survives_a_reboot() {
    let mut q: EventQueue = EventQueue::new();
    q.add(EventCode::Boot, "").unwrap();
    q.add(EventCode::ValueChange, "").unwrap();
    q.add(EventCode::Method("Reboot"), "rb").unwrap();
    q.add(EventCode::TransferComplete, "").unwrap();
    q.rebooted();
    let codes: Vec<String> = q.inform_events().map(|(c, k)| format!("{c}/{k}")).collect();
    assert_eq!(codes, ["M Reboot/rb", "7 TRANSFER COMPLETE/"]);
}

#[test]
fn events_queue_operations_do_not_allocate() {
    let mut q: EventQueue = EventQueue::new();
    assert_no_alloc(|| {
        q.add(EventCode::Bootstrap, "").unwrap();
        q.add(EventCode::Boot, "").unwrap();
        q.add(EventCode::Method("Reboot"), "ck").unwrap();
        let n = q.inform_events().count();
        q.inform_sent();
        q.session_failed();
        q.inform_sent();
        q.inform_acknowledged();
        n
    });
    assert!(q.is_empty());
}

#[test]
fn events_second_inform_without_outcome_merges_single_copies() {
    // Regression: two Informs sent with no acknowledgement or failure in
    // between left three copies of `4 VALUE CHANGE` (found by the property
    // test above).
    let mut q: EventQueue = EventQueue::new();
    q.add(EventCode::ValueChange, "").unwrap();
    q.inform_sent();
    q.add(EventCode::ValueChange, "").unwrap();
    q.inform_sent();
    assert_eq!(q.len(), 1);
    assert_eq!(q.add(EventCode::ValueChange, ""), Ok(Added::New));
    assert_eq!(q.len(), 2);
    q.inform_acknowledged();
    assert_eq!(q.len(), 1);
}
