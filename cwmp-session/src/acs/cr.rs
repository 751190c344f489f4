//! Where to send a connection request, from what the device reported in
//! its Inform (TR-069 §3.2.2, Annex G): the HTTP `ConnectionRequestURL`
//! and the UDP `UDPConnectionRequestAddress` of `ManagementServer`, under
//! `Device.` or `InternetGatewayDevice.`. This builds the typed target;
//! sending it is the connection-request client's job (`crate::cr`).
//!
//! ```
//! use cwmp_session::acs::cr::{ConnectionRequestTarget, Transport};
//!
//! let reported = [
//!     ("Device.ManagementServer.ConnectionRequestURL", "http://192.0.2.7:7547/cr-8f3a"),
//!     ("Device.ManagementServer.UDPConnectionRequestAddress", "198.51.100.4:33012"),
//!     ("Device.ManagementServer.NATDetected", "true"),
//! ];
//! let t = ConnectionRequestTarget::from_parameters(reported).unwrap();
//! let Some(Transport::Udp { host, port }) = t.preferred() else { unreachable!() };
//! assert_eq!((host, port), ("198.51.100.4", 33012));
//! assert_eq!(t.http.unwrap().target, "/cr-8f3a");
//! ```

use crate::http::url::{Scheme, Url, UrlError};

const ROOTS: [&str; 2] = ["Device.ManagementServer.", "InternetGatewayDevice.ManagementServer."];

/// How to reach the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Transport<'a> {
    /// HTTP GET on this URL, Digest-authenticated.
    Http(Url<'a>),
    /// A TR-111 UDP connection request to this address.
    Udp {
        /// Host (IPv6 literal without brackets).
        host: &'a str,
        /// Port (80 when the device reported none).
        port: u16,
    },
}

/// A connection request ready for the client: where, and the credentials
/// the ACS configured on the device (`ConnectionRequestUsername` /
/// `ConnectionRequestPassword`, which the device never reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionRequest<'a, 'c> {
    /// Where.
    pub transport: Transport<'a>,
    /// User name.
    pub username: &'c str,
    /// Password (Digest for HTTP, the HMAC key for UDP).
    pub password: &'c str,
}

/// What a device reported about its connection-request endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ConnectionRequestTarget<'a> {
    /// `ConnectionRequestURL`, when reported and non-empty.
    pub http: Option<Url<'a>>,
    /// `UDPConnectionRequestAddress` as (host, port), when reported and non-empty.
    pub udp: Option<(&'a str, u16)>,
    /// `NATDetected`: the device is behind a NAT (UDP is then the way in).
    pub nat_detected: bool,
}

/// A reported value that cannot be a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CrTargetError {
    /// `ConnectionRequestURL` is not an `http://` URL (TR-069: HTTP only).
    #[error("ConnectionRequestURL: {0}")]
    Url(UrlError),
    /// `ConnectionRequestURL` is `https://`, which TR-069 forbids for connection requests.
    #[error("ConnectionRequestURL is https")]
    Https,
    /// `UDPConnectionRequestAddress` is not `host[:port]`.
    #[error("UDPConnectionRequestAddress is not host[:port]")]
    UdpAddress,
}

impl<'a> ConnectionRequestTarget<'a> {
    /// Collects the endpoints from (name, value) pairs, e.g. an Inform's
    /// ParameterList (values unescaped by the caller, or borrowed with
    /// [`Text::as_borrowed`](cwmp_soap::Text::as_borrowed)). Other
    /// parameters are ignored; an endpoint value that cannot be a target
    /// is an error naming it, never silently dropped. Empty values mean
    /// "not offered".
    pub fn from_parameters(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, CrTargetError> {
        let mut t = ConnectionRequestTarget::default();
        for (name, value) in params {
            let Some(leaf) = ROOTS.iter().find_map(|r| name.strip_prefix(r)) else { continue };
            let value = value.trim();
            match leaf {
                "ConnectionRequestURL" if !value.is_empty() => {
                    let url = Url::parse(value).map_err(CrTargetError::Url)?;
                    if url.scheme == Scheme::Https {
                        return Err(CrTargetError::Https);
                    }
                    t.http = Some(url);
                }
                "UDPConnectionRequestAddress" if !value.is_empty() => {
                    t.udp = Some(parse_authority(value).ok_or(CrTargetError::UdpAddress)?);
                }
                "NATDetected" => t.nat_detected = matches!(value, "1" | "true"),
                _ => {}
            }
        }
        Ok(t)
    }

    /// The transport to use: UDP when the device is behind a NAT and
    /// offers it (an HTTP request cannot reach it), else HTTP, else UDP.
    pub fn preferred(&self) -> Option<Transport<'a>> {
        let udp = self.udp.map(|(host, port)| Transport::Udp { host, port });
        match (self.nat_detected, udp, self.http) {
            (true, Some(u), _) => Some(u),
            (_, _, Some(url)) => Some(Transport::Http(url)),
            (_, u, None) => u,
        }
    }

