//! `xsd:dateTime` as CWMP uses it, with no std and no floating point.
//!
//! Parses and formats `YYYY-MM-DDThh:mm:ss[.fffffffff][Z|±hh:mm]`, keeps
//! "no timezone" distinct from UTC, keeps the number of fraction digits so a
//! value re-encodes as it came, and knows the TR-069 *Unknown Time*
//! `0001-01-01T00:00:00Z`.
//!
//! Real firmware sends malformed times (see `shared/corpus/README.md`):
//! Thomson SpeedTouch `0000-00-00T00:00:00`, a "Cytco" BCM device
//! `2019-03-05T11:54::14`. [`DateTimeMode::Tolerant`] accepts those (the first
//! as Unknown Time, the second repaired); [`DateTimeMode::Strict`] reports
//! them with the byte offset of the fault.
//!
//! ```
//! use cwmp_core::{DateTime, DateTimeMode};
//!
//! let t = DateTime::parse("2024-02-29T12:30:05.250+01:00").unwrap();
//! assert_eq!(t.to_unix(), Some(1_709_206_205));
//! assert_eq!(t.to_string(), "2024-02-29T12:30:05.250+01:00");
//! assert!(DateTime::parse("0001-01-01T00:00:00Z").unwrap().is_unknown());
//!
//! let bad = "2019-03-05T11:54::14";
//! assert_eq!(DateTime::parse(bad).unwrap_err().offset, 17);
//! let fixed = DateTime::parse_with(bad, DateTimeMode::Tolerant).unwrap();
//! assert_eq!(fixed.to_string(), "2019-03-05T11:54:14");
//! ```

use core::fmt;

use crate::Decimal;

/// How strictly [`DateTime::parse_with`] reads its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DateTimeMode {
    /// The xsd:dateTime lexical space (4-digit years 0001–9999).
    #[default]
    Strict,
    /// Also accepts what real CPEs send: the all-zero time
    /// `0000-00-00T00:00:00` (read as Unknown Time), a doubled `:` between
    /// fields, a space instead of `T`, a lower-case `z`, an offset without a
    /// colon (`+0100`), and more than nine fraction digits (truncated).
    Tolerant,
}

/// The timezone part of a dateTime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Tz {
    /// No timezone: a local time (real CPEs often send this).
    Local,
    /// `Z`.
    Utc,
    /// `±hh:mm`, in minutes east of UTC (−840..=840). `+00:00` is kept
    /// distinct from `Z` so it re-encodes as received.
    Offset(i16),
}

/// What was wrong with a dateTime, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("{kind} at byte {offset}")]
pub struct DateTimeError {
    /// The fault.
    pub kind: DateTimeErrorKind,
    /// Byte offset in the input where it was found.
    pub offset: u16,
}

/// The kinds of [`DateTimeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DateTimeErrorKind {
    /// A digit was expected.
    #[error("expected a digit")]
    Digit,
    /// A separator (`-`, `T`, `:`, `.`) was expected.
    #[error("expected a separator")]
    Separator,
    /// Month, day, hour, minute, second or offset out of range.
    #[error("field out of range")]
    Range,
    /// Something after the end of the value.
    #[error("trailing characters")]
    Trailing,
    /// The input ended early.
    #[error("too short")]
    Truncated,
    /// Year 0000 (strict mode), or a year outside 0001–9999.
    #[error("year out of range")]
    Year,
}

/// An `xsd:dateTime` value. Fields are private so every value is valid;
/// construct with [`DateTime::parse`], [`DateTime::new`] or
/// [`DateTime::from_unix`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DateTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    /// Number of fraction digits written (0–9).
    frac_digits: u8,
    /// The fraction as nanoseconds.
    nanos: u32,
    tz: Tz,
}

const fn is_leap(y: u32) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

