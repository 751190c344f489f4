//! Every cwmp-core parser and formatter runs without touching the heap.

use cwmp_core::{CwmpVersion, DateTime, DateTimeMode, DeviceId, EventCode, FaultCode, Limits, ParamType, Value};
use cwmp_testkit::alloc::assert_no_alloc;

#[test]
fn parsers_and_formatters_do_not_allocate() {
    assert_no_alloc(|| {
        let t = DateTime::parse("2024-02-29T12:30:05.250+01:00").unwrap();
        let mut buf = [0u8; 35];
        assert_eq!(t.write_to(&mut buf), "2024-02-29T12:30:05.250+01:00");
        assert!(DateTime::parse_with("0000-00-00T00:00:00", DateTimeMode::Tolerant).unwrap().is_unknown());
        assert!(DateTime::parse("2019-03-05T11:54::14").is_err());

        assert_eq!(EventCode::parse("M ScheduleInform"), Ok(EventCode::Method("ScheduleInform")));
        assert!(EventCode::parse("1 BOOTSTRAP").is_err());

        assert_eq!(FaultCode::new(9007).fault_string(), Some("Invalid parameter value"));

        for ty in ParamType::ALL {
            let _ = Value::parse(ty, "1");
        }
        assert_eq!(CwmpVersion::negotiate("1.0,1.1,1.2", CwmpVersion::V1_4), Some(CwmpVersion::V1_2));

        let id = DeviceId { manufacturer: "M", oui: "00256D", product_class: "P", serial_number: "S" };
        id.validate(&Limits::DEFAULT).unwrap();
        let mut ubuf = [0u8; 64];
        assert_eq!(id.write_username(&mut ubuf, true).unwrap(), "00256D-P-S");
    });
}

#[test]
fn the_counter_sees_allocations() {
    // Guard against a test helper that cannot fail.
    let (_v, stats) = cwmp_testkit::alloc::measure(|| std::hint::black_box(vec![0u8; 32]));
    assert_eq!(stats.allocations, 1);
    assert!(std::panic::catch_unwind(|| assert_no_alloc(|| std::hint::black_box(Box::new(1u8)))).is_err());
}
