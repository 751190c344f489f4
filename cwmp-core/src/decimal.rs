//! Decimal text of unsigned integers without `core::fmt`: the one
//! integer-to-text helper of the workspace (the XML writer, the in-memory
//! model's instance numbers and the dateTime formatter use it).
//!
//! ```
//! use cwmp_core::Decimal;
//!
//! assert_eq!(Decimal::new(0).as_str(), "0");
//! assert_eq!(Decimal::new(u64::MAX).as_str(), "18446744073709551615");
//! assert_eq!(Decimal::padded(7, 2).as_str(), "07");
//! assert_eq!(Decimal::padded(2024, 2).as_str(), "2024");
//! ```

/// An unsigned integer's decimal digits, held inline (20 bytes: enough for
/// any `u64`).
#[derive(Clone, Copy)]
pub struct Decimal {
    buf: [u8; 20],
    start: usize,
}

impl Decimal {
    /// The shortest decimal form of `v`.
    pub const fn new(v: u64) -> Self {
        Decimal::padded(v, 1)
    }

    /// The decimal form of `v` with leading zeros to at least `width`
    /// digits (at most 20).
    pub const fn padded(v: u64, width: usize) -> Self {
        let mut buf = [b'0'; 20];
        let mut start = buf.len();
        let mut v = v;
        while start > 0 && (v > 0 || start > buf.len().saturating_sub(width)) {
            start -= 1;
            buf[start] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        if start == buf.len() {
            start -= 1; // `new(0)`: one digit
        }
        Decimal { buf, start }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits were written.
        core::str::from_utf8(self.buf.get(self.start..).unwrap_or_default()).unwrap_or_default()
    }
}

impl core::fmt::Debug for Decimal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::fmt::Display for Decimal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::format;

    proptest! {
        #[test]
        fn digits_equal_core_fmt(v: u64, width in 0usize..=20) {
            let (d, p) = (Decimal::new(v), Decimal::padded(v, width));
            prop_assert_eq!(d.as_str(), format!("{v}"));
            prop_assert_eq!(p.as_str(), format!("{v:0width$}"));
        }
    }

    #[test]
    fn edges() {
        assert_eq!(Decimal::new(0).as_str(), "0");
        assert_eq!(Decimal::padded(0, 0).as_str(), "0");
        assert_eq!(Decimal::padded(0, 3).as_str(), "000");
        assert_eq!(Decimal::padded(5, 99).as_str(), "00000000000000000005");
        assert_eq!(Decimal::new(u64::MAX).as_str(), "18446744073709551615");
    }
}
