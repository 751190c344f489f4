//! The transfer queue: spec faults (9003, 9004, 9021, 9020), ScheduleDownload
//! time windows, GetAllQueuedTransfers states, and a TransferComplete that
//! survives a reboot until acknowledged.

use cwmp_core::{DateTime, Duration, EventCode, FaultCode, Instant};
use cwmp_session::cpe::events::EventQueue;
use cwmp_session::cpe::persist::CpeState;
use cwmp_session::cpe::transfer::{
    AutonomousArgs, AutonomousError, AutonomousQueue, TransferArgs, TransferQueue, TransferState, WindowArgs,
    WindowMode,
};

fn args(key: &str) -> TransferArgs<'_> {
    TransferArgs {
        command_key: key,
        file_type: "1 Firmware Upgrade Image",
        url: "http://files.example/fw.bin",
        username: "u",
        password: "p",
        file_size: 1234,
        target_file_name: "fw.bin",
    }
}

fn window(start: u32, end: u32) -> WindowArgs<'static> {
    WindowArgs { start, end, mode: "1 At Any Time", user_message: "", max_retries: -1 }
}

#[test]
fn transfer_download_reboot_transfer_complete_until_acknowledged() {
    let t0 = Instant::from_secs(0);
    let mut s: CpeState = CpeState::new();
    assert!(s.start("http://acs/").unwrap());
    s.events.inform_sent();
    s.inform_acknowledged();
    assert!(s.bootstrapped && s.events.is_empty());
    let id = s.transfers.download(t0, &args("fw-1"), 0).unwrap();
    assert_eq!(s.transfers.poll_start(t0), Some(id));
    // The image is being written; the CPE reboots into it.
    let mut flash = [0u8; 4096];
    let n = s.encode(t0, &mut flash).unwrap();
    let t1 = Instant::from_secs(5);
    let mut s: CpeState = CpeState::decode(&flash[..n], t1).unwrap();
    assert!(!s.start("http://acs/").unwrap());
    assert_eq!(s.transfers.get(id).unwrap().state(), TransferState::InProgress);
    let start = DateTime::from_unix(1_700_000_000).unwrap();
    let done = DateTime::from_unix(1_700_000_060).unwrap();
    s.transfers.complete(id, FaultCode::NO_FAULT, "", start, done, &mut s.events).unwrap();
    let list: Vec<String> = s.events.inform_events().map(|(c, k)| format!("{c}/{k}")).collect();
    assert_eq!(list, ["1 BOOT/", "7 TRANSFER COMPLETE/", "M Download/fw-1"]);
    // Session: InformResponse, then the TransferComplete is not acknowledged (connection lost).
    s.events.inform_sent();
    s.inform_acknowledged();
    s.events.session_failed();
    // Another reboot before the retry: the pending TransferComplete and its events survive.
    let n = s.encode(t1, &mut flash).unwrap();
    let mut s: CpeState = CpeState::decode(&flash[..n], t1).unwrap();
    s.start("http://acs/").unwrap();
    let tc = s.transfers.pending_complete().next().unwrap();
    assert_eq!(
        (tc.command_key(), tc.result().unwrap().start_time(), tc.result().unwrap().complete_time()),
        ("fw-1", start, done)
    );
    assert!(s.events.contains(EventCode::TransferComplete, ""));
    assert!(s.events.contains(EventCode::Method("Download"), "fw-1"));
    s.events.inform_sent();
    s.inform_acknowledged();
    s.transfers.acknowledged(id, &mut s.events);
    assert!(s.transfers.is_empty());
    assert!(s.events.is_empty());
}

#[test]
fn transfer_queue_full_is_fault_9004() {
    let mut q: TransferQueue<2> = TransferQueue::new();
    q.download(Instant::ZERO, &args("a"), 0).unwrap();
    q.upload(Instant::ZERO, &args("b"), 0).unwrap();
    assert_eq!(q.download(Instant::ZERO, &args("c"), 0), Err(FaultCode::RESOURCES_EXCEEDED));
    assert_eq!(q.len(), 2);
}

#[test]
fn transfer_over_long_arguments_are_fault_9003() {
    let mut q: TransferQueue = TransferQueue::new();
    let long = "x".repeat(257);
    let a = TransferArgs { url: &long, ..args("k") };
    assert_eq!(q.download(Instant::ZERO, &a, 0), Err(FaultCode::INVALID_ARGUMENTS));
    let key = "k".repeat(33);
    assert_eq!(q.download(Instant::ZERO, &args(&key), 0), Err(FaultCode::INVALID_ARGUMENTS));
    assert!(q.is_empty());
}

#[test]
fn transfer_delay_seconds_are_honoured() {
    let mut q: TransferQueue = TransferQueue::new();
    let now = Instant::from_secs(10);
    let id = q.upload(now, &args("up"), 30).unwrap();
    assert_eq!(q.poll_timeout(), Some(now + Duration::from_secs(30)));
    assert_eq!(q.poll_start(now + Duration::from_secs(29)), None);
    assert_eq!(q.poll_start(now + Duration::from_secs(30)), Some(id));
    assert_eq!(q.poll_timeout(), None);
}

