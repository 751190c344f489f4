//! Session effects, transfers, reboots, connection requests, persistence
//! and allocations, against a scripted ACS with a virtual clock.

mod common;

use common::*;
use cwmp_core::{DateTime, FaultCode, Instant};
use cwmp_model::memory::MemoryNode;
use cwmp_session::cpe::session::{Config, Session, State};
use cwmp_soap::rpc::{
    AddObject, DeleteObject, Download, GetParameterAttributes, Reboot, SetParameterAttributes, TransferCompleteResponse,
};
use cwmp_soap::structs::SetParameterAttributesStruct;
use cwmp_soap::{Body, List, Rpc, Text};

fn t(s: u64) -> Instant {
    Instant::from_secs(s)
}

fn codes(req: &Request) -> Vec<String> {
    inform_events(req).into_iter().map(|(c, k)| if k.is_empty() { c } else { format!("{c}/{k}") }).collect()
}

fn image(s: &Session<MemoryNode>, now: Instant) -> Vec<u8> {
    let mut buf = vec![0u8; 8192];
    let n = s.persist(now, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn download_then_reboot_informs_boot_m_download_transfer_complete_and_sends_transfer_complete() {
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    reply(&mut s, t(1), &mut cpe, &inform_response(&inform));
    let dl = Download {
        command_key: Text::plain("fw-42"),
        file_type: Text::plain("1 Firmware Upgrade Image"),
        url: Text::plain("http://files.example.net/fw.bin?a=1&b=2"),
        username: Text::plain(""),
        password: Text::plain(""),
        file_size: 1000,
        target_file_name: Text::plain(""),
        delay_seconds: 0,
        success_url: Text::plain(""),
        failure_url: Text::plain(""),
    };
    let resp = reply(&mut s, t(2), &mut cpe, &acs_message("d1", Rpc::Download(dl)));
    let env = resp.envelope();
    let Body::Rpc(Rpc::DownloadResponse(r)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(r.status, 1);
    assert!(events(&mut s).iter().all(|e| !e.starts_with("StartTransfer")), "not before the session ends");
    let ev = finish(&mut s, t(3), &mut cpe);
    let start = ev.iter().position(|e| e.starts_with("StartTransfer")).expect("transfer handed over");
    assert!(ev.iter().position(|e| e.contains("SessionEnded")).unwrap() < start);
    let id = s.state().transfers.iter().next().unwrap().id();
    assert_eq!(s.state().transfers.get(id).unwrap().url(), "http://files.example.net/fw.bin?a=1&b=2");
    // The firmware downloads, persists, applies and reboots.
    let img = image(&s, t(4));
    drop(s);
    let (mut s, err) = Session::<MemoryNode>::new(Some(&img), ACS_URL, Config::DEFAULT, t(100));
    assert!(err.is_none());
    assert!(s.transfer_complete(t(100), id, FaultCode::NO_FAULT, "", DateTime::UNKNOWN, DateTime::UNKNOWN));
    let inform = connect(&mut s, t(100), &mut cpe);
    let c = codes(&inform);
    assert!(c.contains(&"1 BOOT".to_string()), "{c:?}");
    assert!(c.contains(&"7 TRANSFER COMPLETE".to_string()), "{c:?}");
    assert!(c.contains(&"M Download/fw-42".to_string()), "{c:?}");
    assert!(!c.iter().any(|c| c.starts_with("0 ")), "{c:?}");
    let tc = reply(&mut s, t(101), &mut cpe, &inform_response(&inform));
    let env = tc.envelope();
    let Body::Rpc(Rpc::TransferComplete(c)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(c.command_key, Text::plain("fw-42"));
    assert_eq!(c.fault_struct.fault_code, FaultCode::NO_FAULT);
    let id = tc.id();
    let post =
        reply(&mut s, t(102), &mut cpe, &acs_message(&id, Rpc::TransferCompleteResponse(TransferCompleteResponse)));
    assert!(post.is_empty_post());
    assert!(s.state().events.is_empty(), "7 and M Download delivered with the TransferCompleteResponse");
    assert_eq!(s.state().transfers.len(), 0);
}

#[test]
fn reboot_with_command_key_is_handed_over_after_the_session_and_informed_as_m_reboot() {
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    reply(&mut s, t(1), &mut cpe, &inform_response(&inform));
    let resp =
        reply(&mut s, t(2), &mut cpe, &acs_message("r1", Rpc::Reboot(Reboot { command_key: Text::plain("rb-7") })));
    assert!(matches!(resp.envelope().body, Body::Rpc(Rpc::RebootResponse(_))));
    assert!(!events(&mut s).contains(&"Reboot".to_string()), "not during the session");
    let ev = finish(&mut s, t(3), &mut cpe);
    let ended = ev.iter().position(|e| e.contains("SessionEnded")).unwrap();
    let reboot = ev.iter().position(|e| e == "Reboot").expect("reboot handed over");
    assert!(ended < reboot, "{ev:?}");
    let img = image(&s, t(3));
    let (mut s, _) = Session::<MemoryNode>::new(Some(&img), ACS_URL, Config::DEFAULT, t(50));
    let inform = connect(&mut s, t(50), &mut cpe);
    assert_eq!(codes(&inform), ["M Reboot/rb-7", "1 BOOT"]);
}

#[test]
fn connection_request_during_a_session_gives_exactly_one_follow_up_session() {
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    s.connection_request(t(0));
    s.connection_request(t(1));
    reply(&mut s, t(1), &mut cpe, &inform_response(&inform));
    s.connection_request(t(1));
    finish(&mut s, t(2), &mut cpe);
    let inform = connect(&mut s, t(3), &mut cpe);
    assert_eq!(codes(&inform), ["6 CONNECTION REQUEST"]);
    reply(&mut s, t(4), &mut cpe, &inform_response(&inform));
    finish(&mut s, t(5), &mut cpe);
    assert_eq!(s.phase(), State::Idle, "no second follow-up");
    assert!(events(&mut s).is_empty());
}

#[test]
fn persist_a_reboot_at_every_step_of_a_bootstrap_session_loses_and_duplicates_no_event() {
    // Steps of one session; after each, the last persisted image is what
    // survives a power cut.
    for cut in 0..=5 {
        let mut st = storage();
        let mut model = st.model();
        load(&mut model, DEVICE_CSV);
        let mut cpe = Cpe::new(model);
        let (mut s, _) = Session::<MemoryNode>::new(None, ACS_URL, Config::DEFAULT, t(0));
        let mut saved = image(&s, t(0));
        let mut acked = false;
        let mut step = 0;
        let save = |s: &mut Session<MemoryNode>, ev: &[String], saved: &mut Vec<u8>| {
            if ev.iter().any(|e| e == "Persist") {
                *saved = image(s, t(0));
            }
        };
        let ev = events(&mut s);
        save(&mut s, &ev, &mut saved);
        s.handle_connected(t(0));
        let inform = parse_request(&transmit(&mut s, t(0), &mut cpe, 2048));
        'session: {
            for _ in 0..1 {
                if step == cut {
                    break 'session;
                }
                step += 1;
                s.handle_input(t(1), &inform_response(&inform)[..40]);
                if step == cut {
                    break 'session;
                }
                step += 1;
                s.handle_input(t(1), &inform_response(&inform)[40..]);
                if step == cut {
                    break 'session;
                }
                step += 1;
                transmit(&mut s, t(1), &mut cpe, 2048);
                acked = true;
                let ev = events(&mut s);
                save(&mut s, &ev, &mut saved);
                if step == cut {
                    break 'session;
                }
                step += 1;
                s.handle_input(t(2), NO_CONTENT);
                transmit(&mut s, t(2), &mut cpe, 2048);
                let ev = events(&mut s);
                save(&mut s, &ev, &mut saved);
            }
        }
        // Power cut: restart from the image.
        let (mut s, err) = Session::<MemoryNode>::new(Some(&saved), ACS_URL, Config::DEFAULT, t(60));
        assert!(err.is_none());
        let inform = connect(&mut s, t(60), &mut cpe);
        let c = codes(&inform);
        let expected: &[&str] = if acked { &["1 BOOT"] } else { &["0 BOOTSTRAP", "1 BOOT"] };
        assert_eq!(c, expected, "cut after step {cut}");
    }
}

#[test]
fn persist_a_corrupt_image_bootstraps_and_reports_why() {
    let (mut s, err) = Session::<MemoryNode>::new(Some(b"CWPS\x01garbage"), ACS_URL, Config::DEFAULT, t(0));
    assert!(err.is_some());
    let mut st = storage();
    let mut model = st.model();
    load(&mut model, DEVICE_CSV);
    let mut cpe = Cpe::new(model);
    let inform = connect(&mut s, t(0), &mut cpe);
    assert_eq!(codes(&inform), ["0 BOOTSTRAP", "1 BOOT"]);
}

#[test]
fn gpa_spa_add_delete_run_through_the_engine() {
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    reply(&mut s, t(1), &mut cpe, &inform_response(&inform));

    let spa = [SetParameterAttributesStruct {
        name: Text::plain("Device.IP.Interface.1.Enable"),
        notification_change: true,
        notification: 2,
        access_list_change: false,
        access_list: List::Slice(&[]),
    }];
    let r = reply(
        &mut s,
        t(2),
        &mut cpe,
        &acs_message("a1", Rpc::SetParameterAttributes(SetParameterAttributes { parameter_list: List::from(&spa) })),
    );
    assert!(matches!(r.envelope().body, Body::Rpc(Rpc::SetParameterAttributesResponse(_))), "{:?}", r.envelope().body);

    let names = [Text::plain("Device.IP.Interface.1.Enable")];
    let r = reply(
        &mut s,
        t(3),
        &mut cpe,
        &acs_message("a2", Rpc::GetParameterAttributes(GetParameterAttributes { parameter_names: List::from(&names) })),
    );
    let env = r.envelope();
    let Body::Rpc(Rpc::GetParameterAttributesResponse(g)) = env.body else { panic!("{:?}", env.body) };
    let got: Vec<(String, i32)> = g.parameter_list.iter().map(|a| (a.name.to_string(), a.notification)).collect();
    assert_eq!(got, [("Device.IP.Interface.1.Enable".to_string(), 2)]);

    let add = AddObject { object_name: Text::plain("Device.IP.Interface."), parameter_key: Text::plain("k-add") };
    let r = reply(&mut s, t(4), &mut cpe, &acs_message("a3", Rpc::AddObject(add)));
    let env = r.envelope();
    let Body::Rpc(Rpc::AddObjectResponse(a)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(a.instance_number, 2);
    assert_eq!(s.state().parameter_key.as_str(), "k-add");

    let del = DeleteObject { object_name: Text::plain("Device.IP.Interface.2."), parameter_key: Text::plain("k-del") };
    let r = reply(&mut s, t(5), &mut cpe, &acs_message("a4", Rpc::DeleteObject(del)));
    assert!(matches!(r.envelope().body, Body::Rpc(Rpc::DeleteObjectResponse(_))), "{:?}", r.envelope().body);

    let del = DeleteObject { object_name: Text::plain("Device.IP.Interface.9."), parameter_key: Text::plain("") };
    let r = reply(&mut s, t(6), &mut cpe, &acs_message("a5", Rpc::DeleteObject(del)));
    let env = r.envelope();
    let Body::Fault(f) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(f.detail.fault_code.code(), 9005);
    assert_eq!(r.id(), "a5");
}

fn raw_acs(body: &str) -> Vec<u8> {
    let mut http =
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    http.extend_from_slice(body.as_bytes());
    http
}

#[test]
fn malformed_arguments_answer_9003_and_unknown_must_understand_header_answers_the_soap_fault() {
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    reply(&mut s, t(1), &mut cpe, &inform_response(&inform));
    let bad = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><s:Header><cwmp:ID s:mustUnderstand="1">m1</cwmp:ID></s:Header><s:Body><cwmp:ScheduleInform><DelaySeconds>soon</DelaySeconds><CommandKey>x</CommandKey></cwmp:ScheduleInform></s:Body></s:Envelope>"#;
    let r = reply(&mut s, t(2), &mut cpe, &raw_acs(bad));
    assert_eq!(r.id(), "m1");
    let env = r.envelope();
    let Body::Fault(f) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(f.detail.fault_code.code(), 9003);

    let mu = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2" xmlns:x="urn:example"><s:Header><cwmp:ID s:mustUnderstand="1">m2</cwmp:ID><x:Billing s:mustUnderstand="1">9</x:Billing></s:Header><s:Body><cwmp:GetRPCMethods/></s:Body></s:Envelope>"#;
    s.handle_input(t(3), &raw_acs(mu));
    let wire = transmit(&mut s, t(3), &mut cpe, 2048);
    let r = parse_request(&wire);
    let text = String::from_utf8_lossy(&r.body).into_owned();
    assert!(text.contains("<faultcode>SOAP-ENV:MustUnderstand</faultcode>"), "{text}");
    assert!(text.contains(">m2</cwmp:ID>"), "{text}");
}

#[test]
fn a_whole_session_makes_zero_heap_allocations() {
    let mut st = storage();
    let mut model = st.model();
    load(&mut model, DEVICE_CSV);
    let mut cpe = Cpe::new(model);
    // Everything the ACS sends, prepared up front.
    let ir = b"HTTP/1.1 200 OK\r\nContent-Length: 297\r\n\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\"><s:Header><cwmp:ID s:mustUnderstand=\"1\">1</cwmp:ID></s:Header><s:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes></cwmp:InformResponse></s:Body></s:Envelope>";
    let names = [Text::plain("Device.")];
    let gpv = acs_message(
        "g",
        Rpc::GetParameterValues(cwmp_soap::rpc::GetParameterValues { parameter_names: List::from(&names) }),
    );
    let mut sink = [0u8; 512];
    let mut random = [0u8; 16];
    let (_, stats) = cwmp_testkit::alloc::measure(|| {
        let (mut s, _) = Session::<MemoryNode>::new(None, ACS_URL, Config::DEFAULT, t(0));
        while s.poll_event().is_some() {}
        s.handle_connected(t(0));
        let mut step = |s: &mut Session<MemoryNode>, cpe: &mut Cpe<'_>, input: Option<&[u8]>, now: Instant| {
            if let Some(i) = input {
                s.handle_input(now, i);
            }
            random[0] = random[0].wrapping_add(1);
            let mut big = [0u8; 2048];
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
            loop {
                let buf: &mut [u8] = if input.is_none() { &mut big } else { &mut sink };
                match s.poll_transmit(now, buf, &mut cx) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{e:?}"),
                }
            }
            while s.poll_event().is_some() {}
        };
        step(&mut s, &mut cpe, None, t(0));
        step(&mut s, &mut cpe, Some(ir), t(1));
        step(&mut s, &mut cpe, Some(&gpv), t(2));
        step(&mut s, &mut cpe, Some(NO_CONTENT), t(3));
        s.handle_closed(t(3));
        s.phase()
    });
    assert_eq!(stats.allocations, 0, "{stats:?}");
}

#[test]
fn schedule_download_is_queued_listed_by_get_all_queued_transfers_and_cancelled() {
    use cwmp_soap::rpc::{CancelTransfer, GetAllQueuedTransfers, ScheduleDownload};
    use cwmp_soap::structs::TimeWindowStruct;
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    reply(&mut s, t(1), &mut cpe, &inform_response(&inform));
    let windows = [TimeWindowStruct {
        window_start: 3600,
        window_end: 7200,
        window_mode: Text::plain("1 At Any Time"),
        user_message: Text::plain(""),
        max_retries: 0,
    }];
    let sd = ScheduleDownload {
        command_key: Text::plain("sd-1"),
        file_type: Text::plain("1 Firmware Upgrade Image"),
        url: Text::plain("http://files.example.net/fw"),
        username: Text::plain(""),
        password: Text::plain(""),
        file_size: 10,
        target_file_name: Text::plain(""),
        time_window_list: List::from(&windows),
    };
    let r = reply(&mut s, t(2), &mut cpe, &acs_message("sd", Rpc::ScheduleDownload(sd)));
    assert!(matches!(r.envelope().body, Body::Rpc(Rpc::ScheduleDownloadResponse(_))), "{:?}", r.envelope().body);
    let r = reply(&mut s, t(3), &mut cpe, &acs_message("q", Rpc::GetAllQueuedTransfers(GetAllQueuedTransfers)));
    let env = r.envelope();
    let Body::Rpc(Rpc::GetAllQueuedTransfersResponse(q)) = env.body else { panic!("{:?}", env.body) };
    let list: Vec<(String, i32, bool)> =
        q.transfer_list.iter().map(|t| (t.command_key.to_string(), t.state, t.is_download)).collect();
    assert_eq!(list, [("sd-1".to_string(), 1, true)]);
    let r = reply(
        &mut s,
        t(4),
        &mut cpe,
        &acs_message("c", Rpc::CancelTransfer(CancelTransfer { command_key: Text::plain("sd-1") })),
    );
    assert!(matches!(r.envelope().body, Body::Rpc(Rpc::CancelTransferResponse(_))));
    let r = reply(
        &mut s,
        t(5),
        &mut cpe,
        &acs_message("c2", Rpc::CancelTransfer(CancelTransfer { command_key: Text::plain("sd-1") })),
    );
    let env = r.envelope();
    let Body::Fault(f) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(f.detail.fault_code.code(), 9003, "nothing left with that CommandKey");
}

#[test]
fn schedule_inform_sets_the_deadline_and_informs_scheduled_with_its_command_key() {
    use cwmp_soap::rpc::ScheduleInform;
    started!(st, cpe, s);
    let inform = connect(&mut s, t(0), &mut cpe);
    reply(&mut s, t(1), &mut cpe, &inform_response(&inform));
    let si = ScheduleInform { delay_seconds: 120, command_key: Text::plain("si-9") };
    let r = reply(&mut s, t(2), &mut cpe, &acs_message("si", Rpc::ScheduleInform(si)));
    assert!(matches!(r.envelope().body, Body::Rpc(Rpc::ScheduleInformResponse(_))));
    finish(&mut s, t(3), &mut cpe);
    assert_eq!(s.poll_timeout(), Some(t(122)));
    s.handle_timeout(t(122));
    let inform = connect(&mut s, t(122), &mut cpe);
    let mut c = codes(&inform);
    c.sort(); // the order of events in an Inform carries no meaning
    assert_eq!(c, ["3 SCHEDULED", "M ScheduleInform/si-9"]);
}

/// One step of a scripted session; true when it processed the
/// TransferCompleteResponse.
type Step = Box<dyn FnMut(&mut Session<MemoryNode>, &mut Cpe<'_>) -> bool>;

#[test]
fn persist_a_reboot_at_every_step_of_a_transfer_complete_session_loses_and_duplicates_no_event() {
    // The state before: a completed download owed to the ACS.
    let (s0, _) = Session::<MemoryNode>::new(None, ACS_URL, Config::DEFAULT, t(0));
    let mut state = s0.state().clone();
    state.bootstrapped = true;
    state.events = Default::default();
    let args = cwmp_session::cpe::transfer::TransferArgs {
        command_key: "fw-1",
        file_type: "1 Firmware Upgrade Image",
        url: "http://f.example.net/fw",
        username: "",
        password: "",
        file_size: 0,
        target_file_name: "",
    };
    let id = state.transfers.download(t(0), &args, 0).unwrap();
    state.transfers.poll_start(t(0));
    state
        .transfers
        .complete(id, FaultCode::NO_FAULT, "", DateTime::UNKNOWN, DateTime::UNKNOWN, &mut state.events)
        .unwrap();
    let mut img = vec![0u8; 4096];
    let n = state.encode(t(0), &mut img).unwrap();
    img.truncate(n);

    for cut in 0..=6 {
        let mut st = storage();
        let mut model = st.model();
        load(&mut model, DEVICE_CSV);
        let mut cpe = Cpe::new(model);
        let (mut s, _) = Session::<MemoryNode>::new(Some(&img), ACS_URL, Config::DEFAULT, t(10));
        let mut saved = img.clone();
        let save = |s: &mut Session<MemoryNode>, saved: &mut Vec<u8>| {
            if events(s).iter().any(|e| e == "Persist") {
                *saved = image(s, t(10));
            }
        };
        save(&mut s, &mut saved);
        s.handle_connected(t(10));
        let inform = parse_request(&transmit(&mut s, t(10), &mut cpe, 2048));
        assert_eq!(codes(&inform), ["7 TRANSFER COMPLETE", "M Download/fw-1", "1 BOOT"]);
        let mut tc_acked = false;
        let mut steps: Vec<Step> = Vec::new();
        let ir = inform_response(&inform);
        steps.push(Box::new(move |s, cpe| {
            let tc = reply(s, t(11), cpe, &ir);
            assert!(matches!(tc.envelope().body, Body::Rpc(Rpc::TransferComplete(_))));
            false
        }));
        steps.push(Box::new(|s, cpe| {
            let tcr = acs_message("2", Rpc::TransferCompleteResponse(TransferCompleteResponse));
            s.handle_input(t(12), &tcr[..30]);
            let _ = cpe;
            false
        }));
        steps.push(Box::new(|s, cpe| {
            let tcr = acs_message("2", Rpc::TransferCompleteResponse(TransferCompleteResponse));
            s.handle_input(t(12), &tcr[30..]);
            assert!(parse_request(&transmit(s, t(12), cpe, 2048)).is_empty_post());
            true
        }));
        steps.push(Box::new(|s, cpe| {
            finish(s, t(13), cpe);
            false
        }));
        for (i, step) in steps.iter_mut().enumerate() {
            if i == cut {
                break;
            }
            if step(&mut s, &mut cpe) {
                tc_acked = true;
            }
            save(&mut s, &mut saved);
        }
        drop(steps);
        // Power cut, restart from the last image.
        let (mut s, err) = Session::<MemoryNode>::new(Some(&saved), ACS_URL, Config::DEFAULT, t(100));
        assert!(err.is_none());
        let inform = connect(&mut s, t(100), &mut cpe);
        let c = codes(&inform);
        if tc_acked {
            assert_eq!(c, ["1 BOOT"], "cut {cut}: delivered events are gone");
            let post = reply(&mut s, t(101), &mut cpe, &inform_response(&inform));
            assert!(post.is_empty_post(), "cut {cut}: no TransferComplete twice");
        } else {
            assert_eq!(c, ["7 TRANSFER COMPLETE", "M Download/fw-1", "1 BOOT"], "cut {cut}");
            let tc = reply(&mut s, t(101), &mut cpe, &inform_response(&inform));
            assert!(matches!(tc.envelope().body, Body::Rpc(Rpc::TransferComplete(_))), "cut {cut}");
        }
    }
}

#[test]
fn request_download_and_get_rpc_methods_are_sent_only_when_queued_and_settled_by_their_responses() {
    use cwmp_soap::rpc::{GetRpcMethodsResponse, RequestDownloadResponse};
    started!(st, cpe, s);
    // Nothing queued: straight to the empty POST (covered elsewhere); now queue both.
    assert!(s.request_download(t(0), "1 Firmware Upgrade Image", &[("Version", "2.1")]));
    assert!(!s.request_download(t(0), "1 Firmware Upgrade Image", &[]), "one at a time");
    s.get_rpc_methods(t(0));
    let inform = connect(&mut s, t(0), &mut cpe);
    assert!(codes(&inform).contains(&"9 REQUEST DOWNLOAD".to_string()));
    let rd = reply(&mut s, t(1), &mut cpe, &inform_response(&inform));
    let env = rd.envelope();
    let Body::Rpc(Rpc::RequestDownload(r)) = env.body else { panic!("{:?}", env.body) };
    assert_eq!(r.file_type, Text::plain("1 Firmware Upgrade Image"));
    let args: Vec<(String, String)> =
        r.file_type_arg.iter().map(|a| (a.name.to_string(), a.value.to_string())).collect();
    assert_eq!(args, [("Version".to_string(), "2.1".to_string())]);
    let id = rd.id();
    let gm = reply(&mut s, t(2), &mut cpe, &acs_message(&id, Rpc::RequestDownloadResponse(RequestDownloadResponse)));
    assert!(!s.state().events.iter().any(|e| e.code_str() == "9 REQUEST DOWNLOAD"), "delivered by its response");
    assert!(matches!(gm.envelope().body, Body::Rpc(Rpc::GetRpcMethods(_))), "{:?}", gm.envelope().body);
    let id = gm.id();
    let methods = [Text::plain("Inform")];
    let post = reply(
        &mut s,
        t(3),
        &mut cpe,
        &acs_message(&id, Rpc::GetRpcMethodsResponse(GetRpcMethodsResponse { method_list: List::from(&methods) })),
    );
    assert!(post.is_empty_post());
    finish(&mut s, t(4), &mut cpe);
    // The next session sends neither again.
    s.connection_request(t(10));
    let inform = connect(&mut s, t(10), &mut cpe);
    assert!(reply(&mut s, t(11), &mut cpe, &inform_response(&inform)).is_empty_post());
}
