//! The Digest computations of RFC 7616 §3.4.1–3.4.3 over the algorithms we
//! support, producing lowercase hex, plus the constant-time comparison the
//! verifier uses.

use digest::Digest;

use super::params::Value;

/// A Digest algorithm (RFC 7616 §3.3, `algorithm=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Algorithm {
    /// `MD5` (also the default when `algorithm` is absent).
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256`.
    #[cfg(feature = "sha256")]
    Sha256,
    /// `SHA-256-sess`.
    #[cfg(feature = "sha256")]
    Sha256Sess,
}

impl Algorithm {
    /// Every supported algorithm, strongest first.
    pub const ALL: &'static [Algorithm] = &[
        #[cfg(feature = "sha256")]
        Algorithm::Sha256,
        #[cfg(feature = "sha256")]
        Algorithm::Sha256Sess,
        Algorithm::Md5,
        Algorithm::Md5Sess,
    ];

    /// The token used in headers.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            #[cfg(feature = "sha256")]
            Algorithm::Sha256 => "SHA-256",
            #[cfg(feature = "sha256")]
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    /// The algorithm named `v` (case-insensitive), if supported.
    pub fn from_value(v: &Value<'_>) -> Option<Algorithm> {
        Algorithm::ALL.iter().copied().find(|a| v.eq_ignore_case(a.name().as_bytes()))
    }

    /// A `-sess` variant.
    pub fn is_sess(self) -> bool {
        match self {
            Algorithm::Md5Sess => true,
            #[cfg(feature = "sha256")]
            Algorithm::Sha256Sess => true,
            _ => false,
        }
    }

    /// Bytes of one digest.
    pub fn digest_len(self) -> usize {
        self.hasher().len
    }

    fn hasher(self) -> Hasher {
        let kind = match self {
            Algorithm::Md5 | Algorithm::Md5Sess => Kind::Md5(md5::Md5::new()),
            #[cfg(feature = "sha256")]
            Algorithm::Sha256 | Algorithm::Sha256Sess => Kind::Sha256(sha2::Sha256::new()),
        };
        let len = match kind {
            Kind::Md5(_) => 16,
            #[cfg(feature = "sha256")]
            Kind::Sha256(_) => 32,
        };
        Hasher { kind, len }
    }
}

enum Kind {
    Md5(md5::Md5),
    #[cfg(feature = "sha256")]
    Sha256(sha2::Sha256),
}

struct Hasher {
    kind: Kind,
    len: usize,
}

impl Hasher {
    fn update(&mut self, b: &[u8]) {
        match &mut self.kind {
            Kind::Md5(h) => h.update(b),
            #[cfg(feature = "sha256")]
            Kind::Sha256(h) => h.update(b),
        }
    }

    /// `H(p0:p1:…)` as lowercase hex.
    fn hex_of(mut self, parts: &[Value<'_>]) -> Hex {
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                self.update(b":");
            }
            p.for_each_piece(|b| self.update(b));
        }
        let mut raw = [0u8; 32];
        match self.kind {
            Kind::Md5(h) => copy_into(&mut raw, &h.finalize()),
            #[cfg(feature = "sha256")]
            Kind::Sha256(h) => copy_into(&mut raw, &h.finalize()),
        }
        Hex::encode(raw.get(..self.len).unwrap_or(&[]))
    }
}

fn copy_into(dst: &mut [u8; 32], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

/// A digest as lowercase hex (up to 64 characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hex {
    buf: [u8; 64],
    len: usize,
}

impl Hex {
    /// `bytes` (at most 32) as lowercase hex.
    pub fn encode(bytes: &[u8]) -> Hex {
        let mut buf = [0u8; 64];
        let mut len = 0;
        for (pair, b) in buf.chunks_exact_mut(2).zip(bytes) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 0xf)];
            len += 2;
        }
        Hex { buf, len }
    }

    /// The hex text.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    fn value(&self) -> Value<'_> {
        Value::Token(self.as_bytes())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// What one Digest response is computed from (RFC 7616 §3.4.1); every
/// field unescaped through [`Value`].
#[derive(Debug, Clone, Copy)]
pub struct DigestParts<'a> {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// `username`.
    pub username: Value<'a>,
    /// `realm`.
    pub realm: Value<'a>,
    /// The password.
    pub password: &'a [u8],
    /// The request method.
    pub method: &'a [u8],
    /// `uri` (the request target).
    pub uri: Value<'a>,
    /// `nonce`.
    pub nonce: Value<'a>,
    /// `qop`, `nc` and `cnonce`; `None` for RFC 2069 style (no qop).
    pub qop: Option<QopParts<'a>>,
}

/// The qop part of a response computation.
#[derive(Debug, Clone, Copy)]
pub struct QopParts<'a> {
    /// `nc` as 8 hex digits.
    pub nc: Value<'a>,
    /// `cnonce`.
    pub cnonce: Value<'a>,
    /// `qop` (always `auth` here).
    pub qop: Value<'a>,
}

impl DigestParts<'_> {
    /// The `response` value: `KD(H(A1), nonce:nc:cnonce:qop:H(A2))`, or
    /// `KD(H(A1), nonce:H(A2))` without qop.
    pub fn response(&self) -> Hex {
        let h = |parts: &[Value<'_>]| self.algorithm.hasher().hex_of(parts);
        let mut ha1 = h(&[self.username, self.realm, Value::Token(self.password)]);
        if self.algorithm.is_sess() {
            // RFC 7616: the -sess A1 needs a cnonce; without qop there is none
            // and the empty string is used (as RFC 2617 implementations do).
            let cnonce = self.qop.map_or(Value::Token(b""), |q| q.cnonce);
            ha1 = h(&[ha1.value(), self.nonce, cnonce]);
        }
        let ha2 = h(&[Value::Token(self.method), self.uri]);
        match self.qop {
            Some(q) => h(&[ha1.value(), self.nonce, q.nc, q.cnonce, q.qop, ha2.value()]),
            None => h(&[ha1.value(), self.nonce, ha2.value()]),
        }
    }
}

/// Hex digits to bytes; `None` on odd length, a non-hex digit, or more
/// than 32 bytes.
pub fn hex_decode(hex: &[u8], out: &mut [u8; 32]) -> Option<usize> {
    if !hex.len().is_multiple_of(2) || hex.len() > 64 {
        return None;
    }
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let hi = char::from(*pair.first()?).to_digit(16)?;
        let lo = char::from(*pair.get(1)?).to_digit(16)?;
        *o = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(hex.len() / 2)
}

/// Equality of two equal-length secrets in time independent of where they
/// differ. Written here (a few lines) rather than taken from `subtle`, which
/// is not among the crate's allowed dependencies; `black_box` keeps the
/// optimiser from turning the fold into an early exit.
pub fn ct_eq<const N: usize>(a: &[u8; N], b: &[u8; N]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | core::hint::black_box(x ^ y));
    core::hint::black_box(diff) == 0
}
