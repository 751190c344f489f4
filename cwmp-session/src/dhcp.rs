//! ACS discovery and device–gateway association through DHCP (TR-069 §3.1
//! and Annex F): the CWMP information in DHCPv4 option 43 (RFC 2132 §8.4,
//! encapsulated vendor-specific information), DHCPv4 option 125 (RFC 3925,
//! V-I vendor-specific information) and DHCPv6 option 17 (RFC 8415 §21.17,
//! `OPTION_VENDOR_OPTS`), the last two under the Broadband Forum's
//! enterprise number 3561.
//!
//! The DHCP client is the caller's: it hands over the *payload* of one
//! option (the bytes after its code and length; for options split per
//! RFC 3396, their concatenation) and gets borrowed views into it. Every
//! length is checked; a malformed one is an error naming the byte offset.
//!
//! # Sub-option codes
//!
//! | information | option 43 | option 125 (3561) | DHCPv6 17 (3561) |
//! |---|---|---|---|
//! | URL of the ACS (`ManagementServer.URL`) | 1 | 11 | 1 |
//! | ProvisioningCode | 2 | 12 | 2 |
//! | CWMPRetryMinimumWaitInterval | 3 | 13 | 3 |
//! | CWMPRetryIntervalMultiplier | 4 | 14 | 4 |
//! | device ManufacturerOUI / SerialNumber / ProductClass (Annex F) | — | 1 / 2 / 3 | 11 / 12 / 13 |
//! | gateway ManufacturerOUI / SerialNumber / ProductClass (Annex F) | — | 4 / 5 / 6 | 14 / 15 / 16 |
//!
//! Sources (`SPEC-FACTS.md` §9): the DHCPv6 column is the BBF "assigned
//! names and numbers" table (the Annex F codes there were 1–6 before
//! Amendment 5, when they moved to 11–16); option 43 codes 1 and 2 are
//! widely documented, 3 and 4 follow the same table; option 125 keeps the
//! Annex F codes 1–6 (deployed gateways send their own identity as
//! `vi-encap:3561,4/5/6` and read a device's from sub-options 1/2/3) and so
//! carries the ACS information at 11–14 (catawampus matches the ACS URL as
//! `vi-encap:3561,11`). The normative TR-069
//! Table (§3.1) was not reachable in our reference copies; the codes are
//! data in [`OPTION_43`], [`OPTION_125`] and [`DHCPV6_17`], so a correction
//! is a one-line change.
//!
//! Values are text: the retry parameters are decimal strings checked
//! against their TR-181 ranges (1–65535, 1000–65535), the ACS URL is at
//! most 256 bytes, ProvisioningCode, SerialNumber and ProductClass at most
//! 64, a ManufacturerOUI exactly six upper-case hex digits. Unknown
//! sub-options are skipped (other vendors may share option 43); a repeated
//! known one is an error. Option 43 honours the pad (0) and end (255)
//! codes of RFC 2132's encapsulated format. Some vendors (Eltex) use
//! option-43 codes 3 and 4 for a username and password: with such a server
//! those fail the decimal check and are reported, never taken as retry
//! values.
//!
//! ```
//! use cwmp_session::dhcp::{self, Role};
//!
//! let mut payload = [0u8; 64];
//! let device = dhcp::Identity { oui: Some("00256D"), serial_number: Some("SN1"), product_class: None };
//! let n = dhcp::encode_identity_125(Role::Device, &device, &mut payload).unwrap();
//! let info = dhcp::parse_option_125(&payload[..n]).unwrap();
//! assert_eq!(info.device, device);
//! let info = dhcp::parse_option_43(b"\x01\x13http://acs.example/\x02\x03abc").unwrap();
//! assert_eq!((info.url, info.provisioning_code), (Some("http://acs.example/"), Some("abc")));
//! ```

/// The Broadband Forum's IANA enterprise number.
pub const BBF_ENTERPRISE: u32 = 3561;

/// One piece of CWMP information a sub-option carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Field {
    /// URL of the ACS.
    Url,
    /// ProvisioningCode.
    ProvisioningCode,
    /// CWMPRetryMinimumWaitInterval.
    RetryMinimumWaitInterval,
    /// CWMPRetryIntervalMultiplier.
    RetryIntervalMultiplier,
    /// ManufacturerOUI of a device or gateway.
    Oui(Role),
    /// SerialNumber of a device or gateway.
    SerialNumber(Role),
    /// ProductClass of a device or gateway.
    ProductClass(Role),
}

