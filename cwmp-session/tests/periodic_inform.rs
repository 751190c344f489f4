//! Periodic Informs keep PeriodicInformTime's phase (TR-181
//! `ManagementServer.PeriodicInformTime`), the Unknown Time means "no
//! phase", and ScheduleInform yields `3 SCHEDULED` + `M ScheduleInform`.

use cwmp_core::{DateTime, Duration, EventCode, FaultCode, Instant};
use cwmp_session::cpe::events::EventQueue;
use cwmp_session::cpe::periodic::{Due, Periodic, ZeroInterval};
use cwmp_testkit::alloc::assert_no_alloc;
use proptest::prelude::*;

const T0: i64 = 1_700_000_000; // some UTC second

#[test]
fn periodic_deadlines_fall_on_the_phase() {
    let mut p: Periodic = Periodic::new();
    let now = Instant::from_secs(50);
    let phase = DateTime::from_unix(T0).unwrap();
    p.configure(now, Some(T0 + 1000), true, 300, phase).unwrap();
    // 1000 s past the reference: the next multiple of 300 is 200 s away.
    assert_eq!(p.poll_timeout(), Some(now + Duration::from_secs(200)));
    assert_eq!(p.poll_due(now + Duration::from_secs(199), Some(T0 + 1199)), None);
    let t = now + Duration::from_secs(200);
    assert_eq!(p.poll_due(t, Some(T0 + 1200)), Some(Due::Periodic));
    assert_eq!(p.poll_timeout(), Some(t + Duration::from_secs(300)));
    assert_eq!(p.poll_due(t, Some(T0 + 1200)), None);
}

#[test]
fn periodic_unknown_time_means_no_phase() {
    let mut p: Periodic = Periodic::new();
    let now = Instant::from_secs(7);
    p.configure(now, Some(T0), true, 60, DateTime::UNKNOWN).unwrap();
    assert_eq!(p.poll_timeout(), Some(now + Duration::from_secs(60)));
    // Polled 2 s late: the cadence stays on the original grid.
    let late = now + Duration::from_secs(62);
    assert_eq!(p.poll_due(late, None), Some(Due::Periodic));
    assert_eq!(p.poll_timeout(), Some(now + Duration::from_secs(120)));
}

#[test]
fn periodic_phase_waits_for_the_cpe_clock() {
    let mut p: Periodic = Periodic::new();
    let now = Instant::from_secs(0);
    p.configure(now, None, true, 600, DateTime::from_unix(T0).unwrap()).unwrap();
    assert_eq!(p.poll_timeout(), Some(now + Duration::from_secs(600)));
    // NTP sets the clock: realign.
    let later = Instant::from_secs(10);
    p.resync(later, Some(T0 + 10));
    assert_eq!(p.poll_timeout(), Some(later + Duration::from_secs(590)));
}

#[test]
fn periodic_disabled_and_zero_interval() {
    let mut p: Periodic = Periodic::new();
    assert_eq!(p.configure(Instant::ZERO, None, true, 0, DateTime::UNKNOWN), Err(ZeroInterval));
    p.configure(Instant::ZERO, None, false, 10, DateTime::UNKNOWN).unwrap();
    assert_eq!(p.poll_timeout(), None);
    assert_eq!(p.poll_due(Instant::from_secs(1_000_000), None), None);
}

#[test]
fn periodic_schedule_inform_queues_scheduled_and_method_events() {
    let mut p: Periodic<2> = Periodic::new();
    let now = Instant::from_secs(100);
    p.schedule_inform(now, 30, "late").unwrap();
    p.schedule_inform(now, 10, "early").unwrap();
    assert_eq!(p.schedule_inform(now, 1, "x"), Err(FaultCode::RESOURCES_EXCEEDED));
    assert_eq!(p.poll_timeout(), Some(now + Duration::from_secs(10)));
    let mut events: EventQueue = EventQueue::new();
    let due = p.poll_due(now + Duration::from_secs(40), None).unwrap();
    assert!(matches!(&due, Due::Scheduled(k) if k.as_str() == "early"));
    due.queue_events(&mut events).unwrap();
    let due = p.poll_due(now + Duration::from_secs(40), None).unwrap();
    due.queue_events(&mut events).unwrap();
    assert_eq!(p.poll_due(now + Duration::from_secs(40), None), None);
    let list: Vec<String> = events.inform_events().map(|(c, k)| format!("{c}/{k}")).collect();
    assert_eq!(list, ["M ScheduleInform/early", "3 SCHEDULED/", "M ScheduleInform/late"]);
    assert!(events.contains(EventCode::Scheduled, ""));
    let mut q: Periodic = Periodic::new();
    assert_eq!(q.schedule_inform(now, 1, &"k".repeat(33)), Err(FaultCode::INVALID_ARGUMENTS));
}

proptest! {
    #[test]
    fn periodic_next_deadline_is_the_next_phase_multiple(
        phase in -4_000_000_000i64..4_000_000_000, utc in 0i64..4_000_000_000, interval in 1u32..=1_000_000, now_s in 0u64..1_000_000,
    ) {
        let mut p: Periodic = Periodic::new();
        let now = Instant::from_secs(now_s);
        let Some(time) = DateTime::from_unix(phase) else { return Ok(()) };
        prop_assume!(!time.is_unknown());
        p.configure(now, Some(utc), true, interval, time).unwrap();
        let d = (p.poll_timeout().unwrap() - now).as_secs() as i64;
        prop_assert!(d >= 1 && d <= i64::from(interval));
        prop_assert_eq!((utc + d - phase).rem_euclid(i64::from(interval)), 0);
    }
}

#[test]
fn periodic_does_not_allocate() {
    let mut p: Periodic = Periodic::new();
    assert_no_alloc(|| {
        p.configure(Instant::ZERO, Some(T0), true, 5, DateTime::from_unix(T0).unwrap()).unwrap();
        p.schedule_inform(Instant::ZERO, 3, "k").unwrap();
        let mut n = 0;
        for s in 0..20 {
            while p.poll_due(Instant::from_secs(s), Some(T0 + s as i64)).is_some() {
                n += 1;
            }
        }
        assert_eq!(n, 3 + 1); // periodic at 5, 10, 15 s; scheduled at 3 s
    });
}
