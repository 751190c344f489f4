//! ACS and connection-request URLs: `http://` or `https://`, host (name,
//! IPv4, or bracketed IPv6 literal), optional port, path and query, parsed
//! into a `Copy` view borrowing the text (no allocation).

use super::HttpError;
use super::write::HeadWriter;

/// The URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Scheme {
    /// `http`, default port 80.
    Http,
    /// `https`, default port 443; the transport must report a verified peer.
    Https,
}

impl Scheme {
    /// The default port.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// Why a URL was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum UrlError {
    /// Not `http://` or `https://` (case-insensitive).
    #[error("URL scheme is not http or https")]
    Scheme,
    /// Empty host, bad characters, or an unclosed IPv6 bracket.
    #[error("bad host in URL")]
    Host,
    /// Port not a number in 1..=65535.
    #[error("bad port in URL")]
    Port,
    /// `user:pass@` in the URL: credentials never travel in URLs.
    #[error("credentials in URL")]
    UserInfo,
    /// Control bytes, spaces or a fragment.
    #[error("bad character in URL at byte {at}")]
    Char {
        /// Offset in the URL text.
        at: usize,
    },
}

/// A parsed `http(s)` URL, borrowing its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Url<'a> {
    /// The scheme.
    pub scheme: Scheme,
    /// The host without brackets (`fe80::1` for `[fe80::1]`).
    pub host: &'a str,
    /// The host was a bracketed IPv6 literal.
    pub ipv6: bool,
    /// The port as given, or the scheme's default.
    pub port: u16,
    /// The port was written explicitly.
    pub explicit_port: bool,
    /// Path and query (`/` when the URL has none): the request target.
    pub target: &'a str,
}

impl<'a> Url<'a> {
    /// Parses `text`.
    pub fn parse(text: &'a str) -> Result<Url<'a>, UrlError> {
        if let Some(at) = text.bytes().position(|b| b <= b' ' || b == 0x7f || b == b'#') {
            return Err(UrlError::Char { at });
        }
        let (scheme, rest) = if let Some(r) = strip_prefix_ci(text, "http://") {
            (Scheme::Http, r)
        } else if let Some(r) = strip_prefix_ci(text, "https://") {
            (Scheme::Https, r)
        } else {
            return Err(UrlError::Scheme);
        };
        let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(auth_end);
        if authority.contains('@') {
            return Err(UrlError::UserInfo);
        }
        let (host, ipv6, port_text) = if let Some(r) = authority.strip_prefix('[') {
            let close = r.find(']').ok_or(UrlError::Host)?;
            let (h, after) = r.split_at(close);
            if h.is_empty() || !h.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.' || b == b'%') {
                return Err(UrlError::Host);
            }
            let after = after.get(1..).unwrap_or("");
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or(UrlError::Host)?),
            };
            (h, true, port)
        } else {
            let (h, p) = match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            if h.is_empty() || !h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_') {
                return Err(UrlError::Host);
            }
            (h, false, p)
        };
        let (port, explicit_port) = match port_text {
            None | Some("") => (scheme.default_port(), false),
            Some(p) if p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
                let n: u32 = p.bytes().fold(0, |a, b| a * 10 + u32::from(b - b'0'));
                (u16::try_from(n).ok().filter(|&n| n != 0).ok_or(UrlError::Port)?, true)
            }
            Some(_) => return Err(UrlError::Port),
        };
        let target = if path.is_empty() { "/" } else { path };
        Ok(Url { scheme, host, ipv6, port, explicit_port, target })
    }

    /// Writes the `Host` header value: the host (bracketed if IPv6) and the
    /// port when it is not the scheme's default.
    pub fn write_host(&self, w: &mut HeadWriter<'_>) -> Result<(), HttpError> {
        if self.ipv6 {
            w.value_fmt(format_args!("[{}]", self.host))?;
        } else {
            w.value(self.host.as_bytes())?;
        }
        if self.port != self.scheme.default_port() {
            w.value_fmt(format_args!(":{}", self.port))?;
        }
        Ok(())
    }

    /// Same scheme, host and port (case-insensitive host).
    pub fn same_origin(&self, other: &Url<'_>) -> bool {
        self.scheme == other.scheme && self.port == other.port && self.host.eq_ignore_ascii_case(other.host)
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| s.get(prefix.len()..)).flatten()
}
