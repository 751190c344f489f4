//! The CPE session driven against a scripted ACS with a virtual clock.

mod common;

use common::*;
use cwmp_core::{Duration, Instant};
use cwmp_session::cpe::session::{Config, Outcome, Session, State};
use cwmp_soap::rpc::{GetParameterNames, GetParameterValues, SetParameterValues};
use cwmp_soap::structs::ParameterValueStruct;
use cwmp_soap::{Body, List, ParamValue, Rpc, Text};

fn t(s: u64) -> Instant {
    Instant::from_secs(s)
}

/// Opens the session and returns the Inform the ACS reads.
fn connect_and_inform(s: &mut Session<cwmp_model::memory::MemoryNode>, now: Instant, cpe: &mut Cpe<'_>) -> Request {
    let ev = events(s);
    assert!(ev.contains(&format!("Open {ACS_URL}")), "{ev:?}");
    s.handle_connected(now);
    assert_eq!(s.phase(), State::InformSent);
    parse_request(&transmit(s, now, cpe, 2048))
}

#[test]
fn bootstrap_first_session_informs_bootstrap_and_boot_then_ends_on_204() {
    let mut st = storage();
    let mut model = st.model();
    load(&mut model, DEVICE_CSV);
    let mut cpe = Cpe::new(model);
    let (mut s, err) = Session::<_>::new(None, ACS_URL, Config::DEFAULT, t(0));
    assert!(err.is_none());
    let inform = connect_and_inform(&mut s, t(0), &mut cpe);
    assert_eq!(inform.target, "/acs");
    assert_eq!(inform.header("Host"), Some("acs.example.net:7547"));
    assert_eq!(
        inform_events(&inform),
        vec![("0 BOOTSTRAP".to_string(), String::new()), ("1 BOOT".to_string(), String::new())]
    );
    let env = inform.envelope();
    let Body::Rpc(Rpc::Inform(inf)) = env.body else { unreachable!() };
    assert_eq!(inf.retry_count, 0);
    let names: Vec<String> = inf.parameter_list.iter().map(|p| p.name.to_string()).collect();
    assert!(names.contains(&"Device.ManagementServer.ConnectionRequestURL".to_string()), "{names:?}");
    assert!(names.contains(&"Device.DeviceInfo.SoftwareVersion".to_string()), "{names:?}");
    assert_eq!(inf.device_id.serial_number, "S123");

    s.handle_input(t(1), &inform_response(&inform));
    let post = parse_request(&transmit(&mut s, t(1), &mut cpe, 2048));
    assert!(post.is_empty_post(), "after the InformResponse: the empty POST");
    assert!(post.header("SOAPAction").is_none());
    assert!(!s.state().events.contains(cwmp_core::event::EventCode::Bootstrap, ""));
    assert!(s.state().bootstrapped);

    s.handle_input(t(2), NO_CONTENT);
    assert!(transmit(&mut s, t(2), &mut cpe, 2048).is_empty());
    let ev = events(&mut s);
    assert!(ev.contains(&"CloseConnection".to_string()), "{ev:?}");
    assert!(
        ev.contains(&format!("{:?}", cwmp_session::cpe::session::Event::SessionEnded { outcome: Outcome::Success }))
    );
    s.handle_closed(t(2));
    assert_eq!(s.phase(), State::Idle);
    assert!(s.state().events.is_empty());
}

/// Runs a session up to the empty POST; returns it.
fn to_empty_post(s: &mut Session<cwmp_model::memory::MemoryNode>, cpe: &mut Cpe<'_>) {
    let inform = connect_and_inform(s, t(0), cpe);
    s.handle_input(t(1), &inform_response(&inform));
    let post = parse_request(&transmit(s, t(1), cpe, 2048));
    assert!(post.is_empty_post());
}

#[test]
fn gpv_whole_tree_streams_chunked_through_a_small_buffer_and_matches_the_model() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);
    let names = [Text::plain("Device.")];
    s.handle_input(
        t(2),
        &acs_message("g1", Rpc::GetParameterValues(GetParameterValues { parameter_names: List::from(&names) })),
    );
    let wire = transmit(&mut s, t(2), &mut cpe, 512);
    let req = parse_request(&wire);
    assert_eq!(req.header("Transfer-Encoding"), Some("chunked"));
    assert_eq!(req.id(), "g1");
    let env = req.envelope();
    let Body::Rpc(Rpc::GetParameterValuesResponse(r)) = env.body else { panic!("{:?}", env.body) };
    let got: Vec<(String, String)> =
        r.parameter_list.iter().map(|p| (p.name.to_string(), p.value.text.to_string())).collect();
    assert!(got.contains(&("Device.IP.Interface.1.Alias".into(), "cpe-1".into())), "{got:?}");
    assert_eq!(got.len(), 16, "{got:?}");
    s.handle_input(t(3), NO_CONTENT);
    transmit(&mut s, t(3), &mut cpe, 512);
    assert!(events(&mut s).iter().any(|e| e.contains("Success")));
}