/// Whose identity an Annex F sub-option carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Role {
    /// The LAN device (sent by the device in its request).
    Device,
    /// The gateway (sent back by the gateway's DHCP server).
    Gateway,
}

use Field as F;
use Role::{Device as D, Gateway as G};

/// Sub-option codes of DHCPv4 option 43.
pub const OPTION_43: &[(u16, Field)] =
    &[(1, F::Url), (2, F::ProvisioningCode), (3, F::RetryMinimumWaitInterval), (4, F::RetryIntervalMultiplier)];

/// Sub-option codes of DHCPv4 option 125, enterprise 3561.
pub const OPTION_125: &[(u16, Field)] = &[
    (1, F::Oui(D)),
    (2, F::SerialNumber(D)),
    (3, F::ProductClass(D)),
    (4, F::Oui(G)),
    (5, F::SerialNumber(G)),
    (6, F::ProductClass(G)),
    (11, F::Url),
    (12, F::ProvisioningCode),
    (13, F::RetryMinimumWaitInterval),
    (14, F::RetryIntervalMultiplier),
];

/// Sub-option codes of DHCPv6 option 17, enterprise 3561.
pub const DHCPV6_17: &[(u16, Field)] = &[
    (1, F::Url),
    (2, F::ProvisioningCode),
    (3, F::RetryMinimumWaitInterval),
    (4, F::RetryIntervalMultiplier),
    (11, F::Oui(D)),
    (12, F::SerialNumber(D)),
    (13, F::ProductClass(D)),
    (14, F::Oui(G)),
    (15, F::SerialNumber(G)),
    (16, F::ProductClass(G)),
];

/// A device's or gateway's identity (Annex F; `ManageableDevice.{i}.`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Identity<'a> {
    /// ManufacturerOUI: six upper-case hex digits.
    pub oui: Option<&'a str>,
    /// SerialNumber (≤ 64).
    pub serial_number: Option<&'a str>,
    /// ProductClass (≤ 64).
    pub product_class: Option<&'a str>,
}

/// The CWMP information found in one option.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CwmpInfo<'a> {
    /// URL of the ACS.
    pub url: Option<&'a str>,
    /// ProvisioningCode.
    pub provisioning_code: Option<&'a str>,
    /// CWMPRetryMinimumWaitInterval (1–65535).
    pub retry_minimum_wait_interval: Option<u16>,
    /// CWMPRetryIntervalMultiplier (1000–65535).
    pub retry_interval_multiplier: Option<u16>,
    /// The device's identity (option 125 / DHCPv6 only).
    pub device: Identity<'a>,
    /// The gateway's identity (option 125 / DHCPv6 only).
    pub gateway: Identity<'a>,
}

/// A malformed option, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[error("{kind} at byte {offset}")]
pub struct DhcpError {
    /// What is wrong.
    pub kind: DhcpErrorKind,
    /// Byte offset in the payload (of the sub-option's code for value
    /// errors, of the missing byte for truncation).
    pub offset: usize,
}

/// The kinds of [`DhcpError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DhcpErrorKind {
    /// A header or a value runs past the end of the payload.
    #[error("truncated option")]
    Truncated,
    /// A text value is not UTF-8.
    #[error("value is not UTF-8")]
    Utf8,
    /// A value is longer than its parameter allows.
    #[error("value too long")]
    TooLong,
    /// A retry parameter is not a decimal number in its range.
    #[error("retry parameter is not a decimal number in range")]
    BadNumber,
    /// A ManufacturerOUI is not six upper-case hex digits.
    #[error("ManufacturerOUI is not six upper-case hex digits")]
    BadOui,
    /// The same sub-option twice.
    #[error("repeated sub-option")]
    Repeated,
    /// Encoding: the output buffer is too small or a length exceeds 255.
    #[error("output does not fit")]
    NoSpace,
}

fn err<T>(kind: DhcpErrorKind, offset: usize) -> Result<T, DhcpError> {
    Err(DhcpError { kind, offset })
}

