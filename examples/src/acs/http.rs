//! The two listeners, on tokio and hyper 1: CPEs on `--listen`, the JSON
//! management API on `--api`.
//!
//! Why hyper rather than axum: the CPE side needs the raw request (target,
//! `Authorization`, `Cookie`, whole body) handed to the engine as is, and
//! per-connection state (a CPE without cookies is identified by its
//! connection), which hyper's `serve_connection` gives directly; the API
//! is four routes, matched by hand below without a router.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::cwmp::{Connection, MAX_BODY, Shared, lock, log, method};
use super::task::Task;
use cwmp_session::acs::HttpRequest;
use cwmp_session::auth::Credentials;
use cwmp_session::cr::http::CrResult;
use cwmp_session::http::write::CWMP_CONTENT_TYPE;

type Reply = Response<Full<Bytes>>;

/// Time for a request head, and for a whole body, to arrive.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
const BODY_TIMEOUT: Duration = Duration::from_secs(60);

/// Largest API request body.
const MAX_API_BODY: usize = 1024 * 1024;

/// Serves CPEs on `listener` until the process ends.
pub async fn serve_cpes(listener: TcpListener, acs: Shared) {
    let ticker = acs.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            lock(&ticker).handle_timeouts();
        }
    });
    loop {
        let Ok((stream, peer)) = listener.accept().await else { continue };
        let acs = acs.clone();
        tokio::spawn(async move {
            let conn = Arc::new(std::sync::Mutex::new(Connection::default()));
            let (a, c) = (acs.clone(), conn.clone());
            let svc = service_fn(move |req| cpe_request(a.clone(), c.clone(), req));
            let mut http = http1::Builder::new();
            http.timer(TokioTimer::new()).header_read_timeout(HEAD_TIMEOUT);
            if let Err(e) = http.serve_connection(TokioIo::new(stream), svc).await {
                log(format_args!("CPE connection {peer}: {e}"));
            }
            let conn = conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            lock(&acs).connection_closed(&conn);
        });
    }
}

fn plain(status: StatusCode, body: String) -> Reply {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r
}

async fn cpe_request(
    acs: Shared,
    conn: Arc<std::sync::Mutex<Connection>>,
    req: Request<Incoming>,
) -> Result<Reply, hyper::Error> {
    let (parts, body) = req.into_parts();
    // A declared length over the cap is refused before reading anything;
    // a body that does not arrive in time ends the exchange.
    if hyper::body::Body::size_hint(&body).lower() > MAX_BODY as u64 {
        log(format_args!("CPE request refused: declared body over {MAX_BODY} bytes"));
        return Ok(plain(StatusCode::PAYLOAD_TOO_LARGE, format!("body over {MAX_BODY} bytes")));
    }
    let body = match tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, MAX_BODY).collect()).await {
        Ok(Ok(b)) => b.to_bytes(),
        Ok(Err(e)) => {
            log(format_args!("CPE request body refused: {e}"));
            return Ok(plain(StatusCode::PAYLOAD_TOO_LARGE, format!("body over {MAX_BODY} bytes or broken: {e}")));
        }
        Err(_) => {
            log(format_args!("CPE request body not received within {BODY_TIMEOUT:?}"));
            return Ok(plain(StatusCode::REQUEST_TIMEOUT, "body not received in time".to_owned()));
        }
    };
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let http = HttpRequest {
        method: method(&parts.method),
        target,
        authorization: parts.headers.get(hyper::header::AUTHORIZATION).map(|v| v.as_bytes()),
        cookie: parts.headers.get(hyper::header::COOKIE).map(|v| v.as_bytes()),
        body: &body,
        tls: false,
    };
    let out = {
        let mut conn = conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        lock(&acs).handle(&mut conn, &http)
    };
    let mut resp = Response::new(Full::new(Bytes::from(out.body)));
    *resp.status_mut() = StatusCode::from_u16(out.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    for (name, value) in out.headers {
        if let (Ok(n), Ok(v)) =
            (hyper::header::HeaderName::from_bytes(name.as_bytes()), hyper::header::HeaderValue::from_bytes(&value))
        {
            h.append(n, v);
        }
    }
    if out.status == 200 {
        h.insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static(CWMP_CONTENT_TYPE));
    }
    if out.close {
        h.insert(hyper::header::CONNECTION, hyper::header::HeaderValue::from_static("close"));
    }
    Ok(resp)
}

/// Serves the management API on `listener` until the process ends.
pub async fn serve_api(listener: TcpListener, acs: Shared) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let acs = acs.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| api_request(acs.clone(), req));
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
        });
    }
}

