//! ChangeDUState on the CPE side (TR-069 A.4.1.10): answered at once with
//! an empty ChangeDUStateResponse under the request's ID, the operations
//! handed to the application only after the session; malformed requests
//! answer 9003, more operations than the fixed storage holds 9004.

mod common;

use common::*;
use cwmp_core::{DateTime, FaultCode, Instant};
use cwmp_model::memory::MemoryNode;
use cwmp_session::cpe::session::du::{DU_OPERATIONS, DuOperation, DuResult, DuState};
use cwmp_session::cpe::session::{Config, Session};
use cwmp_soap::rpc::{ChangeDuState, GetRpcMethods};
use cwmp_soap::structs::{InstallOpStruct, Operation, UninstallOpStruct, UpdateOpStruct};
use cwmp_soap::{Body, List, Rpc, Text};

const UUID: &str = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

fn t(s: u64) -> Instant {
    Instant::from_secs(s)
}

fn install(url: &'static str) -> Operation<'static> {
    Operation::Install(InstallOpStruct {
        url: Text::plain(url),
        uuid: Some(Text::plain(UUID)),
        username: Some(Text::plain("u")),
        password: Some(Text::plain("p&q")),
        execution_env_ref: Some(Text::plain("Device.SoftwareModules.ExecEnv.1")),
    })
}

fn uninstall() -> Operation<'static> {
    Operation::Uninstall(UninstallOpStruct {
        uuid: Text::plain(UUID),
        version: Some(Text::plain("2.1")),
        execution_env_ref: None,
    })
}

fn update() -> Operation<'static> {
    Operation::Update(UpdateOpStruct {
        uuid: Some(Text::plain(UUID)),
        version: Some(Text::plain("2.1")),
        url: Some(Text::plain("http://du.example.net/app-2.2.ipk")),
        username: None,
        password: None,
    })
}

/// Inform, InformResponse, empty POST: the ACS may send requests.
fn to_empty_post(s: &mut Session<MemoryNode>, cpe: &mut Cpe<'_>) {
    let inform = connect(s, t(0), cpe);
    let post = reply(s, t(1), cpe, &inform_response(&inform));
    assert!(post.is_empty_post());
}

fn change(ops: &'static [Operation<'static>], key: &'static str) -> Rpc<'static> {
    Rpc::ChangeDuState(ChangeDuState { operations: List::from(ops), command_key: Some(Text::plain(key)) })
}

fn fault_code(req: &Request) -> Option<u32> {
    match req.envelope().body {
        Body::Fault(f) => Some(f.detail.fault_code.code().into()),
        _ => None,
    }
}

fn leak(ops: Vec<Operation<'static>>) -> &'static [Operation<'static>] {
    Box::leak(ops.into_boxed_slice())
}

#[test]
fn change_du_state_answers_empty_response_under_its_id_and_hands_operations_over_after_the_session() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);
    let ops = leak(vec![install("http://du.example.net/app.ipk"), update(), uninstall()]);
    let resp = reply(&mut s, t(2), &mut cpe, &acs_message("du-7", change(ops, "key-du")));
    assert_eq!(resp.id(), "du-7");
    assert!(matches!(resp.envelope().body, Body::Rpc(Rpc::ChangeDuStateResponse(_))), "{:?}", resp.envelope().body);
    assert!(events(&mut s).iter().all(|e| !e.starts_with("ChangeDuState")), "not before the session ends");
    let ev = finish(&mut s, t(3), &mut cpe);
    let ended = ev.iter().position(|e| e.contains("SessionEnded")).expect("ended");
    let handed = ev.iter().position(|e| e.starts_with("ChangeDuState")).expect("handed over");
    assert!(ended < handed, "{ev:?}");
    let req = s.du_request().expect("kept until taken");
    assert_eq!(req.command_key.as_str(), "key-du");
    assert_eq!(req.operations.len(), 3);
    let DuOperation::Install { url, uuid, password, execution_env_ref, .. } = &req.operations[0] else { panic!() };
    assert_eq!(url.as_str(), "http://du.example.net/app.ipk");
    assert_eq!(uuid.as_str(), UUID);
    assert_eq!(password.as_str(), "p&q", "unescaped");
    assert_eq!(execution_env_ref.as_str(), "Device.SoftwareModules.ExecEnv.1");
    assert!(matches!(&req.operations[1], DuOperation::Update { version, .. } if version == "2.1"));
    assert!(matches!(&req.operations[2], DuOperation::Uninstall { uuid, .. } if uuid == UUID));
    assert!(s.take_du_request().is_some());
    assert!(s.du_request().is_none());
}