#[test]
fn spv_then_gpn_run_through_the_engine_and_unknown_method_answers_9000() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);

    let pv = [ParameterValueStruct {
        name: Text::plain("Device.IP.Interface.1.Alias"),
        value: ParamValue::new(cwmp_core::ParamType::String, Text::plain("wan")),
    }];
    let spv = SetParameterValues { parameter_list: List::from(&pv), parameter_key: Text::plain("k7") };
    s.handle_input(t(2), &acs_message("s1", Rpc::SetParameterValues(spv)));
    let resp = parse_request(&transmit(&mut s, t(2), &mut cpe, 2048));
    assert_eq!(resp.id(), "s1");
    assert!(matches!(resp.envelope().body, Body::Rpc(Rpc::SetParameterValuesResponse(r)) if r.status == 0));
    assert_eq!(s.state().parameter_key.as_str(), "k7");

    let gpn = GetParameterNames { parameter_path: Text::plain("Device.IP.Interface.1."), next_level: true };
    s.handle_input(t(3), &acs_message("n1", Rpc::GetParameterNames(gpn)));
    let resp = parse_request(&transmit(&mut s, t(3), &mut cpe, 2048));
    let env = resp.envelope();
    let Body::Rpc(Rpc::GetParameterNamesResponse(r)) = env.body else { panic!("{:?}", env.body) };
    let names: Vec<String> = r.parameter_list.iter().map(|p| p.name.to_string()).collect();
    assert_eq!(names, ["Device.IP.Interface.1.Enable", "Device.IP.Interface.1.Alias"]);

    let unknown = b"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\"><s:Header><cwmp:ID s:mustUnderstand=\"1\">u1</cwmp:ID></s:Header><s:Body><cwmp:X_ACME_Frobnicate/></s:Body></s:Envelope>";
    let mut http = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", unknown.len()).into_bytes();
    http.extend_from_slice(unknown);
    s.handle_input(t(4), &http);
    let resp = parse_request(&transmit(&mut s, t(4), &mut cpe, 2048));
    let env = resp.envelope();
    assert_eq!(resp.id(), "u1");
    assert_eq!(env.version, cwmp_core::CwmpVersion::V1_0, "answered in the ACS's namespace");
    let Body::Fault(f) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(f.detail.fault_code.code(), 9000);
}

#[test]
fn retry_waits_stay_in_the_spec_ranges_and_retry_count_resets_after_success() {
    started!(st, cpe, s);
    let mut now = t(0);
    for n in 1..=12u32 {
        let ev = events(&mut s);
        assert!(ev.iter().any(|e| e.starts_with("Open")), "attempt {n}: {ev:?}");
        s.handle_closed(now); // connection refused
        assert_eq!(s.phase(), State::WaitRetry);
        assert_eq!(s.state().retry.retry_count(), n);
        let at = s.poll_timeout().unwrap();
        let wait = at.duration_since(now).as_millis();
        let k = n.min(10);
        let lo = 5_000u64 * 2u64.pow(k - 1);
        let hi = 5_000u64 * 2u64.pow(k);
        assert!((lo..=hi).contains(&wait), "n={n}: wait {wait} ms not in [{lo}, {hi}]");
        now = at;
        s.handle_timeout(now);
    }
    let inform = connect_and_inform(&mut s, now, &mut cpe);
    let env = inform.envelope();
    let Body::Rpc(Rpc::Inform(inf)) = env.body else { unreachable!() };
    assert_eq!(inf.retry_count, 12);
    s.handle_input(now, &inform_response(&inform));
    assert!(parse_request(&transmit(&mut s, now, &mut cpe, 2048)).is_empty_post());
    assert_eq!(s.state().retry.retry_count(), 0);
    let _ = Duration::from_secs(1);
}

#[test]
fn session_size_is_pinned() {
    // Stated in the `Session` docs; a change here is a change of the
    // documented RAM cost.
    let size = core::mem::size_of::<Session<cwmp_model::memory::MemoryNode>>();
    assert_eq!(size, 46_896, "size_of::<Session<MemoryNode>>()");
}

#[test]
fn retry_after_the_response_timeout_of_at_least_30_seconds() {
    started!(st, cpe, s);
    let _inform = connect(&mut s, t(0), &mut cpe);
    // The Inform is out; nothing comes back.
    assert_eq!(s.poll_timeout(), Some(t(30)));
    s.handle_timeout(t(29));
    assert_eq!(s.phase(), State::InformSent);
    s.handle_timeout(t(30));
    let ev = events(&mut s);
    assert!(ev.iter().any(|e| e.contains("Timeout")), "{ev:?}");
    s.handle_closed(t(30));
    assert_eq!(s.phase(), State::WaitRetry);
    assert_eq!(s.state().retry.retry_count(), 1);
    let wait = s.poll_timeout().unwrap().duration_since(t(30)).as_secs();
    assert!((5..=10).contains(&wait), "{wait}");
    // Events are kept for the retry.
    s.handle_timeout(s.poll_timeout().unwrap());
    let inform = connect(&mut s, t(40), &mut cpe);
    assert_eq!(inform_events(&inform).len(), 2);
    let env = inform.envelope();
    let Body::Rpc(Rpc::Inform(inf)) = env.body else { unreachable!() };
    assert_eq!(inf.retry_count, 1);
}

#[test]
fn periodic_inform_is_due_at_its_phase_and_informs_periodic() {
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    let post = reply(&mut s, t(1), &mut cpe, &inform_response(&inform));
    assert!(post.is_empty_post());
    finish(&mut s, t(2), &mut cpe);
    s.periodic_mut().configure(t(2), None, true, 600, cwmp_core::DateTime::UNKNOWN).unwrap();
    let due = s.poll_timeout().expect("a periodic deadline");
    assert_eq!(due, t(602));
    s.handle_timeout(due);
    let inform = connect(&mut s, due, &mut cpe);
    assert_eq!(inform_events(&inform), [("2 PERIODIC".to_string(), String::new())]);
}
