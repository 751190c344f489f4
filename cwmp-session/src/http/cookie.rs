//! Session cookies (client side, RFC 6265 subset as CWMP needs it): the ACS
//! sets them, the CPE sends them all back on every later request of the
//! session, and forgets them at the session's end.
//!
//! Storage is the `Cookie:` header value itself (`a=1; b=2`) in a fixed
//! buffer of `N` bytes (TR-069 asks for at least 512). `Path`, `Domain`,
//! `Expires`, `Secure`, `HttpOnly` and other attributes are parsed past and
//! ignored: every cookie lives for this session only. `Max-Age` of zero or
//! less deletes the cookie. A cookie of the same name replaces the old one.
//! A cookie that does not fit is **reported** ([`CookieError::NoRoom`]) and
//! the jar is left unchanged: nothing is evicted or dropped silently.

use heapless::Vec;

use super::HttpError;
use super::head::trim;
use super::write::{HeadWriter, is_tchar};

/// Why a `Set-Cookie` was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CookieError {
    /// Not `name=value` with a token name and a cookie-octet value.
    #[error("malformed Set-Cookie")]
    Malformed,
    /// The cookie needs `needed` bytes of storage and only `free` are left.
    #[error("cookie jar full: {needed} bytes needed, {free} free")]
    NoRoom {
        /// Bytes the cookie takes (with its separator).
        needed: usize,
        /// Bytes free after removing any cookie it replaces.
        free: usize,
    },
}

/// What storing a `Set-Cookie` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CookieUpdate {
    /// A new cookie.
    Added,
    /// A cookie of that name was replaced.
    Replaced,
    /// `Max-Age<=0`: a cookie of that name was removed (or none existed).
    Removed,
}

/// The cookies of one session in `N` bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CookieJar<const N: usize = 1024> {
    /// `name=value; name=value`.
    text: Vec<u8, N>,
}

impl<const N: usize> CookieJar<N> {
    /// An empty jar.
    pub const fn new() -> CookieJar<N> {
        CookieJar { text: Vec::new() }
    }

    /// No cookies.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Number of cookies.
    pub fn len(&self) -> usize {
        self.entries().count()
    }

    /// The `Cookie:` header value (`a=1; b=2`).
    pub fn header_value(&self) -> &[u8] {
        &self.text
    }

    /// Forgets every cookie (session end).
    pub fn clear(&mut self) {
        self.text.clear();
    }

    /// The value of cookie `name`.
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.entries().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    fn entries(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.text.split(|&b| b == b';').filter_map(|e| {
            let e = trim(e);
            let eq = e.iter().position(|&b| b == b'=')?;
            Some((e.get(..eq)?, e.get(eq + 1..)?))
        })
    }

    /// Stores one `Set-Cookie` header value.
    pub fn store(&mut self, set_cookie: &[u8]) -> Result<CookieUpdate, CookieError> {
        let mut parts = set_cookie.split(|&b| b == b';');
        let pair = trim(parts.next().unwrap_or(&[]));
        let eq = pair.iter().position(|&b| b == b'=').ok_or(CookieError::Malformed)?;
        let name = trim(pair.get(..eq).unwrap_or(&[]));
        let value = trim(pair.get(eq + 1..).unwrap_or(&[]));
        let unquoted = value.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")).unwrap_or(value);
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) || !unquoted.iter().all(|&b| is_cookie_octet(b)) {
            return Err(CookieError::Malformed);
        }
        let delete = parts.any(|attr| {
            let attr = trim(attr);
            let (k, v) = match attr.iter().position(|&b| b == b'=') {
                Some(i) => (attr.get(..i).unwrap_or(&[]), trim(attr.get(i + 1..).unwrap_or(&[]))),
                None => (attr, &[][..]),
            };
            trim(k).eq_ignore_ascii_case(b"max-age") && (v.first() == Some(&b'-') || v.iter().all(|&b| b == b'0'))
        });
        // Work out the new text before touching the jar, so a failure leaves
        // it unchanged.
        let old = self.find(name);
        let old_len = old.map_or(0, |(s, e)| e - s);
        if delete {
            if let Some((s, e)) = old {
                self.remove_range(s, e);
            }
            return Ok(CookieUpdate::Removed);
        }
        let sep = if self.text.len() > old_len { 2 } else { 0 };
        let needed = sep + name.len() + 1 + value.len();
        let free = N - (self.text.len() - old_len);
        if needed > free {
            return Err(CookieError::NoRoom { needed, free });
        }
        if let Some((s, e)) = old {
            self.remove_range(s, e);
        }
        let ok = (if self.text.is_empty() { Ok(()) } else { self.text.extend_from_slice(b"; ") })
            .and_then(|()| self.text.extend_from_slice(name))
            .and_then(|()| self.text.extend_from_slice(b"="))
            .and_then(|()| self.text.extend_from_slice(value));
        // Cannot fail after the room check; report rather than assume.
        ok.map_err(|_| CookieError::NoRoom { needed, free })?;
        Ok(if old.is_some() { CookieUpdate::Replaced } else { CookieUpdate::Added })
    }

    /// Byte range of the entry `name` in `text`, with its separator.
    fn find(&self, name: &[u8]) -> Option<(usize, usize)> {
        let mut start = 0;
        for e in self.text.split(|&b| b == b';') {
            let end = start + e.len();
            let t = trim(e);
            if t.split(|&b| b == b'=').next() == Some(name) {
                // Take the preceding "; " (or the following one for the first).
                return Some(if start == 0 { (0, (end + 1).min(self.text.len())) } else { (start - 1, end) });
            }
            start = end + 1;
        }
        None
    }

    fn remove_range(&mut self, s: usize, e: usize) {
        let len = self.text.len();
        self.text.copy_within(e..len, s);
        self.text.truncate(len - (e - s));
        // A removed first entry leaves the next one's leading space.
        while self.text.first() == Some(&b' ') {
            let l = self.text.len();
            self.text.copy_within(1..l, 0);
            self.text.truncate(l - 1);
        }
    }

    /// Writes `Cookie: …` when the jar holds any cookie.
    pub fn write_header(&self, w: &mut HeadWriter<'_>) -> Result<(), HttpError> {
        if self.text.is_empty() {
            return Ok(());
        }
        w.header_with("Cookie", |w| w.value(&self.text))
    }
}

/// RFC 6265 cookie-octet, plus space (some ACSes send it unquoted).
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2b | 0x2d..=0x3a | 0x3c..=0x5b | 0x5d..=0x7e | b' ')
}