#[test]
fn change_du_state_with_more_operations_than_storage_answers_9004_and_keeps_nothing() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);
    let ops = leak((0..=DU_OPERATIONS).map(|_| uninstall()).collect());
    let resp = reply(&mut s, t(2), &mut cpe, &acs_message("du-8", change(ops, "k")));
    assert_eq!(resp.id(), "du-8");
    assert_eq!(fault_code(&resp), Some(9004));
    assert!(s.du_request().is_none());
    // Exactly the bound is accepted.
    let ops = leak((0..DU_OPERATIONS).map(|_| uninstall()).collect());
    let resp = reply(&mut s, t(3), &mut cpe, &acs_message("du-9", change(ops, "k")));
    assert!(matches!(resp.envelope().body, Body::Rpc(Rpc::ChangeDuStateResponse(_))));
    // A second request while the first waits for the application: 9004.
    let resp = reply(&mut s, t(4), &mut cpe, &acs_message("du-10", change(leak(vec![uninstall()]), "k2")));
    assert_eq!(fault_code(&resp), Some(9004));
    assert_eq!(s.du_request().map(|r| r.command_key.as_str()), Some("k"));
}

#[test]
fn malformed_change_du_state_answers_9003() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);
    // No operation at all.
    let resp = reply(&mut s, t(2), &mut cpe, &acs_message("m1", change(leak(vec![]), "k")));
    assert_eq!(fault_code(&resp), Some(9003));
    // An Install without URL.
    let resp = reply(&mut s, t(3), &mut cpe, &acs_message("m2", change(leak(vec![install("")]), "k")));
    assert_eq!(fault_code(&resp), Some(9003));
    assert!(s.du_request().is_none());
}

#[test]
fn get_rpc_methods_lists_change_du_state() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);
    let resp = reply(&mut s, t(2), &mut cpe, &acs_message("g", Rpc::GetRpcMethods(GetRpcMethods)));
    let env = resp.envelope();
    let Body::Rpc(Rpc::GetRpcMethodsResponse(r)) = env.body else { panic!("{:?}", env.body) };
    assert!(r.method_list.iter().any(|m| m == Text::plain("ChangeDUState")));
}