const fn days_in_month(y: u32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
const fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn err(&self, kind: DateTimeErrorKind) -> DateTimeError {
        DateTimeError { kind, offset: self.pos.min(u16::MAX as usize) as u16 }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }
    fn digits(&mut self, n: usize) -> Result<u32, DateTimeError> {
        let mut v = 0u32;
        for _ in 0..n {
            match self.peek() {
                Some(c @ b'0'..=b'9') => {
                    v = v * 10 + u32::from(c - b'0');
                    self.pos += 1;
                }
                Some(_) => return Err(self.err(DateTimeErrorKind::Digit)),
                None => return Err(self.err(DateTimeErrorKind::Truncated)),
            }
        }
        Ok(v)
    }
    fn expect(&mut self, c: u8) -> Result<(), DateTimeError> {
        match self.peek() {
            Some(x) if x == c => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.err(DateTimeErrorKind::Separator)),
            None => Err(self.err(DateTimeErrorKind::Truncated)),
        }
    }
    /// `:` between time fields; in tolerant mode a doubled `::` too.
    fn colon(&mut self, mode: DateTimeMode) -> Result<(), DateTimeError> {
        self.expect(b':')?;
        if mode == DateTimeMode::Tolerant && self.peek() == Some(b':') {
            self.pos += 1;
        }
        Ok(())
    }
}

impl DateTime {
    /// The TR-069 Unknown Time, `0001-01-01T00:00:00Z`.
    pub const UNKNOWN: DateTime =
        DateTime { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, frac_digits: 0, nanos: 0, tz: Tz::Utc };

    /// The Unix epoch, `1970-01-01T00:00:00Z`.
    pub const UNIX_EPOCH: DateTime = DateTime { year: 1970, ..DateTime::UNKNOWN };