fn is_oui(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

fn number(v: &str, min: u16) -> Option<u16> {
    if v.is_empty() || v.len() > 5 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse::<u16>().ok().filter(|n| *n >= min)
}

impl<'a> CwmpInfo<'a> {
    fn set(&mut self, field: Field, value: &'a [u8], at: usize) -> Result<(), DhcpError> {
        use DhcpErrorKind as K;
        let Ok(v) = core::str::from_utf8(value) else { return err(K::Utf8, at) };
        let max = if field == F::Url { 256 } else { 64 };
        if v.len() > max {
            return err(K::TooLong, at);
        }
        fn put<T>(slot: &mut Option<T>, v: T, at: usize) -> Result<(), DhcpError> {
            if slot.is_some() {
                return err(K::Repeated, at);
            }
            *slot = Some(v);
            Ok(())
        }
        match field {
            F::Url => put(&mut self.url, v, at),
            F::ProvisioningCode => put(&mut self.provisioning_code, v, at),
            F::RetryMinimumWaitInterval => {
                let n = number(v, 1).ok_or(DhcpError { kind: K::BadNumber, offset: at })?;
                put(&mut self.retry_minimum_wait_interval, n, at)
            }
            F::RetryIntervalMultiplier => {
                let n = number(v, 1000).ok_or(DhcpError { kind: K::BadNumber, offset: at })?;
                put(&mut self.retry_interval_multiplier, n, at)
            }
            F::Oui(r) => {
                if !is_oui(v) {
                    return err(K::BadOui, at);
                }
                put(&mut self.identity(r).oui, v, at)
            }
            F::SerialNumber(r) => put(&mut self.identity(r).serial_number, v, at),
            F::ProductClass(r) => put(&mut self.identity(r).product_class, v, at),
        }
    }

    fn identity(&mut self, role: Role) -> &mut Identity<'a> {
        match role {
            Role::Device => &mut self.device,
            Role::Gateway => &mut self.gateway,
        }
    }
}

/// How a sub-option list is framed.
#[derive(Clone, Copy)]
struct Framing {
    /// Bytes of the code and of the length: 1 (DHCPv4) or 2 (DHCPv6).
    width: usize,
    /// RFC 2132 pad (0) and end (255) codes apply.
    pad_end: bool,
}

fn read_be(b: &[u8]) -> usize {
    b.iter().fold(0, |acc, &x| (acc << 8) | usize::from(x))
}

/// Walks a sub-option list starting at `base` in the whole payload,
/// filling `info` from `table`.
fn walk<'a>(
    payload: &'a [u8],
    base: usize,
    end: usize,
    framing: Framing,
    table: &[(u16, Field)],
    info: &mut CwmpInfo<'a>,
) -> Result<(), DhcpError> {
    let mut pos = base;
    let w = framing.width;
    while pos < end {
        let Some(code_bytes) = payload.get(pos..pos + w).filter(|_| pos + w <= end) else {
            return err(DhcpErrorKind::Truncated, end);
        };
        let code = read_be(code_bytes);
        if framing.pad_end {
            if code == 0 {
                pos += 1;
                continue;
            }
            if code == 255 {
                return Ok(());
            }
        }
        let Some(len_bytes) = payload.get(pos + w..pos + 2 * w).filter(|_| pos + 2 * w <= end) else {
            return err(DhcpErrorKind::Truncated, end);
        };
        let start = pos + 2 * w;
        let stop = start + read_be(len_bytes);
        let Some(value) = payload.get(start..stop).filter(|_| stop <= end) else {
            return err(DhcpErrorKind::Truncated, end);
        };
        if let Some((_, field)) = table.iter().find(|(c, _)| usize::from(*c) == code) {
            info.set(*field, value, pos)?;
        }
        pos = stop;
    }
    Ok(())
}

/// Parses the payload of DHCPv4 option 43 (sent when the client announced
/// vendor class `dslforum.org`).
pub fn parse_option_43(payload: &[u8]) -> Result<CwmpInfo<'_>, DhcpError> {
    let mut info = CwmpInfo::default();
    walk(payload, 0, payload.len(), Framing { width: 1, pad_end: true }, OPTION_43, &mut info)?;
    Ok(info)
}

