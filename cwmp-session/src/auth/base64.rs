//! Standard base64 (RFC 4648 §4) for Basic credentials. Hand-written (a few
//! lines) because no base64 crate is among the crate's allowed dependencies.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes `input`, feeding the text to `out` in 4-byte groups.
pub(crate) fn encode(input: &[u8], mut out: impl FnMut(&[u8; 4])) {
    for chunk in input.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let c = |shift: u32| ALPHABET[((n >> shift) & 63) as usize];
        let mut g = [c(18), c(12), c(6), c(0)];
        if chunk.len() < 3 {
            g[3] = b'=';
        }
        if chunk.len() < 2 {
            g[2] = b'=';
        }
        out(&g);
    }
}

fn val(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Decodes padded, canonical base64 into `out`; `None` on bad text or when
/// it does not fit.
pub(crate) fn decode<'o>(text: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut n = 0;
    let groups = text.len() / 4;
    for (gi, g) in text.chunks_exact(4).enumerate() {
        let pad = g.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && gi + 1 != groups) {
            return None;
        }
        let mut acc = 0u32;
        for &c in g.get(..4 - pad)? {
            acc = (acc << 6) | val(c)?;
        }
        // Canonical only (RFC 4648 §3.5): the bits padding leaves over are zero.
        if acc & ((1 << (2 * pad as u32)) - 1) != 0 {
            return None;
        }
        acc <<= 6 * pad as u32;
        let bytes = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        for &b in bytes.get(..3 - pad)? {
            *out.get_mut(n)? = b;
            n += 1;
        }
    }
    out.get(..n)
}
