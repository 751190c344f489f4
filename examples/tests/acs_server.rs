//! The `acs` binary over real TCP on loopback: a scripted CPE (real
//! genieacs-sim Inform from the corpus, responses built from the ACS's
//! requests) connects, a task queued through the JSON API (and one from
//! the command line) runs in its next session, its result lands in the
//! store, and a restarted `acs` on the same database still has it all.
//! Every wait is bounded; the server is killed on drop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use cwmp_core::Instant;
use cwmp_examples::{Framing, soap_body};
use cwmp_session::auth::{ClientAuth, ClientPolicy, Credentials};
use cwmp_session::cr::SessionTrigger;
use cwmp_session::cr::http::{Listener, ListenerConfig, Outcome};
use cwmp_session::http::head::Method as HttpMethod;
use cwmp_session::http::write::HeadWriter;
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(20);
const DEVICE: &str = "202BC1-BM632w-000000";

/// A running `acs`, killed when dropped; its log lines arrive on `log`.
struct Server {
    child: Child,
    cpe: SocketAddr,
    api: SocketAddr,
    log: mpsc::Receiver<String>,
}

impl Server {
    fn start(db: &Path) -> Server {
        Server::start_with(db, &[])
    }

    fn start_with(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_acs"))
            .args(["--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start acs");
        let out = child.stdout.take().expect("stdout");
        let (tx, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = log.recv_timeout(TIMEOUT).expect("acs prints its addresses");
        // "acs: CPEs on A, API on B, database D"
        let addr = |tag: &str| -> SocketAddr {
            let rest = &first[first.find(tag).unwrap_or_else(|| panic!("{first}")) + tag.len()..];
            rest.split(',').next().unwrap().trim().parse().unwrap_or_else(|e| panic!("{first}: {e}"))
        };
        Server { cpe: addr("CPEs on "), api: addr("API on "), child, log }
    }

    /// The log lines so far.
    fn drain_log(&self) -> Vec<String> {
        self.log.try_iter().collect()
    }

    /// Waits (bounded) for a log line containing `needle`.
    fn wait_log(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.log.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(_) => {}
                Err(e) => panic!("no log line with {needle:?}: {e}"),
            }
        }
    }

