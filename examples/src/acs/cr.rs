//! Connection requests (TR-069 §3.2.2) from the API: the device's
//! `ConnectionRequestURL` (from its stored parameters, read with
//! [`ConnectionRequestTarget`]) is asked with `cwmp_session`'s ACS-side
//! client ([`CrClient`]: the `GET`, the Digest answer to the CPE's
//! challenge, the typed [`CrResult`]) over a tokio TCP stream.
//!
//! Only HTTP: a device that offers only a UDP address (behind a NAT) is
//! reported as such, not asked.

use std::time::Duration;

use cwmp_session::acs::cr::ConnectionRequestTarget;
use cwmp_session::auth::{ClientPolicy, Credentials};
use cwmp_session::cr::http::{ClientStep, CrClient, CrResult};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Time for each connect, write and read.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest answer head read.
const MAX_ANSWER: usize = 16 * 1024;

/// Why no request was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CrError {
    /// The device's endpoints do not parse.
    #[error("the device's connection-request endpoint is unusable: {0}")]
    Target(String),
    /// No HTTP endpoint.
    #[error("the device reported no ConnectionRequestURL (UDP-only or none)")]
    NoUrl,
}

/// Sends a connection request to the device whose reported parameters are
/// `params` (name, value), with the credentials the ACS set on it.
pub async fn send<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    creds: Credentials<'_>,
    random: impl Fn() -> [u8; 16],
) -> Result<CrResult, CrError> {
    let target = ConnectionRequestTarget::from_parameters(params).map_err(|e| CrError::Target(format!("{e:?}")))?;
    let url = target.http.ok_or(CrError::NoUrl)?;
    let mut client = CrClient::new(ClientPolicy::default());
    let mut stream: Option<TcpStream> = None;
    let mut buf = Vec::new();
    // Two challenges at most are answered; a third round is a failure the client reports.
    for _round in 0..3 {
        let mut req = [0u8; 2048];
        let n = match client.write_request(&url, &creds, &mut req) {
            Ok(n) => n,
            Err(e) => return Ok(CrResult::AuthFailed(e)),
        };
        let mut s = match stream.take() {
            Some(s) => s,
            None => {
                let connect = TcpStream::connect((url.host, url.port));
                match tokio::time::timeout(IO_TIMEOUT, connect).await {
                    Ok(Ok(s)) => s,
                    _ => return Ok(client.on_unreachable()),
                }
            }
        };
        let Some(sent) = req.get(..n) else { return Ok(client.on_unreachable()) };
        if !matches!(tokio::time::timeout(IO_TIMEOUT, s.write_all(sent)).await, Ok(Ok(()))) {
            return Ok(client.on_unreachable());
        }
        buf.clear();
        loop {
            let mut chunk = [0u8; 4096];
            let got = match tokio::time::timeout(IO_TIMEOUT, s.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 && buf.len() < MAX_ANSWER => n,
                _ => return Ok(client.on_unreachable()),
            };
            buf.extend_from_slice(chunk.get(..got).unwrap_or_default());
            match client.handle_response(&buf, &random()) {
                ClientStep::Partial => {}
                ClientStep::Done(r) => return Ok(r),
                ClientStep::Retry { consumed, reconnect } => {
                    // The 401's body, if any, must be read off before the retry on this connection.
                    while buf.len() < consumed && !reconnect {
                        match tokio::time::timeout(IO_TIMEOUT, s.read(&mut chunk)).await {
                            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
                            _ => return Ok(client.on_unreachable()),
                        }
                    }
                    if !reconnect {
                        stream = Some(s);
                    }
                    break;
                }
            }
        }
    }
    Ok(CrResult::AuthFailed(cwmp_session::auth::AuthError::Rejected))
}
