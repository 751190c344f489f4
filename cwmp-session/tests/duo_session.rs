//! Our ACS engine against our CPE session engine, byte for byte over an
//! in-memory connection on a virtual clock: the CPE serves the model of a
//! real device dump (TP-Link EX220, TR-181); the ACS policy queues RPCs.
//! Every ACS-side result is checked against the CPE model's own values.

mod common;
mod duo_support;

use std::collections::BTreeMap;

use cwmp_core::{DateTime, FaultCode, ParamType};
use cwmp_model::loader::Storage;
use cwmp_session::acs::{
    AcsConfig, AcsPolicy, AcsSession, Admission, AuthMode, Completion, DeviceRef, EndReason, Env, Event as AcsEvent,
    Queued, SessionId, raw,
};
use cwmp_session::auth::Credentials;
use cwmp_session::cpe::session::Outcome;
use cwmp_session::http::Parsed;
use cwmp_soap::rpc::{
    AddObject, CancelTransfer, ChangeDuState, DeleteObject, Download, FactoryReset, GetAllQueuedTransfers,
    GetParameterAttributes, GetParameterNames, GetParameterValues, GetRpcMethods, Reboot, ScheduleInform,
    SetParameterAttributes, SetParameterValues,
};
use cwmp_soap::structs::{Operation, ParameterValueStruct, SetParameterAttributesStruct, UninstallOpStruct};
use cwmp_soap::{Body, List, Method, ParamValue, Rpc, Text};
use duo_support::*;

fn open_acs() -> AcsConfig<'static> {
    AcsConfig { auth: AuthMode::None, ..AcsConfig::new("acs") }
}

#[test]
fn duo_bootstrap_session_completes_between_our_engines() {
    duo!(duo, open_acs());
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(
        duo.policy.informs,
        vec![vec![("0 BOOTSTRAP".to_owned(), String::new()), ("1 BOOT".to_owned(), String::new())]]
    );
    // Inform → InformResponse, empty POST → 204.
    assert_eq!(duo.statuses, vec![200, 204]);
    assert_eq!(duo.requests.len(), 2);
    assert!(duo.requests[1].ends_with(b"\r\n\r\n"), "the second request is the empty POST");
    assert!(matches!(duo.acs_events[0], AcsEvent::Informed { .. }), "{:?}", duo.acs_events);
    assert_eq!(duo.acs_events.last(), Some(&AcsEvent::Ended { reason: EndReason::Completed, completed: 0 }));
    assert_eq!(duo.connections, 1);
    // Both sides idle: the CPE has nothing to send until its periodic Inform.
    assert!(duo.acs.as_ref().unwrap().is_ended());
    assert_eq!(duo.session.state().events.len(), 0, "the delivered events are gone");
}