#[test]
fn transfer_schedule_download_windows_are_validated() {
    let mut q: TransferQueue = TransferQueue::new();
    let now = Instant::ZERO;
    let bad = Err(FaultCode::INVALID_ARGUMENTS);
    assert_eq!(q.schedule_download(now, &args("s"), &[]), bad);
    assert_eq!(q.schedule_download(now, &args("s"), &[window(10, 5)]), bad);
    assert_eq!(q.schedule_download(now, &args("s"), &[window(0, 10), window(5, 20)]), bad);
    assert_eq!(q.schedule_download(now, &args("s"), &[window(0, 1), window(2, 3), window(4, 5)]), bad);
    let mode = |mode| [WindowArgs { mode, ..window(0, 1) }];
    assert_eq!(q.schedule_download(now, &args("s"), &mode("5 Whenever")), bad);
    assert_eq!(q.schedule_download(now, &args("s"), &mode("X 00256d lowercase")), bad);
    let retries = [WindowArgs { max_retries: -2, ..window(0, 1) }];
    assert_eq!(q.schedule_download(now, &args("s"), &retries), bad);
    let msg = "m".repeat(257);
    let long = [WindowArgs { user_message: &msg, ..window(0, 1) }];
    assert_eq!(q.schedule_download(now, &args("s"), &long), bad);
    assert!(q.is_empty());
    // Given out of order, touching, vendor mode: accepted and stored in time order.
    let ok = [WindowArgs { mode: "X 00256D NIGHT", ..window(100, 200) }, window(10, 100)];
    let id = q.schedule_download(now, &args("s"), &ok).unwrap();
    let w = q.get(id).unwrap().windows();
    assert_eq!((w[0].start(), w[1].start()), (Instant::from_secs(10), Instant::from_secs(100)));
    assert_eq!(WindowMode::parse(w[1].mode()), Some(WindowMode::Vendor));
    assert_eq!(WindowMode::parse("4 Confirmation Needed"), Some(WindowMode::ConfirmationNeeded));
}

#[test]
fn transfer_schedule_download_starts_only_inside_a_window_and_expires_with_9020() {
    let mut q: TransferQueue = TransferQueue::new();
    let mut events: EventQueue = EventQueue::new();
    let now = Instant::ZERO;
    let a = q.schedule_download(now, &args("a"), &[window(10, 20), window(40, 50)]).unwrap();
    assert_eq!(q.poll_timeout(), Some(Instant::from_secs(10)));
    assert_eq!(q.poll_start(Instant::from_secs(5)), None);
    assert_eq!(q.poll_start(Instant::from_secs(30)), None); // between windows
    assert_eq!(q.expire(Instant::from_secs(30), &mut events), Ok(0));
    let b = q.schedule_download(now, &args("b"), &[window(0, 5)]).unwrap();
    assert_eq!(q.expire(Instant::from_secs(30), &mut events), Ok(1));
    let r = q.get(b).unwrap().result().unwrap();
    assert_eq!(r.fault_code().code(), 9020);
    assert!(r.start_time().is_unknown() && r.complete_time().is_unknown());
    assert!(events.contains(EventCode::Method("ScheduleDownload"), "b"));
    assert_eq!(q.poll_start(Instant::from_secs(45)), Some(a));
}

#[test]
fn transfer_cancel_follows_the_transfer_state() {
    let mut q: TransferQueue = TransferQueue::new();
    let mut events: EventQueue = EventQueue::new();
    q.download(Instant::ZERO, &args("wait"), 100).unwrap();
    let busy = q.download(Instant::ZERO, &args("busy"), 0).unwrap();
    assert_eq!(q.poll_start(Instant::ZERO), Some(busy));
    assert_eq!(q.cancel("busy"), Err(FaultCode::CANCEL_NOT_PERMITTED));
    assert_eq!(q.cancel("nobody"), Err(FaultCode::INVALID_ARGUMENTS));
    assert_eq!(q.cancel("wait"), Ok(()));
    q.complete(busy, FaultCode::new(9010), "boom", DateTime::UNKNOWN, DateTime::UNKNOWN, &mut events).unwrap();
    assert_eq!(q.cancel("busy"), Err(FaultCode::CANCEL_NOT_PERMITTED));
    let states: Vec<(u8, bool)> = q.iter().map(|t| (t.state().code(), t.kind().is_download())).collect();
    assert_eq!(states, [(3, true)]);
}