fn result(state: DuState, fault: FaultCode, op: &'static str) -> DuResult<'static> {
    DuResult {
        uuid: UUID,
        deployment_unit_ref: "Device.SoftwareModules.DeploymentUnit.1",
        version: "2.1",
        current_state: state,
        resolved: true,
        execution_unit_ref_list: "Device.SoftwareModules.ExecutionUnit.1",
        start_time: DateTime::UNKNOWN,
        complete_time: DateTime::UNKNOWN,
        fault_code: fault,
        fault_string: if fault == FaultCode::NO_FAULT { "" } else { "download failed" },
        operation_performed: op,
    }
}

fn codes(req: &Request) -> Vec<String> {
    inform_events(req).into_iter().map(|(c, k)| if k.is_empty() { c } else { format!("{c}/{k}") }).collect()
}

/// Validates the named bodies against the official schemas.
fn validate(tag: &str, bodies: &[(&str, &[u8])]) {
    let owned: Vec<(String, Vec<u8>)> = bodies.iter().map(|(n, b)| (n.to_string(), b.to_vec())).collect();
    xsd_validate(tag, &owned);
}

#[test]
fn results_inform_11_and_m_change_du_state_and_send_du_state_change_complete_until_acknowledged() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);
    let ops = leak(vec![install("http://du.example.net/app.ipk"), uninstall()]);
    let answer = reply(&mut s, t(2), &mut cpe, &acs_message("du-1", change(ops, "key-du")));
    finish(&mut s, t(3), &mut cpe);
    let req = s.take_du_request().expect("handed over");
    assert_eq!(req.operations.len(), 2);
    let results = [
        result(DuState::Installed, FaultCode::NO_FAULT, "Install"),
        result(DuState::Failed, FaultCode::new(9017), "Uninstall"),
    ];
    assert!(s.du_state_change_complete(t(10), "key-du", &results));
    assert!(!s.du_state_change_complete(t(10), "key-du", &results), "one waits at a time");
    let inform = connect(&mut s, t(10), &mut cpe);
    let c = codes(&inform);
    assert!(c.contains(&"11 DU STATE CHANGE COMPLETE".to_string()), "{c:?}");
    assert!(c.contains(&"M ChangeDUState/key-du".to_string()), "{c:?}");
    let done = reply(&mut s, t(11), &mut cpe, &inform_response(&inform));
    let env = done.envelope();
    let Body::Rpc(Rpc::DuStateChangeComplete(d)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(d.command_key, Some(Text::plain("key-du")));
    let got: Vec<(String, String, u32)> = d
        .results
        .iter()
        .map(|r| (r.uuid.to_string(), r.current_state.to_string(), r.fault.fault_code.code().into()))
        .collect();
    assert_eq!(got, [(UUID.into(), "Installed".into(), 0), (UUID.into(), "Failed".into(), 9017)]);
    // Not acknowledged: the session fails, both events stay for the next one.
    s.handle_closed(t(12));
    events(&mut s);
    assert!(s.state().events.iter().any(|e| e.code_str() == "11 DU STATE CHANGE COMPLETE"));
    assert!(s.state().events.iter().any(|e| e.code_str() == "M ChangeDUState" && e.command_key() == "key-du"));
    let retry = s.poll_timeout().expect("a retry is due");
    s.handle_timeout(retry);
    let inform = connect(&mut s, retry, &mut cpe);
    assert!(codes(&inform).contains(&"M ChangeDUState/key-du".to_string()));
    let again = reply(&mut s, t(101), &mut cpe, &inform_response(&inform));
    assert!(matches!(again.envelope().body, Body::Rpc(Rpc::DuStateChangeComplete(_))));
    let id = again.id();
    let ack = Rpc::DuStateChangeCompleteResponse(cwmp_soap::rpc::DuStateChangeCompleteResponse);
    let post = reply(&mut s, t(102), &mut cpe, &acs_message(&id, ack));
    assert!(post.is_empty_post());
    assert!(s.state().events.is_empty(), "11 and M ChangeDUState delivered with the response");
    validate("cpe-du", &[("ChangeDUStateResponse", &answer.body), ("DUStateChangeComplete", &done.body)]);
}

#[test]
fn autonomous_results_inform_12_and_send_autonomous_du_state_change_complete() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);
    finish(&mut s, t(2), &mut cpe);
    let results = [result(DuState::Installed, FaultCode::NO_FAULT, "Install")];
    assert!(s.autonomous_du_state_change_complete(t(10), &results));
    let inform = connect(&mut s, t(10), &mut cpe);
    assert!(codes(&inform).contains(&"12 AUTONOMOUS DU STATE CHANGE COMPLETE".to_string()));
    let done = reply(&mut s, t(11), &mut cpe, &inform_response(&inform));
    let env = done.envelope();
    let Body::Rpc(Rpc::AutonomousDuStateChangeComplete(d)) = env.body else { panic!("{:?}", env.body) };
    let r = d.results.iter().next().expect("one result");
    assert_eq!(r.operation_performed, Text::plain("Install"));
    assert_eq!(r.deployment_unit_ref, Text::plain("Device.SoftwareModules.DeploymentUnit.1"));
    let ack = Rpc::AutonomousDuStateChangeCompleteResponse(cwmp_soap::rpc::AutonomousDuStateChangeCompleteResponse);
    let post = reply(&mut s, t(12), &mut cpe, &acs_message(&done.id(), ack));
    assert!(post.is_empty_post());
    assert!(s.state().events.is_empty());
    validate("cpe-du-auton", &[("AutonomousDUStateChangeComplete", &done.body)]);
}

#[test]
fn results_over_their_bounds_are_refused_not_cut() {
    started!(st, cpe, s);
    let _ = &mut cpe;
    let mut long = result(DuState::Installed, FaultCode::NO_FAULT, "Install");
    let uuid = "u".repeat(65);
    long.uuid = &uuid;
    assert!(!s.du_state_change_complete(t(1), "k", &[long]));
    let many = [result(DuState::Installed, FaultCode::NO_FAULT, "Install"); DU_OPERATIONS + 1];
    assert!(!s.du_state_change_complete(t(1), "k", &many));
    assert!(!s.du_state_change_complete(t(1), "k", &[]));
    assert!(!s.state().events.iter().any(|e| e.code_str().starts_with("11")), "nothing queued");
}