    /// One API call: (status, JSON body).
    fn api(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let mut s = TcpStream::connect(self.api).expect("connect api");
        s.set_read_timeout(Some(TIMEOUT)).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: acs\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("api reply");
        let text = String::from_utf8(raw).expect("utf-8 reply");
        let status = text[9..12].parse().expect("status");
        let body = &text[text.find("\r\n\r\n").expect("head end") + 4..];
        (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}")))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scripted CPE on one keep-alive connection.
struct Cpe {
    stream: TcpStream,
    cookie: Option<String>,
    /// Extra header lines (`Name: value\r\n` each) for every request.
    extra: String,
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Cpe {
    fn connect(addr: SocketAddr) -> Cpe {
        let stream = TcpStream::connect(addr).expect("connect cpe port");
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        Cpe { stream, cookie: None, extra: String::new() }
    }

    fn post(&mut self, body: &[u8]) -> Answer {
        let cookie = self.cookie.as_ref().map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
        let head = format!(
            "POST / HTTP/1.1\r\nHost: acs\r\nContent-Type: text/xml; charset=\"utf-8\"\r\n{cookie}{}Content-Length: {}\r\n\r\n",
            self.extra,
            body.len()
        );
        self.stream.write_all(head.as_bytes()).unwrap();
        self.stream.write_all(body).unwrap();
        // Read the head, then Content-Length bytes.
        let mut raw = Vec::new();
        let mut byte = [0u8; 1];
        while !raw.ends_with(b"\r\n\r\n") {
            assert!(raw.len() < 16 * 1024, "reply head too long");
            self.stream.read_exact(&mut byte).expect("reply head");
            raw.push(byte[0]);
        }
        let head = String::from_utf8(raw).unwrap();
        let status = head[9..12].parse().unwrap();
        let mut len = 0;
        let mut headers = Vec::new();
        for line in head.lines().skip(1) {
            if let Some((n, v)) = line.split_once(':') {
                headers.push((n.to_ascii_lowercase(), v.trim().to_owned()));
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
            if let Some(v) = line.strip_prefix("set-cookie:").or(line.strip_prefix("Set-Cookie:")) {
                self.cookie = Some(v.split(';').next().unwrap().trim().to_owned());
            }
        }
        let mut body = vec![0; len];
        self.stream.read_exact(&mut body).expect("reply body");
        Answer { status, headers, body: String::from_utf8(body).unwrap() }
    }
}

fn corpus_inform() -> Vec<u8> {
    let raw = cwmp_testkit::corpus::read("messages/simulator/genieacs-sim-session-1/001-cpe.http");
    soap_body(&raw, Framing::Dump).expect("corpus Inform").body.into_owned()
}

/// The text between `<tag>` and `</tag>` (first one at or after `from`), for the scripted CPE.
fn between<'a>(xml: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        let Some(gt) = after.find('>') else { break };
        let body = &after[gt + 1..];
        let Some(end) = body.find(close) else { break };
        out.push(&body[..end]);
        rest = &body[end..];
    }
    out
}

/// The CPE's answer to a GetParameterValues: each name with a value derived from it.
fn gpv_response(id: &str, names: &[&str]) -> String {
    let params: String = names
        .iter()
        .map(|n| format!("<ParameterValueStruct><Name>{n}</Name><Value xsi:type=\"xsd:string\">value of {n}</Value></ParameterValueStruct>"))
        .collect();
    format!(
        r#"<soap-env:Envelope xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">{id}</cwmp:ID></soap-env:Header><soap-env:Body><cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[{}]">{params}</ParameterList></cwmp:GetParameterValuesResponse></soap-env:Body></soap-env:Envelope>"#,
        names.len()
    )
}

/// The scripted CPE's tree: (path asked, its next level).
const TREE: &[(&str, &[&str])] = &[
    ("", &["InternetGatewayDevice."]),
    ("InternetGatewayDevice.", &["InternetGatewayDevice.DeviceInfo.", "InternetGatewayDevice.ManagementServer."]),
    (
        "InternetGatewayDevice.DeviceInfo.",
        &[
            "InternetGatewayDevice.DeviceInfo.SoftwareVersion",
            "InternetGatewayDevice.DeviceInfo.UpTime",
            "InternetGatewayDevice.DeviceInfo.Description",
        ],
    ),
    (
        "InternetGatewayDevice.ManagementServer.",
        &["InternetGatewayDevice.ManagementServer.URL", "InternetGatewayDevice.ManagementServer.ConnectionRequestURL"],
    ),
];

/// The CPE's answer to GetParameterNames(`path`, NextLevel) from [`TREE`].
fn gpn_response(id: &str, path: &str) -> String {
    let names = TREE.iter().find(|(p, _)| *p == path).map_or(&[][..], |(_, n)| n);
    let list: String = names
        .iter()
        .map(|n| format!("<ParameterInfoStruct><Name>{n}</Name><Writable>false</Writable></ParameterInfoStruct>"))
        .collect();
    format!(
        r#"<soap-env:Envelope xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">{id}</cwmp:ID></soap-env:Header><soap-env:Body><cwmp:GetParameterNamesResponse><ParameterList soap-enc:arrayType="cwmp:ParameterInfoStruct[{}]">{list}</ParameterList></cwmp:GetParameterNamesResponse></soap-env:Body></soap-env:Envelope>"#,
        names.len()
    )
}

/// Runs one CPE session: Inform, empty POST, then answers every request
/// the ACS sends (GPN from [`TREE`], GPV with values, anything else with
/// fault 9000) until 204. Returns what the ACS sent: `GetParameterNames
/// "path"`, `GetParameterValues <count>`, or the whole body of anything else.
fn session(server: &Server) -> Vec<String> {
    session_with(server, &corpus_inform())
}

/// [`session`] with another Inform.
fn session_with(server: &Server, inform: &[u8]) -> Vec<String> {
    let mut cpe = Cpe::connect(server.cpe);
    let a = cpe.post(inform);
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains("InformResponse"), "{}", a.body);
    assert!(cpe.cookie.as_deref().is_some_and(|c| c.starts_with("cwmpsid=")), "session cookie set");
    let mut sent = Vec::new();
    let mut a = cpe.post(b"");
    for _ in 0..16 {
        if a.status == 204 {
            return sent;
        }
        assert_eq!(a.status, 200, "{}", a.body);
        let id = between(&a.body, "<cwmp:ID", "</cwmp:ID>").first().copied().expect("request has an ID").to_owned();
        let reply = if a.body.contains("<cwmp:GetParameterValues>") {
            let names = between(&a.body, "<string", "</string>");
            sent.push(format!("GetParameterValues {}", names.len()));
            gpv_response(&id, &names)
        } else if a.body.contains("<cwmp:GetParameterNames>") {
            let path = between(&a.body, "<ParameterPath", "</ParameterPath>").concat();
            assert!(a.body.contains("<NextLevel>1</NextLevel>") || a.body.contains("<NextLevel>true</NextLevel>"));
            sent.push(format!("GetParameterNames {path:?}"));
            gpn_response(&id, &path)
        } else {
            sent.push(a.body.clone());
            format!(
                r#"<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">{id}</cwmp:ID></soap-env:Header><soap-env:Body><soap-env:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>9000</FaultCode><FaultString>Method not supported</FaultString></cwmp:Fault></detail></soap-env:Fault></soap-env:Body></soap-env:Envelope>"#
            )
        };
        a = cpe.post(reply.as_bytes());
    }
    panic!("session did not end within 16 exchanges; sent {sent:?}")
}

fn temp_db() -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("acs-test-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("acs.db")
}

#[test]
fn queued_gpv_runs_in_the_next_session_and_its_result_survives_a_restart() {
    let db = temp_db();
    // Names the Inform does not carry (a later Inform overwrites what it reports).
    let names = ["InternetGatewayDevice.DeviceInfo.Description", "InternetGatewayDevice.DeviceInfo.UpTime"];
    {
        let server = Server::start(&db);
        // First contact, nothing queued: the tree is walked level by level,
        // then the summary parameters found are read by their full names.
        assert_eq!(
            session(&server),
            [
                r#"GetParameterNames """#,
                r#"GetParameterNames "InternetGatewayDevice.""#,
                r#"GetParameterNames "InternetGatewayDevice.DeviceInfo.""#,
                r#"GetParameterNames "InternetGatewayDevice.ManagementServer.""#,
                "GetParameterValues 3",
            ]
        );
        server.wait_log("completed, 5 RPC(s) done");
        let (status, devices) = server.api("GET", "/devices", "");
        assert_eq!(status, 200);
        assert_eq!(devices[0]["id"], DEVICE, "{devices}");
        let (_, dev) = server.api("GET", &format!("/devices/{DEVICE}"), "");
        assert!(dev["parameters"]["InternetGatewayDevice.DeviceInfo.HardwareVersion"]["value"].is_string(), "{dev}");
        assert_eq!(dev["discovered"], true, "{dev}");
        assert_eq!(dev["namesDiscovered"], 8, "{dev}");
        let uptime = "InternetGatewayDevice.DeviceInfo.UpTime";
        assert_eq!(dev["parameters"][uptime]["value"], format!("value of {uptime}"), "{dev}");

        // Bad input is refused with the reason.
        let (status, err) =
            server.api("POST", &format!("/devices/{DEVICE}/tasks"), r#"{"method":"GetParameterValues"}"#);
        assert_eq!(status, 400);
        assert!(err["error"].as_str().unwrap().contains("parameterNames"), "{err}");
        let (status, _) = server.api("POST", "/devices/nobody/tasks", r#"{"method":"Reboot"}"#);
        assert_eq!(status, 404);
        let (status, _) = server.api("POST", &format!("/devices/{DEVICE}/tasks"), "{not json");
        assert_eq!(status, 400);

        // Queue a GPV; the next session sends it and stores the values.
        let task = serde_json::json!({"method": "GetParameterValues", "parameterNames": names}).to_string();
        let (status, queued) = server.api("POST", &format!("/devices/{DEVICE}/tasks"), &task);
        assert_eq!(status, 201, "{queued}");
        let _ = server.drain_log();
        assert_eq!(session(&server), ["GetParameterValues 2"]);
        server.wait_log("GetParameterValues (ID 1): Response");
        server.wait_log("completed, 1 RPC(s) done");
        let (_, dev) = server.api("GET", &format!("/devices/{DEVICE}"), "");
        assert_eq!(dev["tasks"][0]["state"], "done", "{dev}");
        for n in names {
            assert_eq!(dev["parameters"][n]["value"], format!("value of {n}"), "{dev}");
        }
        // Nothing more queued: the next session sends nothing.
        assert!(session(&server).is_empty());
    }
    // Restart on the same database: the device and results are there.
    let server = Server::start(&db);
    let (status, dev) = server.api("GET", &format!("/devices/{DEVICE}"), "");
    assert_eq!(status, 200);
    assert_eq!(dev["tasks"][0]["state"], "done", "{dev}");
    assert_eq!(dev["tasks"][0]["result"]["values"], 2, "{dev}");
    for n in names {
        assert_eq!(dev["parameters"][n]["value"], format!("value of {n}"), "{dev}");
    }
    assert!(dev["sessions"].as_array().is_some_and(|s| s.len() >= 3), "{dev}");
    drop(server);

    // A task queued from the command line runs in the next session too.
    let out = Command::new(env!("CARGO_BIN_EXE_acs"))
        .arg("--db")
        .arg(&db)
        .args(["task", DEVICE, r#"{"method":"Reboot","commandKey":"cli"}"#])
        .output()
        .expect("acs task");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let server = Server::start(&db);
    // Every other task type through the API: each is sent, in order, in
    // the same session (the scripted CPE answers GetParameterNames and
    // faults the others with 9000).
    let others = [
        r#"{"method":"SetParameterValues","parameterValues":[["InternetGatewayDevice.ManagementServer.PeriodicInformInterval","300","unsignedInt"]],"parameterKey":"k1"}"#,
        r#"{"method":"GetParameterNames","parameterPath":"InternetGatewayDevice.","nextLevel":true}"#,
        r#"{"method":"GetParameterAttributes","parameterNames":["InternetGatewayDevice.DeviceInfo.UpTime"]}"#,
        r#"{"method":"SetParameterAttributes","parameterAttributes":[{"name":"InternetGatewayDevice.DeviceInfo.UpTime","notification":2,"accessList":[]}]}"#,
        r#"{"method":"AddObject","objectName":"InternetGatewayDevice.LANDevice."}"#,
        r#"{"method":"DeleteObject","objectName":"InternetGatewayDevice.LANDevice.2."}"#,
        r#"{"method":"Download","fileType":"1 Firmware Upgrade Image","url":"http://192.0.2.9/fw.bin","fileSize":1024}"#,
        r#"{"method":"Upload","fileType":"1 Vendor Configuration File","url":"http://192.0.2.9/up"}"#,
        r#"{"method":"ScheduleInform","delaySeconds":60}"#,
        r#"{"method":"FactoryReset"}"#,
    ];
    for t in others {
        let (status, r) = server.api("POST", &format!("/devices/{DEVICE}/tasks"), t);
        assert_eq!(status, 201, "{r}");
    }
    let sent = session(&server);
    assert_eq!(sent.len(), 1 + others.len(), "{sent:?}\n{:#?}", server.drain_log());
    assert!(sent[0].contains(":Reboot><CommandKey>cli</CommandKey>"), "{sent:?}");
    for (body, t) in sent[1..].iter().zip(others) {
        let method: Value = serde_json::from_str(t).unwrap();
        let method = method["method"].as_str().unwrap();
        assert!(body.contains(&format!(":{method}>")) || body.starts_with(method), "{method} not sent: {body}");
    }
    let (_, dev) = server.api("GET", &format!("/devices/{DEVICE}"), "");
    for (i, t) in (1..).zip(std::iter::once("Reboot").chain(others)) {
        if t.contains("GetParameterNames") {
            assert_eq!(dev["tasks"][i]["state"], "done", "{dev}");
            assert_eq!(dev["tasks"][i]["result"]["names"].as_array().map(Vec::len), Some(2), "{dev}");
        } else {
            assert_eq!(dev["tasks"][i]["state"], "fault", "{dev}");
            assert_eq!(dev["tasks"][i]["result"]["fault"], 9000, "{dev}");
        }
    }
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

/// A CPE's connection-request listener (cwmp-session's, Digest) on a
/// loopback port, serving connections one after the other on a thread;
/// each listener outcome is sent on the channel.
fn cr_listener(
    path: &'static str,
    user: &'static str,
    password: &'static str,
) -> (SocketAddr, mpsc::Receiver<Outcome>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let cfg = ListenerConfig::new(path, user, password);
        let mut cr = Listener::<4>::new();
        let mut trigger = SessionTrigger::new();
        let mut rand = 0u8;
        for conn in listener.incoming().take(8) {
            let Ok(mut conn) = conn else { return };
            conn.set_read_timeout(Some(TIMEOUT)).unwrap();
            let mut buf = Vec::new();
            loop {
                let mut chunk = [0u8; 2048];
                let Ok(n) = conn.read(&mut chunk) else { break };
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                rand = rand.wrapping_add(1);
                let mut out = [0u8; 1024];
                let h = cr.handle(&cfg, &mut trigger, Instant::from_secs(1), &[rand; 16], &buf, &mut out).unwrap();
                if h.outcome == Outcome::Partial {
                    continue;
                }
                conn.write_all(&out[..h.response_len]).unwrap();
                if h.outcome == Outcome::Accepted {
                    trigger.on_response_sent();
                }
                let _ = tx.send(h.outcome);
                buf.drain(..h.consumed);
                if h.close {
                    break;
                }
            }
        }
    });
    (addr, rx)
}

#[test]
fn connection_request_through_the_api_reaches_the_device_with_digest() {
    let db = temp_db();
    let server = Server::start(&db);
    let (addr, outcomes) = cr_listener("/cr-7f", "cr-user", "cr-pass");
    // The device reports our listener as its ConnectionRequestURL.
    let inform = String::from_utf8(corpus_inform()).unwrap();
    assert!(inform.contains("http://127.0.0.1:40565/"));
    let inform = inform.replace("http://127.0.0.1:40565/", &format!("http://{addr}/cr-7f"));
    // First contact runs the discovery, whose scripted values overwrite
    // the URL; the next Inform reports it again (what a real CPE does).
    session_with(&server, inform.as_bytes());
    assert!(session_with(&server, inform.as_bytes()).is_empty());
    let path = format!("/devices/{DEVICE}/connection-request");

    let (status, r) = server.api("POST", &path, r#"{"username":"cr-user","password":"cr-pass"}"#);
    assert_eq!((status, &r["result"]), (200, &Value::from("accepted")), "{r}");
    assert_eq!(outcomes.recv_timeout(TIMEOUT).unwrap(), Outcome::Challenged);
    assert_eq!(outcomes.recv_timeout(TIMEOUT).unwrap(), Outcome::Accepted);

    let (status, r) = server.api("POST", &path, r#"{"username":"cr-user","password":"wrong"}"#);
    assert_eq!(status, 502, "{r}");
    assert!(r["error"].as_str().unwrap().contains("refused our credentials"), "{r}");

    let (status, r) = server.api("POST", &path, r#"{"username": 5}"#);
    assert_eq!(status, 400, "{r}");
    let (status, _) = server.api("POST", "/devices/nobody/connection-request", "");
    assert_eq!(status, 404);
    drop(server);
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

/// Sends raw bytes on a new connection; the status of the answer (0 when
/// the server closed without one).
fn raw_status(addr: SocketAddr, bytes: &[u8]) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    s.write_all(bytes).unwrap();
    let mut head = [0u8; 12];
    match s.read_exact(&mut head) {
        Ok(()) => std::str::from_utf8(&head[9..12]).unwrap().parse().unwrap(),
        Err(_) => 0,
    }
}

#[test]
fn hostile_cpe_input_neither_stops_the_server_nor_reaches_the_store() {
    let db = temp_db();
    let server = Server::start(&db);
    let inform = corpus_inform();
    // Not an envelope, a truncated Inform, a response before any Inform,
    // bytes that are not UTF-8: each refused (an HTTP error, or a SOAP
    // fault from the engine), none stored.
    for body in [
        &b"not xml at all"[..],
        &inform[..inform.len() / 2],
        gpv_response("1", &["Device.X"]).as_bytes(),
        &[0xff, 0xfe, 0x00, b'<'][..],
    ] {
        let mut cpe = Cpe::connect(server.cpe);
        let a = cpe.post(body);
        let refused = a.status >= 400 || (a.status == 200 && a.body.contains("Fault>"));
        assert!(refused, "{} {} for {:?}", a.status, a.body, String::from_utf8_lossy(body));
    }
    assert_eq!(raw_status(server.cpe, b"GET / HTTP/1.1\r\nHost: acs\r\n\r\n"), 405);
    let huge = b"POST / HTTP/1.1\r\nHost: acs\r\nContent-Length: 100000000\r\n\r\n<soap";
    assert_eq!(raw_status(server.cpe, huge), 413);
    assert_eq!(raw_status(server.cpe, b"\x16\x03\x01\x02\x00garbage\r\n\r\n"), 400);
    let (_, devices) = server.api("GET", "/devices", "");
    assert_eq!(devices, Value::Array(vec![]), "nothing stored from refused input");
    // Still serving: a real session runs and is stored.
    assert!(!session(&server).is_empty());
    let (_, devices) = server.api("GET", "/devices", "");
    assert_eq!(devices[0]["id"], DEVICE);
    drop(server);
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

/// The Authorization header line a CPE sends answering `challenge` as (`user`, `password`).
fn digest_answer(challenge: &str, user: &str, password: &str) -> String {
    let mut auth = ClientAuth::new(ClientPolicy::default());
    auth.on_challenge([challenge.as_bytes()], false, &[7; 16]).expect("usable challenge");
    let mut buf = [0u8; 1024];
    let mut w = HeadWriter::new(&mut buf);
    auth.write_authorization(&mut w, HttpMethod::Post, "/", &Credentials { username: user, password }).unwrap();
    String::from_utf8(w.written().to_vec()).unwrap()
}

#[test]
fn cpes_authenticate_with_digest_when_credentials_are_configured() {
    let db = temp_db();
    let server = Server::start_with(&db, &["--cpe-username", "cpe", "--cpe-password", "s3cret"]);
    let inform = corpus_inform();
    let a = Cpe::connect(server.cpe).post(&inform);
    assert_eq!(a.status, 401, "no credentials: {}", a.body);
    let challenge = a.headers.iter().find(|(n, _)| n == "www-authenticate").expect("challenge").1.clone();
    assert!(challenge.starts_with("Digest ") && challenge.contains("realm=\"cwmp-rs acs\""), "{challenge}");
    // genieacs-sim's own Basic header over plain HTTP is not accepted.
    let mut basic = Cpe::connect(server.cpe);
    basic.extra = "Authorization: Basic Y3BlOnMzY3JldA==\r\n".into();
    assert_eq!(basic.post(&inform).status, 401);
    let mut wrong = Cpe::connect(server.cpe);
    wrong.extra = digest_answer(&challenge, "cpe", "wrong");
    assert_eq!(wrong.post(&inform).status, 401);
    let (_, devices) = server.api("GET", "/devices", "");
    assert_eq!(devices, Value::Array(vec![]), "nothing stored before authentication");
    let mut right = Cpe::connect(server.cpe);
    right.extra = digest_answer(&challenge, "cpe", "s3cret");
    let a = right.post(&inform);
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains("InformResponse"));
    let (_, devices) = server.api("GET", "/devices", "");
    assert_eq!(devices[0]["id"], DEVICE);
    drop(server);
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
