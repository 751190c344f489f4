//! The device identity carried in every Inform (`DeviceIdStruct`).
//!
//! ```
//! use cwmp_core::{DeviceId, Limits};
//!
//! let id = DeviceId { manufacturer: "ZTE", oui: "00D0D0", product_class: "F600W", serial_number: "ZTE0QH9MA406189" };
//! assert!(id.validate(&Limits::DEFAULT).is_ok());
//! let mut buf = [0u8; 200];
//! assert_eq!(id.write_username(&mut buf, true).unwrap(), "00D0D0-F600W-ZTE0QH9MA406189");
//! ```

use crate::Limits;
use crate::limits::Limit;

/// `DeviceIdStruct`: who the CPE is. Fields borrow from the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeviceId<'a> {
    /// `Manufacturer` (≤ 64).
    pub manufacturer: &'a str,
    /// `OUI`: 6 upper-case hex digits.
    pub oui: &'a str,
    /// `ProductClass` (≤ 64, may be empty).
    pub product_class: &'a str,
    /// `SerialNumber` (≤ 64).
    pub serial_number: &'a str,
}

/// A [`DeviceId`] field that breaks the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DeviceIdError {
    /// A field longer than its cap.
    #[error("DeviceId.{field} longer than {limit}")]
    TooLong {
        /// The field's element name.
        field: &'static str,
        /// The bound crossed.
        limit: Limit,
    },
    /// The OUI is not 6 hex digits; `lower_case` tells whether upper-casing
    /// would fix it (a quirk of some devices, e.g. the "Cytco" corpus Inform).
    #[error("DeviceId.OUI is not 6 upper-case hex digits")]
    BadOui {
        /// True when the OUI is 6 hex digits with some in lower case.
        lower_case: bool,
    },
    /// A caller buffer too small for the formatted value.
    #[error("buffer too small")]
    BufferTooSmall,
}

impl DeviceId<'_> {
    /// Checks the schema caps (64 for Manufacturer, ProductClass,
    /// SerialNumber, as set in `limits`) and the OUI pattern `[0-9A-F]{6}`.
    pub fn validate(&self, limits: &Limits) -> Result<(), DeviceIdError> {
        for (field, v) in [
            ("Manufacturer", self.manufacturer),
            ("ProductClass", self.product_class),
            ("SerialNumber", self.serial_number),
        ] {
            if v.len() > limits.max_device_id_field_len {
                return Err(DeviceIdError::TooLong { field, limit: Limit::DeviceIdFieldLen });
            }
        }
        let b = self.oui.as_bytes();
        if b.len() == 6 && b.iter().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(c)) {
            Ok(())
        } else {
            Err(DeviceIdError::BadOui { lower_case: b.len() == 6 && b.iter().all(u8::is_ascii_hexdigit) })
        }
    }

    /// Writes the HTTP authentication username TR-069 §3.4.4 recommends:
    /// `<OUI>-<ProductClass>-<SerialNumber>` (or `<OUI>-<SerialNumber>` when
    /// `with_product_class` is false), every byte outside `[0-9A-Za-z_]`
    /// of the fields percent-encoded (`é` → `%C3%A9`).
    pub fn write_username<'b>(&self, buf: &'b mut [u8], with_product_class: bool) -> Result<&'b str, DeviceIdError> {
        let mut n = 0usize;
        let mut push = |b: u8, buf: &mut [u8]| -> Result<(), DeviceIdError> {
            *buf.get_mut(n).ok_or(DeviceIdError::BufferTooSmall)? = b;
            n += 1;
            Ok(())
        };
        let fields: [&str; 3] = [self.oui, self.product_class, self.serial_number];
        for (i, f) in fields.iter().enumerate() {
            if i == 1 && !with_product_class {
                continue;
            }
            if i > 0 {
                push(b'-', buf)?;
            }
            for &b in f.as_bytes() {
                if b.is_ascii_alphanumeric() || b == b'_' {
                    push(b, buf)?;
                } else {
                    const HEX: &[u8; 16] = b"0123456789ABCDEF";
                    push(b'%', buf)?;
                    push(HEX[usize::from(b >> 4)], buf)?;
                    push(HEX[usize::from(b & 15)], buf)?;
                }
            }
        }
        // Only ASCII was written.
        core::str::from_utf8(&buf[..n]).map_err(|_| DeviceIdError::BufferTooSmall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_rules() {
        let ok = DeviceId { manufacturer: "M", oui: "00A859", product_class: "", serial_number: "1" };
        assert_eq!(ok.validate(&Limits::DEFAULT), Ok(()));
        // cytco-bcm-Inform-badtime-1.xml: lower-case OUI.
        let lc = DeviceId { oui: "00a859", ..ok };
        assert_eq!(lc.validate(&Limits::DEFAULT), Err(DeviceIdError::BadOui { lower_case: true }));
        let short = DeviceId { oui: "00A85", ..ok };
        assert_eq!(short.validate(&Limits::DEFAULT), Err(DeviceIdError::BadOui { lower_case: false }));
        let long = "x".repeat(65);
        let too_long = DeviceId { serial_number: &long, ..ok };
        assert_eq!(
            too_long.validate(&Limits::DEFAULT),
            Err(DeviceIdError::TooLong { field: "SerialNumber", limit: Limit::DeviceIdFieldLen })
        );
    }

    #[test]
    fn username_is_percent_encoded() {
        let id = DeviceId { manufacturer: "M", oui: "00256D", product_class: "Box é", serial_number: "S/N-1" };
        let mut buf = [0u8; 64];
        assert_eq!(id.write_username(&mut buf, true).unwrap(), "00256D-Box%20%C3%A9-S%2FN%2D1");
        assert_eq!(id.write_username(&mut buf, false).unwrap(), "00256D-S%2FN%2D1");
        let mut small = [0u8; 8];
        assert_eq!(id.write_username(&mut small, true), Err(DeviceIdError::BufferTooSmall));
    }
}