    /// Builds a whole-second dateTime, checking every field.
    ///
    /// ```
    /// use cwmp_core::datetime::{DateTime, Tz};
    /// let t = DateTime::new(2025, 12, 31, 23, 59, 59, Tz::Utc).unwrap();
    /// assert_eq!(t.to_string(), "2025-12-31T23:59:59Z");
    /// assert!(DateTime::new(2025, 2, 29, 0, 0, 0, Tz::Utc).is_none());
    /// ```
    pub const fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8, tz: Tz) -> Option<DateTime> {
        if year == 0 || year > 9999 || month == 0 || month > 12 || day == 0 || day > days_in_month(year as u32, month) {
            return None;
        }
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        if let Tz::Offset(m) = tz
            && (m < -840 || m > 840)
        {
            return None;
        }
        Some(DateTime { year, month, day, hour, minute, second, frac_digits: 0, nanos: 0, tz })
    }

    /// Adds a fraction of `digits` digits (1–9) worth `nanos` nanoseconds.
    /// Returns `None` if `digits` is out of range or `nanos` has more
    /// precision than `digits` can show.
    pub const fn with_fraction(self, nanos: u32, digits: u8) -> Option<DateTime> {
        if nanos >= 1_000_000_000 || digits > 9 || (digits == 0 && nanos != 0) {
            return None;
        }
        let mut unit = 1u32;
        let mut i = digits;
        while i < 9 {
            unit *= 10;
            i += 1;
        }
        if !nanos.is_multiple_of(unit) {
            return None;
        }
        Some(DateTime { nanos, frac_digits: digits, ..self })
    }

    /// Parses strictly (see [`DateTimeMode::Strict`]).
    pub fn parse(s: &str) -> Result<DateTime, DateTimeError> {
        DateTime::parse_with(s, DateTimeMode::Strict)
    }

    /// Parses with the given leniency.
    pub fn parse_with(s: &str, mode: DateTimeMode) -> Result<DateTime, DateTimeError> {
        use DateTimeErrorKind as K;
        let tolerant = mode == DateTimeMode::Tolerant;
        let mut c = Cursor { b: s.as_bytes(), pos: 0 };
        let year = c.digits(4)?;
        if c.peek().is_some_and(|b| b.is_ascii_digit()) {
            // Five-digit years are valid xsd but meaningless for CWMP.
            return Err(c.err(K::Year));
        }
        c.expect(b'-')?;
        let month_at = c.pos;
        let month = c.digits(2)? as u8;
        c.expect(b'-')?;
        let day_at = c.pos;
        let day = c.digits(2)? as u8;
        match c.peek() {
            Some(b'T') => c.pos += 1,
            Some(b' ') if tolerant => c.pos += 1,
            Some(_) => return Err(c.err(K::Separator)),
            None => return Err(c.err(K::Truncated)),
        }
        let hour_at = c.pos;
        let hour = c.digits(2)? as u8;
        c.colon(mode)?;
        let minute_at = c.pos;
        let minute = c.digits(2)? as u8;
        c.colon(mode)?;
        let second_at = c.pos;
        let second = c.digits(2)? as u8;
        let (mut nanos, mut frac_digits) = (0u32, 0u8);
        if c.peek() == Some(b'.') {
            c.pos += 1;
            let start = c.pos;
            while let Some(d @ b'0'..=b'9') = c.peek() {
                let n = c.pos - start;
                if n < 9 {
                    nanos = nanos * 10 + u32::from(d - b'0');
                    frac_digits += 1;
                } else if !tolerant {
                    return Err(c.err(K::Range));
                }
                c.pos += 1;
            }
            if c.pos == start {
                return Err(c.err(K::Digit));
            }
            for _ in frac_digits..9 {
                nanos *= 10;
            }
        }
        let tz = match c.peek() {
            None => Tz::Local,
            Some(b'Z') => {
                c.pos += 1;
                Tz::Utc
            }
            Some(b'z') if tolerant => {
                c.pos += 1;
                Tz::Utc
            }
            Some(sign @ (b'+' | b'-')) => {
                c.pos += 1;
                let at = c.pos;
                let h = c.digits(2)? as i16;
                if tolerant && c.peek().is_some_and(|b| b.is_ascii_digit()) {
                    // `+0100`
                } else {
                    c.expect(b':')?;
                }
                let m = c.digits(2)? as i16;
                if h > 14 || m > 59 || (h == 14 && m != 0) {
                    return Err(DateTimeError { kind: K::Range, offset: at as u16 });
                }
                let total = h * 60 + m;
                Tz::Offset(if sign == b'-' { -total } else { total })
            }
            Some(_) => return Err(c.err(K::Trailing)),
        };
        if c.pos != c.b.len() {
            return Err(c.err(K::Trailing));
        }
        let range = |at: usize| DateTimeError { kind: K::Range, offset: at as u16 };
        if year == 0 {
            if tolerant && month == 0 && day == 0 && hour == 0 && minute == 0 && second == 0 && nanos == 0 {
                // Thomson SpeedTouch: `0000-00-00T00:00:00` for "never".
                return Ok(DateTime::UNKNOWN);
            }
            return Err(DateTimeError { kind: K::Year, offset: 0 });
        }
        if !(1..=12).contains(&month) {
            return Err(range(month_at));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(range(day_at));
        }
        // xsd 1.0 allows 24:00:00 as the end of a day; CWMP never sends it and
        // accepting it would give two spellings of one instant.
        if hour > 23 {
            return Err(range(hour_at));
        }
        if minute > 59 {
            return Err(range(minute_at));
        }
        if second > 59 {
            return Err(range(second_at));
        }
        Ok(DateTime { year: year as u16, month, day, hour, minute, second, frac_digits, nanos, tz })
    }

    /// From Unix seconds, as UTC (`Z`). `None` outside years 0001–9999.
    pub const fn from_unix(secs: i64) -> Option<DateTime> {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        if y < 1 || y > 9999 {
            return None;
        }
        Some(DateTime {
            year: y as u16,
            month: m,
            day: d,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
            frac_digits: 0,
            nanos: 0,
            tz: Tz::Utc,
        })
    }

    /// Unix seconds of this instant (fraction dropped). `None` for a local
    /// time, which names no instant until the caller supplies its zone.
    pub const fn to_unix(&self) -> Option<i64> {
        let offset_min = match self.tz {
            Tz::Local => return None,
            Tz::Utc => 0,
            Tz::Offset(m) => m as i64,
        };
        Some(self.to_unix_assuming_utc() - offset_min * 60)
    }

    /// Unix seconds reading the wall-clock fields as UTC, whatever the zone.
    pub const fn to_unix_assuming_utc(&self) -> i64 {
        let days = days_from_civil(self.year as i64, self.month as i64, self.day as i64);
        days * 86_400 + self.hour as i64 * 3600 + self.minute as i64 * 60 + self.second as i64
    }

    /// True for the TR-069 Unknown Time (`0001-01-01T00:00:00Z`, or the same
    /// fields with no zone or a zero offset).
    pub const fn is_unknown(&self) -> bool {
        self.year == 1
            && self.month == 1
            && self.day == 1
            && self.hour == 0
            && self.minute == 0
            && self.second == 0
            && self.nanos == 0
            && matches!(self.tz, Tz::Utc | Tz::Local | Tz::Offset(0))
    }

    /// Year (1–9999).
    pub const fn year(&self) -> u16 {
        self.year
    }
    /// Month (1–12).
    pub const fn month(&self) -> u8 {
        self.month
    }
    /// Day of month (1–31).
    pub const fn day(&self) -> u8 {
        self.day
    }
    /// Hour (0–23).
    pub const fn hour(&self) -> u8 {
        self.hour
    }
    /// Minute (0–59).
    pub const fn minute(&self) -> u8 {
        self.minute
    }
    /// Second (0–59).
    pub const fn second(&self) -> u8 {
        self.second
    }
    /// Fraction of the second in nanoseconds.
    pub const fn nanos(&self) -> u32 {
        self.nanos
    }
    /// Fraction digits written when formatting (0–9).
    pub const fn fraction_digits(&self) -> u8 {
        self.frac_digits
    }
    /// Timezone.
    pub const fn tz(&self) -> Tz {
        self.tz
    }

    /// Writes the canonical form into `buf` and returns it; 35 bytes always
    /// suffice (`YYYY-MM-DDThh:mm:ss.fffffffff+hh:mm`). For firmware that
    /// avoids `core::fmt`.
    pub fn write_to<'b>(&self, buf: &'b mut [u8; 35]) -> &'b str {
        let mut n = 0;
        let mut put = |b: u8| {
            buf[n] = b;
            n += 1;
        };
        let padded = |v: u64, width: usize, put: &mut dyn FnMut(u8)| {
            Decimal::padded(v, width).as_str().bytes().for_each(put);
        };
        let two = |v: u8, put: &mut dyn FnMut(u8)| padded(v.into(), 2, put);
        padded(self.year.into(), 4, &mut put);
        put(b'-');
        two(self.month, &mut put);
        put(b'-');
        two(self.day, &mut put);
        put(b'T');
        two(self.hour, &mut put);
        put(b':');
        two(self.minute, &mut put);
        put(b':');
        two(self.second, &mut put);
        if self.frac_digits > 0 {
            put(b'.');
            let digits = usize::from(self.frac_digits).min(9);
            padded(u64::from(self.nanos) / 10u64.pow(9 - digits as u32), digits, &mut put);
        }
        match self.tz {
            Tz::Local => {}
            Tz::Utc => put(b'Z'),
            Tz::Offset(m) => {
                put(if m < 0 { b'-' } else { b'+' });
                let a = m.unsigned_abs();
                two((a / 60) as u8, &mut put);
                put(b':');
                two((a % 60) as u8, &mut put);
            }
        }
        // Only ASCII was written.
        core::str::from_utf8(&buf[..n]).unwrap_or_default()
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 35];
        f.write_str(self.write_to(&mut buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::string::ToString;

    #[test]
    fn corpus_forms() {
        // zte-f600w-Inform-1.xml: no timezone.
        let t = DateTime::parse("1970-01-01T00:04:03").unwrap();
        assert_eq!(t.tz(), Tz::Local);
        assert_eq!(t.to_unix(), None);
        assert_eq!(t.to_unix_assuming_utc(), 243);
        // genieacs-sim: milliseconds.
        let t = DateTime::parse("2024-05-06T07:08:09.123Z").unwrap();
        assert_eq!((t.nanos(), t.fraction_digits()), (123_000_000, 3));
        // thomson-st780-Inform-1.xml: all zeros.
        let z = "0000-00-00T00:00:00";
        assert_eq!(DateTime::parse(z).unwrap_err().kind, DateTimeErrorKind::Year);
        assert!(DateTime::parse_with(z, DateTimeMode::Tolerant).unwrap().is_unknown());
        // cytco-bcm-Inform-badtime-1.xml.
        let e = DateTime::parse("2019-03-05T11:54::14").unwrap_err();
        assert_eq!((e.kind, e.offset), (DateTimeErrorKind::Digit, 17));
    }

    #[test]
    fn range_checks_name_the_field() {
        let off = |s: &str| DateTime::parse(s).unwrap_err().offset;
        assert_eq!(off("2023-13-01T00:00:00Z"), 5);
        assert_eq!(off("2023-02-29T00:00:00Z"), 8);
        assert_eq!(off("2023-01-01T24:00:00Z"), 11);
        assert_eq!(off("2023-01-01T00:60:00Z"), 14);
        assert_eq!(off("2023-01-01T00:00:60Z"), 17);
        assert_eq!(off("2023-01-01T00:00:00+15:00"), 20);
        assert_eq!(off("2023-01-01T00:00:00Zjunk"), 20);
        assert_eq!(off("2023-01-01"), 10);
        assert!(DateTime::parse("2024-02-29T00:00:00Z").is_ok());
        assert!(DateTime::parse("1900-02-29T00:00:00Z").is_err());
        assert!(DateTime::parse("2000-02-29T00:00:00Z").is_ok());
    }

    #[test]
    fn tolerant_extras() {
        let t = |s| DateTime::parse_with(s, DateTimeMode::Tolerant).unwrap().to_string();
        assert_eq!(t("2020-01-02 03:04:05z"), "2020-01-02T03:04:05Z");
        assert_eq!(t("2020-01-02T03:04:05+0130"), "2020-01-02T03:04:05+01:30");
        assert_eq!(t("2020-01-02T03:04:05.1234567891Z"), "2020-01-02T03:04:05.123456789Z");
        assert!(DateTime::parse("2020-01-02 03:04:05Z").is_err());
    }

    #[test]
    fn unix_conversion() {
        assert_eq!(DateTime::UNIX_EPOCH.to_unix(), Some(0));
        assert_eq!(DateTime::from_unix(0), Some(DateTime::UNIX_EPOCH));
        assert_eq!(DateTime::UNKNOWN.to_unix(), Some(-62_135_596_800));
        assert_eq!(DateTime::from_unix(-62_135_596_800), Some(DateTime::UNKNOWN));
        assert_eq!(DateTime::from_unix(-62_135_596_801), None);
        let t = DateTime::parse("2000-01-01T00:00:00-05:00").unwrap();
        assert_eq!(t.to_unix(), Some(946_702_800));
    }

    fn arb_datetime() -> impl Strategy<Value = DateTime> {
        (
            1u16..=9999,
            1u8..=12,
            1u8..=31,
            0u8..24,
            0u8..60,
            0u8..60,
            0u8..=9,
            0u32..1_000_000_000,
            prop_oneof![Just(Tz::Local), Just(Tz::Utc), (-840i16..=840).prop_map(Tz::Offset)],
        )
            .prop_filter_map("valid", |(y, mo, d, h, mi, s, fd, ns, tz)| {
                let unit = 10u32.pow(9 - u32::from(fd));
                DateTime::new(y, mo, d, h, mi, s, tz)?.with_fraction(ns / unit * unit * u32::from(fd > 0), fd)
            })
    }

    proptest! {
        #[test]
        fn format_parse_round_trip(t in arb_datetime()) {
            let s = t.to_string();
            prop_assert_eq!(DateTime::parse(&s), Ok(t));
            prop_assert_eq!(DateTime::parse_with(&s, DateTimeMode::Tolerant), Ok(t));
        }

        #[test]
        fn unix_round_trip(secs in -62_135_596_800i64..253_402_300_800) {
            let t = DateTime::from_unix(secs).unwrap();
            prop_assert_eq!(t.to_unix(), Some(secs));
            prop_assert_eq!(DateTime::parse(&t.to_string()), Ok(t));
        }

        #[test]
        fn arbitrary_input_never_panics(s in "\\PC{0,40}") {
            let _ = DateTime::parse(&s);
            let _ = DateTime::parse_with(&s, DateTimeMode::Tolerant);
        }
    }
}
