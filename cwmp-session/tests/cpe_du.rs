//! ChangeDUState on the CPE side (TR-069 A.4.1.10): answered at once with
//! an empty ChangeDUStateResponse under the request's ID, the operations
//! handed to the application only after the session; malformed requests
//! answer 9003, more operations than the fixed storage holds 9004.

mod common;

use common::*;
use cwmp_core::Instant;
use cwmp_model::memory::MemoryNode;
use cwmp_session::cpe::session::Session;
use cwmp_session::cpe::session::du::{DU_OPERATIONS, DuOperation};
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
