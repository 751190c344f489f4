//! Interop of the HTTP connection request with implementations nobody here
//! wrote, over real loopback sockets: curl's and Python urllib's Digest
//! clients against our listener, and our ACS-side client against a Python
//! `http.server` whose Digest check is written from RFC 7616 in this file.
//! Each test stops by itself (bounded loops, socket timeouts). The tools
//! must exist: `.ci/run` installs curl; python3 is part of the image.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration as StdDuration, Instant as StdInstant};

use cwmp_core::Instant;
use cwmp_session::auth::{Algorithm, ClientPolicy, Credentials};
use cwmp_session::cr::SessionTrigger;
use cwmp_session::cr::http::{ClientStep, CrClient, CrResult, Listener, ListenerConfig, Outcome};
use cwmp_session::http::url::Url;

const PATH: &str = "/cr/7b3e0a9d";

fn require(tool: &str, install: &str) {
    let ok = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "{tool} is required by this test and was not found: {install}");
}

/// Runs our listener on a loopback port in a thread until a request is
/// accepted or refused for its credentials (or 10 s pass). Returns the
/// port and a handle yielding the outcomes and whether a session fired.
fn serve(algorithm: Algorithm) -> (u16, thread::JoinHandle<(Vec<Outcome>, bool)>) {
    let sock = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = sock.local_addr().unwrap().port();
    sock.set_nonblocking(true).unwrap();
    let handle = thread::spawn(move || {
        let mut listener = Listener::<8>::new();
        let mut trigger = SessionTrigger::new();
        let mut cfg = ListenerConfig::new(PATH, "acs", "s3cr3t");
        cfg.digest.algorithm = algorithm;
        let mut outcomes = Vec::new();
        let deadline = StdInstant::now() + StdDuration::from_secs(10);
        let start = StdInstant::now();
        let mut counter = 0u8;
        'accept: while StdInstant::now() < deadline {
            let mut conn = match sock.accept() {
                Ok((c, _)) => c,
                Err(_) => {
                    thread::sleep(StdDuration::from_millis(5));
                    continue;
                }
            };
            conn.set_nonblocking(false).unwrap();
            conn.set_read_timeout(Some(StdDuration::from_secs(3))).unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 1024];
            loop {
                let n = match conn.read(&mut chunk) {
                    Ok(0) | Err(_) => continue 'accept,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                loop {
                    counter = counter.wrapping_add(1);
                    let now = Instant::from_millis(start.elapsed().as_millis() as u64);
                    let mut out = [0u8; 512];
                    let h = listener.handle(&cfg, &mut trigger, now, &[counter; 16], &buf, &mut out).unwrap();
                    if h.outcome == Outcome::Partial {
                        break;
                    }
                    outcomes.push(h.outcome);
                    conn.write_all(&out[..h.response_len]).unwrap();
                    if h.outcome == Outcome::Accepted {
                        trigger.on_response_sent();
                    }
                    if matches!(h.outcome, Outcome::Accepted | Outcome::AuthFailed(_)) {
                        let _ = conn.flush();
                        return (outcomes, trigger.poll_session());
                    }
                    buf.drain(..h.consumed.min(buf.len()));
                    if h.close {
                        continue 'accept;
                    }
                    if buf.is_empty() {
                        break;
                    }
                }
            }
        }
        (outcomes, trigger.poll_session())
    });
    (port, handle)
}