fn names(v: &[&'static str]) -> List<'static, Text<'static>> {
    List::from(leak(v.iter().map(|n| Text::plain(n)).collect()))
}

fn gpv(v: &[&'static str]) -> Rpc<'static> {
    Rpc::GetParameterValues(GetParameterValues { parameter_names: names(v) })
}

fn spv(v: &[(&'static str, ParamType, &'static str)], key: &'static str) -> Rpc<'static> {
    let list: Vec<ParameterValueStruct<'static>> = v
        .iter()
        .map(|(n, t, x)| ParameterValueStruct { name: Text::plain(n), value: ParamValue::new(*t, Text::plain(x)) })
        .collect();
    Rpc::SetParameterValues(SetParameterValues {
        parameter_list: List::from(leak(list)),
        parameter_key: Text::plain(key),
    })
}

fn gpn(path: &'static str, next_level: bool) -> Rpc<'static> {
    Rpc::GetParameterNames(GetParameterNames { parameter_path: Text::plain(path), next_level })
}

fn values(a: &Answer) -> BTreeMap<String, String> {
    let Rpc::GetParameterValuesResponse(r) = a.rpc() else { panic!("{:?}", a.rpc()) };
    r.parameter_list.iter().map(|p| (p.name.to_string(), p.value.text.to_string())).collect()
}

fn infos(a: &Answer) -> Vec<(String, bool)> {
    let Rpc::GetParameterNamesResponse(r) = a.rpc() else { panic!("{:?}", a.rpc()) };
    let mut v: Vec<(String, bool)> = r.parameter_list.iter().map(|p| (p.name.to_string(), p.writable)).collect();
    v.sort();
    v
}

const PII: &str = "Device.ManagementServer.PeriodicInformInterval";
const ALIAS: &str = "Device.IP.Interface.1.Alias";
const PM: &str = "Device.NAT.PortMapping.";

#[test]
fn duo_every_acs_rpc_round_trips_through_the_cpe_engine() {
    duo!(duo, open_acs());
    let before = model_params(&duo.cpe);
    assert!(before.len() > 3000, "the dump loaded: {}", before.len());
    assert_eq!(before[PII], "60");

    // Session 1 (the bootstrap): the data-model RPCs and the transfers.
    let p = &mut duo.policy;
    p.queue(gpn("Device.ManagementServer.", true));
    p.queue(gpv(&["Device."]));
    p.queue(spv(&[(PII, ParamType::UnsignedInt, "120"), (ALIAS, ParamType::String, "duo-if")], "key-1"));
    p.queue(gpv(&[PII, ALIAS]));
    p.queue(spv(&[(PII, ParamType::UnsignedInt, "0"), (ALIAS, ParamType::String, "never")], "key-2"));
    p.queue(Rpc::SetParameterAttributes(SetParameterAttributes {
        parameter_list: List::from(leak(vec![SetParameterAttributesStruct {
            name: Text::plain(PII),
            notification_change: true,
            notification: 2,
            access_list_change: false,
            access_list: List::from(leak(Vec::<Text<'static>>::new())),
        }])),
    }));
    p.queue(Rpc::GetParameterAttributes(GetParameterAttributes { parameter_names: names(&[PII, ALIAS]) }));
    p.queue(Rpc::AddObject(AddObject { object_name: Text::plain(PM), parameter_key: Text::plain("key-3") }));
    p.queue(gpn(PM, true));
    p.queue(Rpc::GetRpcMethods(GetRpcMethods));
    p.queue(firmware_download("dl-now", 0));
    p.queue(firmware_download("dl-later", 3600));
    p.queue(Rpc::GetAllQueuedTransfers(GetAllQueuedTransfers));
    p.queue(Rpc::CancelTransfer(CancelTransfer { command_key: Text::plain("dl-later") }));
    p.queue(Rpc::CancelTransfer(CancelTransfer { command_key: Text::plain("no-such-key") }));
    p.queue(Rpc::ChangeDuState(ChangeDuState {
        operations: List::from(leak(vec![Operation::Uninstall(UninstallOpStruct {
            uuid: Text::plain("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
            version: None,
            execution_env_ref: None,
        })])),
        command_key: Some(Text::plain("du-1")),
    }));
    p.queue(Rpc::ScheduleInform(ScheduleInform { delay_seconds: 30, command_key: Text::plain("si-1") }));

    assert_eq!(duo.run_session(), Outcome::Success);
    let p = &duo.policy;
    assert_eq!(p.results.len(), p.sent.len(), "every request answered");
    for ((id, m, _), (sid, sm)) in p.results.iter().zip(&p.sent) {
        assert_eq!((id, m), (sid, sm), "answers correlated by ID, in order");
    }

    // GPN next level: exactly the model's children of ManagementServer.
    assert_eq!(infos(p.answers(Method::GetParameterNames)[0]), model_children(&duo.cpe, "Device.ManagementServer."));
    // Whole-tree GPV, streamed chunked: every parameter of the model, its value.
    assert_eq!(values(p.answers(Method::GetParameterValues)[0]), before);
    let gpv_request = duo.requests.iter().find(|r| r.len() > 100_000).expect("the whole tree in one request");
    assert!(String::from_utf8_lossy(&gpv_request[..200]).contains("Transfer-Encoding: chunked"));
    // SPV applied: the model holds the new values, and GPV reads them.
    let spv_answers = p.answers(Method::SetParameterValues);
    assert!(matches!(spv_answers[0].rpc(), Rpc::SetParameterValuesResponse(r) if r.status == 0 || r.status == 1));
    assert_eq!(model_value(&duo.cpe, PII).as_deref(), Some("120"));
    assert_eq!(model_value(&duo.cpe, ALIAS).as_deref(), Some("duo-if"));
    let read_back = values(p.answer(Method::GetParameterValues));
    assert_eq!(
        read_back,
        BTreeMap::from([(PII.to_owned(), "120".to_owned()), (ALIAS.to_owned(), "duo-if".to_owned())])
    );
    // A bad value: 9003 with a SetParameterValuesFault naming it; nothing applied.
    assert_eq!(spv_answers[1].fault_code(), Some(9003), "{:?}", spv_answers[1]);
    let Body::Fault(f) = spv_answers[1].envelope().body else { unreachable!() };
    let per: Vec<(String, u16)> = f
        .detail
        .set_parameter_values_fault
        .iter()
        .map(|s| (s.parameter_name.to_string(), s.fault_code.code()))
        .collect();
    assert!(per.contains(&(PII.to_owned(), 9007)), "{per:?}");
    assert_eq!(model_value(&duo.cpe, ALIAS).as_deref(), Some("duo-if"), "SPV is atomic");
    // SPA then GPA.
    assert!(matches!(p.answer(Method::SetParameterAttributes).rpc(), Rpc::SetParameterAttributesResponse(_)));
    let Rpc::GetParameterAttributesResponse(gpa) = p.answer(Method::GetParameterAttributes).rpc() else { panic!() };
    let attrs: Vec<(String, i32)> = gpa.parameter_list.iter().map(|a| (a.name.to_string(), a.notification)).collect();
    assert_eq!(attrs, vec![(PII.to_owned(), 2), (ALIAS.to_owned(), 0)]);
    // AddObject: the instance exists in the model and GPN lists it.
    let Rpc::AddObjectResponse(added) = p.answer(Method::AddObject).rpc() else { panic!() };
    let instance = format!("{PM}{}.", added.instance_number);
    assert!(model_children(&duo.cpe, PM).iter().any(|(n, _)| *n == instance), "{instance} in the model");
    let listed = infos(p.answer(Method::GetParameterNames));
    assert!(listed.iter().any(|(n, _)| *n == instance), "{listed:?}");
    // GetRPCMethods lists what the CPE serves.
    let Rpc::GetRpcMethodsResponse(m) = p.answer(Method::GetRpcMethods).rpc() else { panic!() };
    let methods: Vec<String> = m.method_list.iter().map(|t| t.to_string()).collect();
    for want in ["GetParameterValues", "SetParameterValues", "AddObject", "Download", "Reboot", "CancelTransfer"] {
        assert!(methods.iter().any(|x| x == want), "{want} in {methods:?}");
    }
    // Download: accepted, not yet done (Status 1).
    let dl = p.answers(Method::Download);
    assert!(dl.iter().all(|a| matches!(a.rpc(), Rpc::DownloadResponse(d) if d.status == 1)));
    // GetAllQueuedTransfers shows both; the later one is cancelled.
    let Rpc::GetAllQueuedTransfersResponse(q) = p.answer(Method::GetAllQueuedTransfers).rpc() else { panic!() };
    let keys: Vec<String> = q.transfer_list.iter().map(|t| t.command_key.to_string()).collect();
    assert_eq!(keys, ["dl-now", "dl-later"]);
    let cancels = p.answers(Method::CancelTransfer);
    assert!(matches!(cancels[0].rpc(), Rpc::CancelTransferResponse(_)));
    assert_eq!(cancels[1].fault_code(), Some(9003), "no transfer with that key");
    // ChangeDUState: accepted at once with its empty response.
    let du = p.answer(Method::ChangeDuState);
    assert!(matches!(du.rpc(), Rpc::ChangeDuStateResponse(_)), "{du:?}");
    assert!(matches!(p.answer(Method::ScheduleInform).rpc(), Rpc::ScheduleInformResponse(_)));
    let remaining: Vec<&str> = duo.session.state().transfers.iter().map(|t| t.command_key()).collect();
    assert_eq!(remaining, ["dl-now"]);
    // Effects after the session: the download starts.
    let [Effect::ChangeDuState(ref key), Effect::StartTransfer(id)] = duo.effects[..] else {
        panic!("{:?}", duo.effects)
    };
    assert_eq!(key, "du-1");
    duo.effects.clear();

    // The clock jumps to the scheduled Inform: 3 SCHEDULED + M ScheduleInform.
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(duo.now, cwmp_core::Instant::from_secs(30), "ScheduleInform's DelaySeconds on the virtual clock");
    assert_eq!(duo.policy.last_inform(), ev(&[("3 SCHEDULED", ""), ("M ScheduleInform", "si-1")]));

    // The download finishes: a session with 7 TRANSFER COMPLETE + M Download
    // carrying the TransferComplete; the ACS then deletes the object and reboots.
    duo.policy.queue(Rpc::DeleteObject(DeleteObject {
        object_name: Text::plain(leak_str(&instance)),
        parameter_key: Text::plain("key-4"),
    }));
    duo.policy.queue(gpn(PM, true));
    duo.policy.queue(Rpc::Reboot(Reboot { command_key: Text::plain("rb-1") }));
    let now = duo.now;
    assert!(duo.session.transfer_complete(now, id, FaultCode::NO_FAULT, "", DateTime::UNKNOWN, DateTime::UNKNOWN));
    assert_eq!(duo.run_session(), Outcome::Success);
    let p = &duo.policy;
    assert_eq!(p.last_inform(), ev(&[("7 TRANSFER COMPLETE", ""), ("M Download", "dl-now")]));
    let (name, tc) = p.cpe_requests.last().unwrap();
    assert_eq!(name, "TransferComplete");
    assert!(tc.contains("dl-now"), "{tc}");
    assert!(matches!(p.answer(Method::DeleteObject).rpc(), Rpc::DeleteObjectResponse(_)));
    assert!(!model_children(&duo.cpe, PM).iter().any(|(n, _)| *n == instance), "{instance} gone from the model");
    assert!(!infos(p.answer(Method::GetParameterNames)).iter().any(|(n, _)| *n == instance));
    assert!(matches!(p.answer(Method::Reboot).rpc(), Rpc::RebootResponse(_)));
    assert_eq!(duo.effects, vec![Effect::Reboot], "the reboot comes after the session");
    duo.effects.clear();

    // The reboot: the CPE restarts from its persisted image and informs
    // 1 BOOT + M Reboot with the CommandKey; the ACS then factory-resets it.
    duo.reboot();
    duo.policy.queue(Rpc::FactoryReset(FactoryReset));
    assert_eq!(duo.run_session(), Outcome::Success);
    let informed = duo.policy.informs.last().unwrap().clone();
    assert!(informed.contains(&("1 BOOT".to_owned(), String::new())), "{informed:?}");
    assert!(informed.contains(&("M Reboot".to_owned(), "rb-1".to_owned())), "{informed:?}");
    assert!(matches!(duo.policy.answer(Method::FactoryReset).rpc(), Rpc::FactoryResetResponse(_)));
    assert_eq!(duo.effects, vec![Effect::FactoryReset]);
}

/// A firmware Download with `key`, started after `delay` seconds.
fn firmware_download(key: &'static str, delay: u32) -> Rpc<'static> {
    Rpc::Download(Download {
        command_key: Text::plain(key),
        file_type: Text::plain("1 Firmware Upgrade Image"),
        url: Text::plain("http://files.example.net/fw.bin"),
        username: Text::plain(""),
        password: Text::plain(""),
        file_size: 0,
        target_file_name: Text::plain(""),
        delay_seconds: delay,
        success_url: Text::plain(""),
        failure_url: Text::plain(""),
    })
}

/// The ACS sends a Download (the bootstrap session); the CPE starts it
/// once the session ended.
fn start_download(duo: &mut Duo<'_>, key: &'static str) -> cwmp_session::cpe::transfer::TransferId {
    duo.policy.queue(firmware_download(key, 0));
    assert_eq!(duo.run_session(), Outcome::Success);
    let [Effect::StartTransfer(id)] = duo.effects[..] else { panic!("{:?}", duo.effects) };
    duo.effects.clear();
    id
}

fn cpe_request_events(duo: &Duo<'_>, from: usize) -> Vec<(Option<Method>, Option<FaultCode>)> {
    duo.acs_events_since(from)
        .iter()
        .filter_map(|e| match e {
            AcsEvent::CpeRequest { method, fault } => Some((*method, *fault)),
            _ => None,
        })
        .collect()
}

#[test]
fn duo_cpe_requests_reach_the_acs() {
    duo!(duo, open_acs());
    let id = start_download(&mut duo, "fw-9");

    // The download failed (9010); the CPE also asks for a download and for the ACS's methods.
    let now = duo.now;
    assert!(duo.session.transfer_complete(
        now,
        id,
        FaultCode::FILE_TRANSFER_FAILURE,
        "checksum",
        DateTime::UNKNOWN,
        DateTime::UNKNOWN
    ));
    assert!(duo.session.request_download(now, "1 Firmware Upgrade Image", &[("Version", "2.1")]));
    duo.session.get_rpc_methods(now);
    let from = duo.acs_events.len();
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(
        duo.policy.last_inform(),
        ev(&[("7 TRANSFER COMPLETE", ""), ("9 REQUEST DOWNLOAD", ""), ("M Download", "fw-9")])
    );
    // The policy saw the TransferComplete (its key and fault) and the
    // RequestDownload (its type and argument); the engine answered
    // GetRPCMethods itself; nothing was refused.
    let seen: Vec<&str> = duo.policy.cpe_requests.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(seen, ["TransferComplete", "RequestDownload"]);
    let (_, tc) = &duo.policy.cpe_requests[0];
    assert!(tc.contains("fw-9") && tc.contains("9010") && tc.contains("checksum"), "{tc}");
    let (_, rd) = &duo.policy.cpe_requests[1];
    assert!(rd.contains("1 Firmware Upgrade Image") && rd.contains("Version") && rd.contains("2.1"), "{rd}");
    assert_eq!(
        cpe_request_events(&duo, from),
        [
            (Some(Method::TransferComplete), None),
            (Some(Method::RequestDownload), None),
            (Some(Method::GetRpcMethods), None)
        ]
    );
    // Answered: the CPE forgets the acknowledged transfer and the request.
    assert_eq!(duo.session.state().transfers.len(), 0);
    let left: Vec<String> = duo.session.state().events.iter().map(|e| e.code_str().to_owned()).collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(duo.session.request_download(duo.now, "1 Firmware Upgrade Image", &[]), "a new one may be queued");
}

#[test]
fn duo_digest_auth_between_our_engines() {
    let digest = AcsConfig { auth: AuthMode::Digest, ..AcsConfig::new("cwmp-duo") };
    let text = dump_text();

    // Right password: 401 with a Digest challenge, the Inform again with
    // credentials, 200, the empty POST, 204.
    let mut st = Storage::for_text(&text);
    let mut duo = Duo::new(cpe_over(&mut st, &text), digest);
    duo.cpe.credentials = Some(Credentials { username: USER, password: PASSWORD });
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(duo.statuses, [401, 200, 204]);
    let challenge = String::from_utf8_lossy(&duo.requests[1]).into_owned();
    assert!(challenge.contains("Authorization: Digest") && challenge.contains("username=\"cpe-ex220\""), "{challenge}");
    assert!(matches!(duo.acs_events[0], AcsEvent::Informed { .. }), "{:?}", duo.acs_events);
    assert_eq!(duo.connections, 1, "the challenge is answered on the same connection");

    // Wrong password: both sides fail cleanly, the ACS never admits the
    // device; the CPE keeps its events, counts the retry and waits per
    // §3.2.1.1 (the dump's CWMPRetryMinimumWaitInterval 5 s and
    // IntervalMultiplier 2000: first wait in [5 s, 10 s]).
    let mut st = Storage::for_text(&text);
    let mut duo = Duo::new(cpe_over(&mut st, &text), digest);
    duo.cpe.credentials = Some(Credentials { username: USER, password: "wrong" });
    assert_eq!(duo.run_session(), Outcome::AuthFailed);
    assert!(duo.policy.informs.is_empty(), "no Inform reached the policy");
    assert!(duo.statuses.iter().all(|s| *s == 401), "{:?}", duo.statuses);
    assert!(!duo.acs_events.iter().any(|e| matches!(e, AcsEvent::Informed { .. })));
    assert_eq!(duo.session.phase(), cwmp_session::cpe::session::State::WaitRetry);
    let failed_at = duo.now;
    let retry_at = duo.session.poll_timeout().expect("a retry is scheduled");
    let wait = retry_at.as_millis() - failed_at.as_millis();
    assert!((5_000..=10_000).contains(&wait), "first retry wait {wait} ms");
    // The password is fixed: the retry succeeds with RetryCount 1 and the
    // undelivered events.
    duo.cpe.credentials = Some(Credentials { username: USER, password: PASSWORD });
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(duo.now, retry_at, "not before the wait");
    assert_eq!(duo.policy.retry_counts, [1]);
    assert_eq!(duo.policy.last_inform(), ev(&[("0 BOOTSTRAP", ""), ("1 BOOT", "")]));
}

#[test]
fn duo_hold_requests() {
    duo!(duo, open_acs());
    let id = start_download(&mut duo, "fw-h");

    // The ACS holds the CPE's requests in the InformResponse and sends a
    // GPV (whose header releases the hold); the TransferComplete is not
    // sent while held.
    duo.policy.hold_requests = true;
    duo.policy.queue(gpv(&[PII]));
    let now = duo.now;
    assert!(duo.session.transfer_complete(now, id, FaultCode::NO_FAULT, "", DateTime::UNKNOWN, DateTime::UNKNOWN));
    let from = duo.acs_events.len();
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(duo.policy.last_inform(), ev(&[("7 TRANSFER COMPLETE", ""), ("M Download", "fw-h")]));
    let order = |duo: &Duo<'_>, from: usize| -> Vec<String> {
        duo.acs_events_since(from)
            .iter()
            .filter_map(|e| match e {
                AcsEvent::RpcCompleted { method, outcome, .. } => Some(format!("ACS {method:?} {outcome:?}")),
                AcsEvent::CpeRequest { method, fault } => Some(format!("CPE {method:?} {fault:?}")),
                _ => None,
            })
            .collect()
    };
    assert_eq!(order(&duo, from), ["ACS GetParameterValues Response"], "nothing from the CPE while held");
    assert_eq!(values(duo.policy.answer(Method::GetParameterValues))[PII], model_value(&duo.cpe, PII).unwrap());
    assert_eq!(duo.session.state().transfers.len(), 1, "still owed");
    // Both engines end the session at the ACS's 204 to the GPV response,
    // so the held TransferComplete goes in the very next session (it was
    // stranded until an unrelated session before the fix), with its
    // events again since they were not acknowledged.
    duo.policy.hold_requests = false;
    let from = duo.acs_events.len();
    let before = duo.now;
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(duo.now, before, "at once, not at some later periodic Inform");
    assert_eq!(duo.policy.last_inform(), ev(&[("7 TRANSFER COMPLETE", ""), ("M Download", "fw-h")]));
    assert_eq!(order(&duo, from), ["CPE Some(TransferComplete) None"]);
    assert_eq!(duo.session.state().transfers.len(), 0, "delivered once the hold was released");
    assert_eq!(duo.session.state().events.len(), 0);
}

#[test]
fn duo_application_inputs_back_to_back_give_one_session_without_connection_request_event() {
    duo!(duo, open_acs());
    assert_eq!(duo.run_session(), Outcome::Success);
    // Three reasons at once: the first starts a session, the others ride in it.
    let now = duo.now;
    assert!(duo.session.request_download(now, "1 Firmware Upgrade Image", &[]));
    duo.session.get_rpc_methods(now);
    assert!(duo.session.add_event(now, cwmp_core::event::EventCode::ValueChange, ""));
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(duo.policy.last_inform(), ev(&[("4 VALUE CHANGE", ""), ("9 REQUEST DOWNLOAD", "")]));
    for _ in 0..20 {
        duo.step();
    }
    assert_eq!(duo.connections, 2, "no follow-up session (it carried a false 6 CONNECTION REQUEST before the fix)");
    assert_eq!(duo.session.poll_timeout(), None);
}

#[test]
fn duo_connection_request_during_session_gives_one_follow_up() {
    duo!(duo, open_acs());
    // Step until the ACS has answered the Inform, then three connection
    // requests arrive while the session runs.
    while !duo.acs_events.iter().any(|e| matches!(e, AcsEvent::Informed { .. })) {
        assert!(duo.step());
    }
    for _ in 0..3 {
        let now = duo.now;
        duo.session.connection_request(now);
    }
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(duo.policy.informs.len(), 1, "the running session is not disturbed");
    // Exactly one follow-up session, with 6 CONNECTION REQUEST.
    assert_eq!(duo.run_session(), Outcome::Success);
    assert_eq!(duo.policy.last_inform(), ev(&[("6 CONNECTION REQUEST", "")]));
    assert_eq!(duo.connections, 2);
    for _ in 0..20 {
        duo.step();
    }
    assert_eq!(duo.connections, 2, "no third session");
    assert_eq!(duo.session.phase(), cwmp_session::cpe::session::State::Idle);
}

/// An ACS store that allocates nothing: a fixed queue, counters.
struct CountingPolicy {
    queue: &'static [Rpc<'static>],
    next: usize,
    responses: usize,
    faults: usize,
    /// Entries of the whole-tree GetParameterValuesResponse.
    gpv_entries: usize,
}

impl AcsPolicy for CountingPolicy {
    fn password(&mut self, _: &str) -> Option<&[u8]> {
        None
    }
    fn admit(&mut self, _: &cwmp_soap::Envelope<'_>, _: Option<&str>) -> Admission {
        Admission::Accept { device: DeviceRef(1), hold_requests: false }
    }
    fn cpe_request(&mut self, _: DeviceRef, _: &cwmp_soap::Envelope<'_>) -> Result<(), FaultCode> {
        Ok(())
    }
    fn next_request(&mut self, _: DeviceRef, _: u32) -> Option<Queued<'_>> {
        let rpc = *self.queue.get(self.next)?;
        self.next += 1;
        Some(Queued { rpc, hold_requests: false })
    }
    fn on_response(&mut self, _: DeviceRef, _: u32, _: Method, c: Completion<'_, '_>) {
        match c {
            Completion::Response(env) => {
                self.responses += 1;
                if let Body::Rpc(Rpc::GetParameterValuesResponse(r)) = &env.body {
                    self.gpv_entries = self.gpv_entries.max(r.parameter_list.iter().count());
                }
            }
            Completion::Fault(_) | Completion::Failed(_) => self.faults += 1,
        }
    }
}

#[test]
fn duo_whole_exchange_allocates_nothing() {
    use cwmp_session::cpe::session::{Config, Context, Event as CpeEvent, Session};
    let text = dump_text();
    let mut st = Storage::for_text(&text);
    let mut cpe = cpe_over(&mut st, &text);
    let params = model_params(&cpe).len();
    let queue = leak(vec![
        gpv(&["Device."]),
        spv(&[(PII, ParamType::UnsignedInt, "300")], "k"),
        gpn("Device.ManagementServer.", true),
        Rpc::AddObject(AddObject { object_name: Text::plain(PM), parameter_key: Text::plain("k2") }),
        Rpc::Reboot(Reboot { command_key: Text::plain("r") }),
    ]);
    let mut policy = CountingPolicy { queue, next: 0, responses: 0, faults: 0, gpv_entries: 0 };
    let config = open_acs();
    let mut verifier = cwmp_session::auth::DigestVerifier::<4>::new();
    let limits = cwmp_session::http::HttpLimits::DEFAULT;
    // Every buffer up front: the wire both ways, the ACS's request
    // scratch, reply body, head and output, the CPE's image.
    let mut to_acs: Vec<u8> = Vec::with_capacity(limits.max_body_len + 64 * 1024);
    let mut to_cpe: Vec<u8> = Vec::with_capacity(64 * 1024);
    let (mut scratch, mut body, mut out) = (vec![0u8; limits.max_body_len], vec![0u8; 32 * 1024], vec![0u8; 33 * 1024]);
    let mut head = [0u8; 512];
    let mut image = vec![0u8; 16 * 1024];
    let mut tx = [0u8; 2048];
    let now = cwmp_core::Instant::from_secs(0);
    let (mut s, _) = Session::<cwmp_model::memory::MemoryNode>::new(None, ACS_URL, Config::DEFAULT, now);
    let mut acs = AcsSession::new(SessionId(1), now, &config);

    let (outcome, reboot, acs_end) = cwmp_testkit::alloc::assert_no_alloc(|| {
        let (mut outcome, mut reboot, mut acs_end) = (None, false, None);
        for _ in 0..100_000 {
            let mut cx = Context {
                engine: &mut cpe.engine,
                model: &mut cpe.model,
                model_session: &mut cpe.model_session,
                device: common::DEVICE,
                credentials: None,
                current_time: DateTime::UNKNOWN,
                random: [5; 16],
                scratch: &mut cpe.scratch,
            };
            loop {
                let n = s.poll_transmit(now, &mut tx, &mut cx).expect("pieces fit 2 KiB");
                if n == 0 {
                    break;
                }
                assert!(to_acs.len() + n <= to_acs.capacity(), "the wire would grow");
                to_acs.extend_from_slice(&tx[..n]);
            }
            let mut opened = false;
            while let Some(ev) = s.poll_event() {
                match ev {
                    CpeEvent::OpenConnection { .. } => opened = true,
                    CpeEvent::CloseConnection => {}
                    CpeEvent::SessionEnded { outcome: o } => outcome = Some(o),
                    CpeEvent::Reboot => reboot = true,
                    CpeEvent::Persist => {
                        s.persist(now, &mut image).expect("image fits");
                    }
                    CpeEvent::FactoryReset | CpeEvent::StartTransfer { .. } | CpeEvent::ChangeDuState { .. } => {}
                }
            }
            if opened {
                s.handle_connected(now);
            }
            if outcome.is_some() {
                s.handle_closed(now);
                break;
            }
            if let Parsed::Complete((req, used)) = raw::read_request(&to_acs, &mut scratch, &limits, false).unwrap() {
                let mut env = Env { config: &config, verifier: &mut verifier, now, random: [6; 16] };
                let reply = acs.handle_request(&mut env, &req, &mut policy, &mut body, &mut head);
                let n = raw::write_response(&reply, &head, &body, &mut out).expect("reply fits");
                assert!(to_cpe.len() + n <= to_cpe.capacity());
                to_cpe.extend_from_slice(&out[..n]);
                to_acs.drain(..used);
                while let Some(e) = acs.poll_event() {
                    if let AcsEvent::Ended { reason, completed } = e {
                        acs_end = Some((reason, completed));
                    }
                }
            }
            if !to_cpe.is_empty() {
                let n = s.handle_input(now, &to_cpe);
                to_cpe.drain(..n);
            }
        }
        (outcome, reboot, acs_end)
    });
    assert_eq!(outcome, Some(Outcome::Success));
    assert!(reboot, "the Reboot is handed over after the session");
    assert_eq!(acs_end, Some((EndReason::Completed, 5)));
    assert_eq!((policy.responses, policy.faults), (5, 0));
    assert_eq!(policy.gpv_entries, params, "the whole tree went through");
    assert_eq!(model_value(&cpe, PII).as_deref(), Some("300"));
}