fn image(s: &Session<MemoryNode>, now: Instant) -> Vec<u8> {
    let mut buf = vec![0u8; 32 * 1024];
    let n = s.persist(now, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn accepted_request_and_queued_completions_survive_a_reboot_until_acknowledged() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);
    let ops = leak(vec![install("http://du.example.net/a&b.ipk"), update(), uninstall()]);
    reply(&mut s, t(2), &mut cpe, &acs_message("du-1", change(ops, "key-du")));
    finish(&mut s, t(3), &mut cpe);
    let before = s.du_request().cloned().expect("accepted");
    // Reboot before the application took it: it is still there.
    let img = image(&s, t(4));
    let (mut s, err) = Session::<MemoryNode>::new(Some(&img), ACS_URL, Config::DEFAULT, t(10));
    assert!(err.is_none(), "{err:?}");
    assert_eq!(s.du_request(), Some(&before));
    assert!(s.take_du_request().is_some());
    let results = [result(DuState::Installed, FaultCode::NO_FAULT, "Install"); 3];
    assert!(s.du_state_change_complete(t(11), "key-du", &results));
    assert!(s.autonomous_du_state_change_complete(t(11), &results[..1]));
    // Reboot before the next session: both completions and their events stay.
    let img = image(&s, t(12));
    let (mut s, err) = Session::<MemoryNode>::new(Some(&img), ACS_URL, Config::DEFAULT, t(20));
    assert!(err.is_none(), "{err:?}");
    assert!(s.du_request().is_none(), "taken before the reboot");
    let inform = connect(&mut s, t(20), &mut cpe);
    let c = codes(&inform);
    for code in
        ["1 BOOT", "11 DU STATE CHANGE COMPLETE", "M ChangeDUState/key-du", "12 AUTONOMOUS DU STATE CHANGE COMPLETE"]
    {
        assert!(c.contains(&code.to_string()), "{code} in {c:?}");
    }
    let done = reply(&mut s, t(21), &mut cpe, &inform_response(&inform));
    let env = done.envelope();
    let Body::Rpc(Rpc::DuStateChangeComplete(d)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(d.results.len(), 3);
    let ack = Rpc::DuStateChangeCompleteResponse(cwmp_soap::rpc::DuStateChangeCompleteResponse);
    let auto = reply(&mut s, t(22), &mut cpe, &acs_message(&done.id(), ack));
    assert!(matches!(auto.envelope().body, Body::Rpc(Rpc::AutonomousDuStateChangeComplete(_))));
    let ack = Rpc::AutonomousDuStateChangeCompleteResponse(cwmp_soap::rpc::AutonomousDuStateChangeCompleteResponse);
    assert!(reply(&mut s, t(23), &mut cpe, &acs_message(&auto.id(), ack)).is_empty_post());
    // Acknowledged: nothing of it is left in the image.
    let img = image(&s, t(24));
    let (s, err) = Session::<MemoryNode>::new(Some(&img), ACS_URL, Config::DEFAULT, t(30));
    assert!(err.is_none());
    assert!(!s.state().events.iter().any(|e| e.code_str().starts_with("1") && e.code_str() != "1 BOOT"));
    assert!(!s.state().events.iter().any(|e| e.code_str() == "M ChangeDUState"));
}

#[test]
fn a_corrupt_du_section_is_reported_with_its_offset() {
    started!(st, cpe, s);
    to_empty_post(&mut s, &mut cpe);
    reply(&mut s, t(2), &mut cpe, &acs_message("du-1", change(leak(vec![uninstall()]), "k")));
    finish(&mut s, t(3), &mut cpe);
    let s0 = s;
    let mut img = image(&s0, t(4));
    let last = img.len() - 6;
    img[last] ^= 0x40;
    let (s, err) = Session::<MemoryNode>::new(Some(&img), ACS_URL, Config::DEFAULT, t(10));
    let err = err.expect("reported");
    assert_eq!(err.kind, cwmp_session::cpe::persist::PersistErrorKind::Checksum);
    assert!(s.du_request().is_none());
    // A section length that would wrap (hostile image): Length, no panic.
    let mut img = image(&s0, t(4));
    let at = img.windows(4).rposition(|w| w == b"CWDU").expect("section");
    img[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    let (_, err) = Session::<MemoryNode>::new(Some(&img), ACS_URL, Config::DEFAULT, t(10));
    assert_eq!(err.map(|e| (e.kind, e.offset)), Some((cwmp_session::cpe::persist::PersistErrorKind::Length, at + 4)));
}

#[test]
fn change_du_state_to_acknowledged_completion_makes_zero_heap_allocations() {
    use cwmp_core::CwmpVersion;
    use cwmp_soap::rpc::{DuStateChangeCompleteResponse, InformResponse};
    use cwmp_soap::{Envelope, Header};
    let mut st = storage();
    let mut model = st.model();
    load(&mut model, DEVICE_CSV);
    let mut cpe = Cpe::new(model);
    // Everything the ACS sends, prepared up front.
    let ir = |id: &str| {
        let env = Envelope {
            version: CwmpVersion::V1_2,
            header: Header { id: Some(Text::plain(id)), ..Header::default() },
            body: Body::Rpc(Rpc::InformResponse(InformResponse { max_envelopes: 1 })),
        };
        soap_response(&env)
    };
    let (ir1, ir2) = (ir("1"), ir("2"));
    let cds = acs_message("c", change(leak(vec![install("http://du.example.net/a.ipk"), uninstall()]), "k"));
    let ack = acs_message("3", Rpc::DuStateChangeCompleteResponse(DuStateChangeCompleteResponse));
    let results = [result(DuState::Installed, FaultCode::NO_FAULT, "Install"); 2];
    let mut flash = vec![0u8; 32 * 1024];
    let mut random = [0u8; 16];
    let mut sent: Vec<usize> = Vec::with_capacity(16);
    let (outcome, stats) = cwmp_testkit::alloc::measure(|| {
        let (mut s, _) = Session::<MemoryNode>::new(None, ACS_URL, Config::DEFAULT, t(0));
        let mut step = |s: &mut Session<MemoryNode>, cpe: &mut Cpe<'_>, input: Option<&[u8]>, now: Instant| {
            if let Some(i) = input {
                s.handle_input(now, i);
            }
            random[0] = random[0].wrapping_add(1);
            let mut buf = [0u8; 4096];
            let mut cx = cwmp_session::cpe::session::Context {
                engine: &mut cpe.engine,
                model: &mut cpe.model,
                model_session: &mut cpe.model_session,
                device: DEVICE,
                credentials: None,
                current_time: DateTime::UNKNOWN,
                random,
                scratch: &mut cpe.scratch,
            };
            let mut n = 0;
            while let Ok(k @ 1..) = s.poll_transmit(now, &mut buf, &mut cx) {
                n += k;
            }
            while s.poll_event().is_some() {}
            n
        };
        while s.poll_event().is_some() {}
        s.handle_connected(t(0));
        sent.push(step(&mut s, &mut cpe, None, t(0)));
        sent.push(step(&mut s, &mut cpe, Some(&ir1), t(1)));
        sent.push(step(&mut s, &mut cpe, Some(&cds), t(2)));
        sent.push(step(&mut s, &mut cpe, Some(NO_CONTENT), t(3)));
        s.handle_closed(t(3));
        let taken = s.take_du_request().map(|r| r.operations.len());
        let queued = s.du_state_change_complete(t(4), "k", &results);
        let image = s.persist(t(4), &mut flash).ok();
        while s.poll_event().is_some() {}
        s.handle_connected(t(4));
        sent.push(step(&mut s, &mut cpe, None, t(4)));
        sent.push(step(&mut s, &mut cpe, Some(&ir2), t(5)));
        sent.push(step(&mut s, &mut cpe, Some(&ack), t(6)));
        (taken, queued, image, s.state().events.len())
    });
    assert_eq!(stats.allocations, 0, "{stats:?}");
    let (taken, queued, image, events_left) = outcome;
    assert_eq!((taken, queued, events_left), (Some(2), true, 0));
    assert!(image.is_some_and(|n| n > 0));
    // Inform, empty POST, ChangeDUStateResponse, nothing after the 204;
    // Inform, DUStateChangeComplete, empty POST.
    assert_eq!(
        sent.iter().map(|n| *n > 0).collect::<Vec<_>>(),
        [true, true, true, false, true, true, true],
        "{sent:?}"
    );
}