    /// The preferred connection request with the ACS's credentials for the device.
    pub fn request<'c>(&self, username: &'c str, password: &'c str) -> Option<ConnectionRequest<'a, 'c>> {
        self.preferred().map(|transport| ConnectionRequest { transport, username, password })
    }
}

/// `host[:port]` (RFC 3986 authority without userinfo), IPv6 in brackets.
fn parse_authority(v: &str) -> Option<(&str, u16)> {
    let (host, port) = if let Some(rest) = v.strip_prefix('[') {
        let close = rest.find(']')?;
        let host = rest.get(..close)?;
        if !host.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') || host.is_empty() {
            return None;
        }
        (host, rest.get(close + 1..)?)
    } else {
        let end = v.find(':').unwrap_or(v.len());
        let host = v.get(..end)?;
        let ok = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_';
        if host.is_empty() || !host.bytes().all(ok) {
            return None;
        }
        (host, v.get(end..)?)
    };
    let port = match port {
        "" => 80,
        p => {
            let digits = p.strip_prefix(':').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))?;
            digits.parse::<u16>().ok().filter(|p| *p != 0)?
        }
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_authority_forms_follow_the_data_model() {
        assert_eq!(parse_authority("10.0.0.1:5000"), Some(("10.0.0.1", 5000)));
        assert_eq!(parse_authority("cpe.example"), Some(("cpe.example", 80)));
        assert_eq!(parse_authority("[2001:db8::1]:7547"), Some(("2001:db8::1", 7547)));
        for bad in ["", ":80", "h:0", "h:70000", "h:+1", "[::1", "[zz]:1", "a b:1", "h:1:2", "u@h:1"] {
            assert_eq!(parse_authority(bad), None, "{bad}");
        }
    }

    #[test]
    fn https_or_broken_url_is_reported_not_dropped() {
        let https = [("Device.ManagementServer.ConnectionRequestURL", "https://h/x")];
        assert_eq!(ConnectionRequestTarget::from_parameters(https), Err(CrTargetError::Https));
        let bad = [("InternetGatewayDevice.ManagementServer.ConnectionRequestURL", "ftp://h/")];
        assert!(matches!(ConnectionRequestTarget::from_parameters(bad), Err(CrTargetError::Url(_))));
        let other = [("Device.X_ManagementServer.ConnectionRequestURL", "junk")];
        assert_eq!(ConnectionRequestTarget::from_parameters(other), Ok(ConnectionRequestTarget::default()));
    }

    #[test]
    fn http_preferred_without_nat() {
        let p = [
            ("InternetGatewayDevice.ManagementServer.ConnectionRequestURL", "http://10.1.1.1:7547/"),
            ("InternetGatewayDevice.ManagementServer.UDPConnectionRequestAddress", "10.1.1.1:7547"),
            ("InternetGatewayDevice.ManagementServer.NATDetected", "0"),
        ];
        let t = ConnectionRequestTarget::from_parameters(p).unwrap();
        assert!(matches!(t.preferred(), Some(Transport::Http(u)) if u.host == "10.1.1.1"));
        let r = t.request("acs", "pw").unwrap();
        assert_eq!((r.username, r.password), ("acs", "pw"));
    }
}