#[test]
fn transfer_get_all_queued_reports_schema_states() {
    let mut q: TransferQueue = TransferQueue::new();
    let mut events: EventQueue = EventQueue::new();
    let a = q.download(Instant::ZERO, &args("a"), 0).unwrap();
    let b = q.upload(Instant::ZERO, &args("b"), 0).unwrap();
    q.download(Instant::ZERO, &args("c"), 60).unwrap();
    assert_eq!(q.poll_start(Instant::ZERO), Some(a));
    assert_eq!(q.poll_start(Instant::ZERO), Some(b));
    q.complete(a, FaultCode::NO_FAULT, "", DateTime::UNKNOWN, DateTime::UNKNOWN, &mut events).unwrap();
    let list: Vec<(String, u8, bool)> =
        q.iter().map(|t| (t.command_key().to_string(), t.state().code(), t.kind().is_download())).collect();
    assert_eq!(list, [("a".into(), 3, true), ("b".into(), 2, false), ("c".into(), 1, true)]);
    // Two pending completes: 7 stays until the last is acknowledged.
    q.complete(b, FaultCode::NO_FAULT, "", DateTime::UNKNOWN, DateTime::UNKNOWN, &mut events).unwrap();
    q.acknowledged(a, &mut events);
    assert!(events.contains(EventCode::TransferComplete, ""));
    assert!(!events.contains(EventCode::Method("Download"), "a"));
    q.acknowledged(b, &mut events);
    assert!(events.is_empty());
}

#[test]
fn transfer_fault_string_is_cut_to_256_bytes_on_a_char_boundary() {
    let mut q: TransferQueue = TransferQueue::new();
    let mut events: EventQueue = EventQueue::new();
    let id = q.download(Instant::ZERO, &args("a"), 0).unwrap();
    let long = "é".repeat(200); // 400 bytes
    q.complete(id, FaultCode::new(9010), &long, DateTime::UNKNOWN, DateTime::UNKNOWN, &mut events).unwrap();
    let fs = q.get(id).unwrap().result().unwrap().fault_string();
    assert_eq!(fs.len(), 256);
    assert!(long.starts_with(fs));
}

#[test]
fn transfer_unknown_or_repeated_completion_changes_nothing() {
    let mut q: TransferQueue = TransferQueue::new();
    let mut events: EventQueue = EventQueue::new();
    let id = q.download(Instant::ZERO, &args("a"), 0).unwrap();
    let u = DateTime::UNKNOWN;
    assert_eq!(q.complete(id, FaultCode::NO_FAULT, "", u, u, &mut events), Ok(true));
    let (before_q, before_e) = (q.clone(), events.clone());
    assert_eq!(q.complete(id, FaultCode::new(9010), "again", u, u, &mut events), Ok(false));
    q.cancel("a").unwrap_err();
    assert!(q.acknowledged(id, &mut events));
    assert!(!q.acknowledged(id, &mut events));
    assert_eq!(q.complete(id, FaultCode::NO_FAULT, "", u, u, &mut events), Ok(false));
    assert_ne!(before_q, q);
    assert_ne!(before_e, events);
    assert!(q.is_empty() && events.is_empty());
}

#[test]
fn transfer_autonomous_complete_queues_event_10_until_acknowledged() {
    let mut q: AutonomousQueue<2> = AutonomousQueue::new();
    let mut events: EventQueue = EventQueue::new();
    let u = DateTime::UNKNOWN;
    let a = AutonomousArgs {
        announce_url: "",
        transfer_url: "http://t/1",
        is_download: true,
        file_type: "1 Firmware Upgrade Image",
        file_size: 1,
        target_file_name: "",
    };
    q.complete(&a, FaultCode::NO_FAULT, "", u, u, &mut events).unwrap();
    q.complete(&AutonomousArgs { transfer_url: "http://t/2", ..a }, FaultCode::NO_FAULT, "", u, u, &mut events)
        .unwrap();
    assert_eq!(q.complete(&a, FaultCode::NO_FAULT, "", u, u, &mut events), Err(AutonomousError::Full));
    let long = "u".repeat(1025);
    let mut one: AutonomousQueue = AutonomousQueue::new();
    assert_eq!(
        one.complete(&AutonomousArgs { transfer_url: &long, ..a }, FaultCode::NO_FAULT, "", u, u, &mut events),
        Err(AutonomousError::TooLong)
    );
    assert!(one.is_empty());
    let list: Vec<String> = events.inform_events().map(|(c, _)| c.to_string()).collect();
    assert_eq!(list, ["10 AUTONOMOUS TRANSFER COMPLETE"]);
    events.inform_sent();
    events.inform_acknowledged();
    assert!(q.acknowledged(&mut events));
    assert_eq!(q.pending().next().unwrap().transfer_url(), "http://t/2");
    assert!(events.contains(EventCode::AutonomousTransferComplete, ""));
    assert!(q.acknowledged(&mut events));
    assert!(!q.acknowledged(&mut events));
    assert!(events.is_empty());
}

#[test]
fn transfer_queue_operations_do_not_allocate() {
    let mut q: TransferQueue = TransferQueue::new();
    let mut events: EventQueue = EventQueue::new();
    cwmp_testkit::alloc::assert_no_alloc(|| {
        let id = q.download(Instant::ZERO, &args("a"), 0).unwrap();
        q.schedule_download(Instant::ZERO, &args("b"), &[window(0, 1)]).unwrap();
        assert_eq!(q.poll_start(Instant::ZERO), Some(id));
        q.expire(Instant::from_secs(5), &mut events).unwrap();
        q.complete(id, FaultCode::NO_FAULT, "", DateTime::UNKNOWN, DateTime::UNKNOWN, &mut events).unwrap();
        let n = q.pending_complete().count();
        q.acknowledged(id, &mut events);
        n
    });
    assert_eq!(q.len(), 1);
}