fn json_reply(status: StatusCode, v: &Value) -> Reply {
    let mut r = plain(status, v.to_string());
    r.headers_mut().insert(hyper::header::CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
    r
}

fn error(status: StatusCode, why: impl std::fmt::Display) -> Reply {
    json_reply(status, &json!({"error": why.to_string()}))
}

/// Percent-decodes a path segment (device keys may carry `%20` and the like).
fn decode_segment(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

async fn api_request(acs: Shared, req: Request<Incoming>) -> Result<Reply, hyper::Error> {
    let (parts, body) = req.into_parts();
    let segments: Vec<&str> = parts.uri.path().trim_matches('/').split('/').collect();
    let body = match Limited::new(body, MAX_API_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return Ok(error(StatusCode::PAYLOAD_TOO_LARGE, e)),
    };
    let device = segments.get(1).map(|s| decode_segment(s));
    let reply = match (&parts.method, segments.as_slice(), device) {
        (&hyper::Method::GET, ["devices"], _) => match lock(&acs).store.devices() {
            Ok(v) => json_reply(StatusCode::OK, &v),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        },
        (_, ["devices", ..], Some(None)) => error(StatusCode::BAD_REQUEST, "bad percent-encoding in the device id"),
        (&hyper::Method::GET, ["devices", _], Some(Some(id))) => match lock(&acs).store.device(&id) {
            Ok(Some(v)) => json_reply(StatusCode::OK, &v),
            Ok(None) => error(StatusCode::NOT_FOUND, format!("no device {id:?}")),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        },
        (&hyper::Method::POST, ["devices", _, "tasks"], Some(Some(id))) => {
            let task = serde_json::from_slice::<Value>(&body)
                .map_err(|e| e.to_string())
                .and_then(|v| Task::from_json(&v).map_err(|e| e.to_string()));
            match task {
                Err(why) => error(StatusCode::BAD_REQUEST, why),
                Ok(task) => match lock(&acs).store.queue_task(&id, &task) {
                    Ok(Some(n)) => {
                        log(format_args!("task {n} queued for {id:?}: {}", task.to_json()));
                        json_reply(StatusCode::CREATED, &json!({"id": n, "device": id, "task": task.to_json()}))
                    }
                    Ok(None) => error(StatusCode::NOT_FOUND, format!("no device {id:?}")),
                    Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
                },
            }
        }
        (&hyper::Method::POST, ["devices", _, "connection-request"], Some(Some(id))) => {
            connection_request(&acs, &id, &body).await
        }
        (_, ["devices"] | ["devices", _] | ["devices", _, "tasks" | "connection-request"], _) => {
            error(StatusCode::METHOD_NOT_ALLOWED, format!("{} not allowed here", parts.method))
        }
        _ => error(StatusCode::NOT_FOUND, format!("no route {}", parts.uri.path())),
    };
    Ok(reply)
}

/// `POST /devices/{id}/connection-request`, body empty or
/// `{"username": "...", "password": "..."}` (the credentials the ACS set
/// in the device's `ConnectionRequestUsername`/`Password`).
async fn connection_request(acs: &Shared, id: &str, body: &[u8]) -> Reply {
    let creds = if body.iter().all(u8::is_ascii_whitespace) {
        Ok((String::new(), String::new()))
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => {
                let field = |f: &str| match v.get(f) {
                    None => Ok(String::new()),
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(_) => Err(format!("field {f:?} must be a string")),
                };
                field("username").and_then(|u| Ok((u, field("password")?)))
            }
            Err(e) => Err(format!("body is not JSON: {e}")),
        }
    };
    let (username, password) = match creds {
        Ok(c) => c,
        Err(why) => return error(StatusCode::BAD_REQUEST, why),
    };
    let device = match lock(acs).store.device(id) {
        Ok(Some(d)) => d,
        Ok(None) => return error(StatusCode::NOT_FOUND, format!("no device {id:?}")),
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
    };
    let params: Vec<(String, String)> = device["parameters"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v["value"].as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    let creds = Credentials { username: &username, password: &password };
    let pairs = params.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    let result = super::cr::send(pairs, creds, super::cwmp::random).await;
    log(format_args!("connection request to {id:?}: {result:?}"));
    match result {
        Err(e) => error(StatusCode::CONFLICT, e),
        Ok(CrResult::Accepted) => json_reply(StatusCode::OK, &json!({"result": "accepted"})),
        Ok(CrResult::Busy) => error(StatusCode::SERVICE_UNAVAILABLE, "the device is busy or rate-limiting (503)"),
        Ok(CrResult::Unreachable) => error(StatusCode::GATEWAY_TIMEOUT, "the device did not answer"),
        Ok(CrResult::AuthFailed(e)) => {
            error(StatusCode::BAD_GATEWAY, format!("the device refused our credentials: {e}"))
        }
        Ok(CrResult::Unexpected(s)) => error(StatusCode::BAD_GATEWAY, format!("the device answered status {s}")),
    }
}

/// Binds a listener, saying which address in the error.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))
}