fn curl(port: u16, user: &str, extra: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["--digest", "-u", user, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"])
        .args(extra)
        .arg(format!("http://127.0.0.1:{port}{PATH}"))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn digest_curl_md5_is_accepted_by_our_listener() {
    require("curl", "apt-get install -y curl");
    let (port, h) = serve(Algorithm::Md5);
    assert_eq!(curl(port, "acs:s3cr3t", &[]), "200");
    let (outcomes, session) = h.join().unwrap();
    assert_eq!(outcomes, [Outcome::Challenged, Outcome::Accepted]);
    assert!(session, "the accepted request triggers a session");
}

#[test]
fn digest_curl_wrong_password_is_refused_by_our_listener() {
    require("curl", "apt-get install -y curl");
    let (port, h) = serve(Algorithm::Md5);
    assert_eq!(curl(port, "acs:wrong", &[]), "401");
    let (outcomes, session) = h.join().unwrap();
    assert!(matches!(outcomes.last(), Some(Outcome::AuthFailed(_))), "{outcomes:?}");
    assert!(!session);
}

/// curl answers `algorithm=SHA-256` challenges since 7.57; the test fails
/// (does not skip) if the installed curl cannot.
#[cfg(feature = "sha256")]
#[test]
fn digest_curl_sha256_is_accepted_by_our_listener() {
    require("curl", "apt-get install -y curl");
    for alg in [Algorithm::Sha256, Algorithm::Md5Sess] {
        let (port, h) = serve(alg);
        assert_eq!(curl(port, "acs:s3cr3t", &[]), "200", "{alg:?}");
        let (outcomes, _) = h.join().unwrap();
        assert_eq!(outcomes, [Outcome::Challenged, Outcome::Accepted], "{alg:?}");
    }
}

#[test]
fn digest_python_urllib_handler_is_accepted_by_our_listener() {
    require("python3", "apt-get install -y python3");
    let (port, h) = serve(Algorithm::Md5);
    let script = r#"
import sys, urllib.request
url = sys.argv[1]
mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
mgr.add_password(None, url, "acs", "s3cr3t")
opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(mgr))
with opener.open(url, timeout=10) as r:
    print(r.status)
"#;
    let out = Command::new("python3").args(["-c", script, &format!("http://127.0.0.1:{port}{PATH}")]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "200", "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let (outcomes, session) = h.join().unwrap();
    assert_eq!(outcomes, [Outcome::Challenged, Outcome::Accepted]);
    assert!(session);
}

/// A CPE written in Python: `http.server` with a Digest check written from
/// RFC 7616 §3.4 (H, KD, A1 / -sess A1, A2, qop=auth, nc strictly
/// increasing). Serves at most `max` requests, then exits.
const PY_CPE: &str = r#"
import hashlib, http.server, os, re, sys
alg, realm, user, pw, path, maxreq = sys.argv[1], "py-cpe", "acs", "pw-9", sys.argv[2], int(sys.argv[3])
hname = "sha256" if alg.upper().startswith("SHA-256") else "md5"
H = lambda s: hashlib.new(hname, s.encode()).hexdigest()
nonces = {}
def parse(v):
    if not v.startswith("Digest "): return None
    out = {}
    for m in re.finditer(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))', v[7:]):
        k = m.group(1).lower()
        if k in out: return None
        out[k] = m.group(2) if m.group(2) is not None else m.group(3)
    return out
class Cpe(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def answer(self, code, challenge=False):
        self.send_response(code)
        if challenge:
            n = os.urandom(16).hex(); nonces[n] = 0
            self.send_header("WWW-Authenticate", f'Digest realm="{realm}", qop="auth", nonce="{n}", algorithm={alg}')
        self.send_header("Content-Length", "0")
        self.end_headers()
    def do_GET(self):
        if self.path != path: return self.answer(404)
        p = parse(self.headers.get("Authorization", ""))
        if not p: return self.answer(401, True)
        try:
            nc = int(p["nc"], 16)
            ok_nonce = p["nonce"] in nonces and nc > nonces[p["nonce"]]
            a1 = H(f'{p["username"]}:{realm}:{pw}')
            if alg.lower().endswith("-sess"): a1 = H(f'{a1}:{p["nonce"]}:{p["cnonce"]}')
            a2 = H(f"GET:{p['uri']}")
            want = H(f'{a1}:{p["nonce"]}:{p["nc"]}:{p["cnonce"]}:{p["qop"]}:{a2}')
            good = (ok_nonce and p["username"] == user and p["realm"] == realm and p["uri"] == self.path
                    and p["qop"] == "auth" and p.get("algorithm", "MD5").lower() == alg.lower() and p["response"] == want)
        except KeyError:
            good = False
        if good:
            nonces[p["nonce"]] = nc
            return self.answer(204)
        return self.answer(401, True)
s = http.server.HTTPServer(("127.0.0.1", 0), Cpe)
s.timeout = 10
print(s.server_address[1], flush=True)
for _ in range(maxreq): s.handle_request()
"#;

fn python_cpe(alg: &str, max: usize) -> (std::process::Child, u16) {
    require("python3", "apt-get install -y python3");
    let mut child = Command::new("python3")
        .args(["-c", PY_CPE, alg, PATH, &max.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    (child, line.trim().parse().expect("python CPE prints its port"))
}

/// Our ACS-side client over real TCP: one connection per request (the
/// Python server closes after each answer unless kept alive; we reconnect
/// when told).
fn connection_request(port: u16, password: &str) -> CrResult {
    let url_text = format!("http://127.0.0.1:{port}{PATH}");
    let url = Url::parse(&url_text).unwrap();
    let c = Credentials { username: "acs", password };
    let mut client = CrClient::new(ClientPolicy::default());
    let mut conn: Option<TcpStream> = None;
    for round in 0..4u8 {
        let stream = match conn.as_mut() {
            Some(s) => s,
            None => {
                let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                s.set_read_timeout(Some(StdDuration::from_secs(5))).unwrap();
                conn.insert(s)
            }
        };
        let mut req = [0u8; 1024];
        let n = client.write_request(&url, &c, &mut req).unwrap();
        stream.write_all(&req[..n]).unwrap();
        let mut resp = Vec::new();
        let mut chunk = [0u8; 1024];
        let step = loop {
            let got = stream.read(&mut chunk).unwrap_or(0);
            if got == 0 {
                return client.on_unreachable();
            }
            resp.extend_from_slice(&chunk[..got]);
            match client.handle_response(&resp, &[round; 16]) {
                ClientStep::Partial => continue,
                s => break s,
            }
        };
        match step {
            ClientStep::Done(r) => return r,
            ClientStep::Retry { reconnect, .. } => {
                if reconnect {
                    conn = None;
                }
            }
            ClientStep::Partial => unreachable!(),
        }
    }
    panic!("no result after 4 rounds")
}

fn run_python(alg: &str, password: &str) -> CrResult {
    let (mut child, port) = python_cpe(alg, 2);
    let r = connection_request(port, password);
    // The server may still wait for another connection: stop it (our child).
    let _ = child.kill();
    let _ = child.wait();
    r
}

#[test]
fn digest_our_acs_client_passes_python_rfc7616_server_md5() {
    assert_eq!(run_python("MD5", "pw-9"), CrResult::Accepted);
    assert_eq!(run_python("MD5-sess", "pw-9"), CrResult::Accepted);
}

#[test]
fn digest_our_acs_client_reports_auth_failed_from_python_server() {
    assert!(matches!(run_python("MD5", "not-it"), CrResult::AuthFailed(_)));
}

#[cfg(feature = "sha256")]
#[test]
fn digest_our_acs_client_passes_python_rfc7616_server_sha256() {
    assert_eq!(run_python("SHA-256", "pw-9"), CrResult::Accepted);
    assert_eq!(run_python("SHA-256-sess", "pw-9"), CrResult::Accepted);
}