/// Parses the payload of DHCPv4 option 125: every enterprise block is
/// length-checked; the sub-options of the 3561 blocks are read, other
/// enterprises' skipped.
pub fn parse_option_125(payload: &[u8]) -> Result<CwmpInfo<'_>, DhcpError> {
    let mut info = CwmpInfo::default();
    let mut pos = 0;
    while pos < payload.len() {
        let Some(head) = payload.get(pos..pos + 5) else { return err(DhcpErrorKind::Truncated, payload.len()) };
        let enterprise = read_be(head.get(..4).unwrap_or(&[]));
        let start = pos + 5;
        let stop = start + usize::from(head.get(4).copied().unwrap_or(0));
        if stop > payload.len() {
            return err(DhcpErrorKind::Truncated, payload.len());
        }
        if enterprise == BBF_ENTERPRISE as usize {
            walk(payload, start, stop, Framing { width: 1, pad_end: false }, OPTION_125, &mut info)?;
        }
        pos = stop;
    }
    Ok(info)
}

/// Parses the payload of DHCPv6 option 17: `Ok(None)` when its enterprise
/// is not 3561.
pub fn parse_dhcpv6_option_17(payload: &[u8]) -> Result<Option<CwmpInfo<'_>>, DhcpError> {
    let Some(head) = payload.get(..4) else { return err(DhcpErrorKind::Truncated, payload.len()) };
    if read_be(head) != BBF_ENTERPRISE as usize {
        return Ok(None);
    }
    let mut info = CwmpInfo::default();
    walk(payload, 4, payload.len(), Framing { width: 2, pad_end: false }, DHCPV6_17, &mut info)?;
    Ok(Some(info))
}

/// Appends sub-options for `identity` (as `role`) from `table`.
fn encode_identity(
    role: Role,
    identity: &Identity<'_>,
    table: &[(u16, Field)],
    width: usize,
    out: &mut [u8],
    mut pos: usize,
) -> Result<usize, DhcpError> {
    use DhcpErrorKind as K;
    let fields = [
        (F::Oui(role), identity.oui),
        (F::SerialNumber(role), identity.serial_number),
        (F::ProductClass(role), identity.product_class),
    ];
    for (field, value) in fields {
        let Some(v) = value else { continue };
        if matches!(field, F::Oui(_)) && !is_oui(v) {
            return err(K::BadOui, pos);
        }
        if v.len() > 64 {
            return err(K::TooLong, pos);
        }
        let Some((code, _)) = table.iter().find(|(_, f)| *f == field) else { continue };
        let mut put = |x: usize| -> Result<(), DhcpError> {
            for i in (0..width).rev() {
                let b = out.get_mut(pos).ok_or(DhcpError { kind: K::NoSpace, offset: pos })?;
                *b = (x >> (8 * i)) as u8;
                pos += 1;
            }
            Ok(())
        };
        put(usize::from(*code))?;
        put(v.len())?;
        let dst = out.get_mut(pos..pos + v.len()).ok_or(DhcpError { kind: K::NoSpace, offset: pos })?;
        dst.copy_from_slice(v.as_bytes());
        pos += v.len();
    }
    Ok(pos)
}

/// Writes the payload of a DHCPv4 option 125 carrying `identity` as the
/// device's (in the device's request) or the gateway's (in the gateway's
/// reply): enterprise 3561, data length, sub-options. Returns its length;
/// the caller adds the option code 125 and the length byte.
pub fn encode_identity_125(role: Role, identity: &Identity<'_>, out: &mut [u8]) -> Result<usize, DhcpError> {
    let head = out.get_mut(..5).ok_or(DhcpError { kind: DhcpErrorKind::NoSpace, offset: 0 })?;
    head[..4].copy_from_slice(&BBF_ENTERPRISE.to_be_bytes());
    let end = encode_identity(role, identity, OPTION_125, 1, out, 5)?;
    let len = u8::try_from(end - 5).map_err(|_| DhcpError { kind: DhcpErrorKind::NoSpace, offset: 4 })?;
    if let Some(b) = out.get_mut(4) {
        *b = len;
    }
    Ok(end)
}

/// Writes the payload of a DHCPv6 option 17 carrying `identity`:
/// enterprise 3561 and sub-options. Returns its length.
pub fn encode_identity_dhcpv6(role: Role, identity: &Identity<'_>, out: &mut [u8]) -> Result<usize, DhcpError> {
    let head = out.get_mut(..4).ok_or(DhcpError { kind: DhcpErrorKind::NoSpace, offset: 0 })?;
    head.copy_from_slice(&BBF_ENTERPRISE.to_be_bytes());
    encode_identity(role, identity, DHCPV6_17, 2, out, 4)
}
