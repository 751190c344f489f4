//! Every bound a cwmp-rs parser or encoder enforces, in one value.
//!
//! Crossing a limit is a typed error carrying the limit's name; the session
//! layer turns it into fault 9004 (CPE) or 8004 (ACS). Nothing is silently
//! truncated. The defaults are the caps of the official CWMP schemas
//! (`cwmp-1-x.xsd`) where a schema states one, and conservative sizes for the
//! XML structure where it does not.
//!
//! ```
//! use cwmp_core::Limits;
//!
//! // A firmware with a 16 KiB receive buffer tightens the body and token caps.
//! let limits = Limits { max_body_len: 16 * 1024, max_token_len: 4 * 1024, ..Limits::DEFAULT };
//! assert_eq!(limits.max_parameter_name_len, 256);
//! ```

/// The bounds enforced on input and output. Build one with struct-update
/// syntax from [`Limits::DEFAULT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Limits {
    // ---- XML structure (tokenizer) ----
    /// Deepest element nesting accepted. A CWMP envelope nests about 8 deep.
    pub max_depth: usize,
    /// Attributes (including `xmlns` declarations) on one element.
    pub max_attributes: usize,
    /// Namespace bindings in scope at once, over all open elements.
    pub max_ns_bindings: usize,
    /// Length of an element or attribute name, prefix included, in bytes.
    pub max_name_len: usize,
    /// Length of one token (a tag with its attributes, a text run, a CDATA
    /// section, a comment), in bytes. Bounds the buffer a resumable parse needs.
    pub max_token_len: usize,
    /// Size of a message body, in bytes, checked before any XML is read.
    pub max_body_len: usize,

    // ---- CWMP schema caps (cwmp-1-x.xsd maxLength / maxOccurs) ----
    /// Length of a parameter value, in bytes (after unescaping).
    pub max_value_len: usize,
    /// Entries in one list (ParameterList, ParameterNames, …) with no schema cap.
    pub max_list_len: usize,
    /// `CommandKey` length (xsd: 32).
    pub max_command_key_len: usize,
    /// `ParameterKey` length (xsd: 32).
    pub max_parameter_key_len: usize,
    /// Parameter and object name length (xsd: 256).
    pub max_parameter_name_len: usize,
    /// `Manufacturer`, `ProductClass` and `SerialNumber` length (xsd: 64).
    pub max_device_id_field_len: usize,
    /// `EventCode` length (xsd: 64).
    pub max_event_code_len: usize,
    /// EventStructs in one Inform (xsd: 64).
    pub max_events: usize,
    /// Entries of a (All)QueuedTransfers `TransferList` (xsd: 16).
    pub max_transfers: usize,
    /// Entries of a ScheduleDownload `TimeWindowList` (xsd: 2).
    pub max_time_windows: usize,
    /// `FaultString` length (xsd: 256).
    pub max_fault_string_len: usize,
    /// URL length (xsd: 1024 for AnnounceURL/TransferURL and DU URLs; 256 for Download URL).
    pub max_url_len: usize,
    /// `MethodList` entry and `AccessList` entry length (xsd: 64).
    pub max_method_name_len: usize,

    // ---- HTTP (session layer) ----
    /// Bytes of cookie storage kept for one session (TR-069 asks for at least 512).
    pub max_cookie_bytes: usize,
    /// Header lines in one HTTP message.
    pub max_http_headers: usize,
    /// Length of one HTTP header line.
    pub max_http_header_len: usize,
}

impl Limits {
    /// The defaults: schema caps where the CWMP schema states one.
    pub const DEFAULT: Limits = Limits {
        max_depth: 32,
        max_attributes: 16,
        max_ns_bindings: 32,
        max_name_len: 256,
        max_token_len: 64 * 1024,
        max_body_len: 2 * 1024 * 1024,
        max_value_len: 64 * 1024,
        max_list_len: 65_536,
        max_command_key_len: 32,
        max_parameter_key_len: 32,
        max_parameter_name_len: 256,
        max_device_id_field_len: 64,
        max_event_code_len: 64,
        max_events: 64,
        max_transfers: 16,
        max_time_windows: 2,
        max_fault_string_len: 256,
        max_url_len: 1024,
        max_method_name_len: 64,
        max_cookie_bytes: 4096,
        max_http_headers: 32,
        max_http_header_len: 8 * 1024,
    };

    /// Tight bounds for a small CPE (64 KiB of RAM): 16 KiB bodies, 4 KiB
    /// tokens and values, 1 KiB of cookies; schema caps unchanged.
    pub const EMBEDDED: Limits = Limits {
        max_depth: 24,
        max_attributes: 8,
        max_ns_bindings: 16,
        max_token_len: 4 * 1024,
        max_body_len: 16 * 1024,
        max_value_len: 4 * 1024,
        max_list_len: 1024,
        max_cookie_bytes: 1024,
        max_http_headers: 24,
        max_http_header_len: 2 * 1024,
        ..Limits::DEFAULT
    };

    /// No bound at all: for re-reading input already checked against real
    /// limits, never for input from a peer.
    pub const UNBOUNDED: Limits = Limits {
        max_depth: usize::MAX,
        max_attributes: usize::MAX,
        max_ns_bindings: usize::MAX,
        max_name_len: usize::MAX,
        max_token_len: usize::MAX,
        max_body_len: usize::MAX,
        max_value_len: usize::MAX,
        max_list_len: usize::MAX,
        max_command_key_len: usize::MAX,
        max_parameter_key_len: usize::MAX,
        max_parameter_name_len: usize::MAX,
        max_device_id_field_len: usize::MAX,
        max_event_code_len: usize::MAX,
        max_events: usize::MAX,
        max_transfers: usize::MAX,
        max_time_windows: usize::MAX,
        max_fault_string_len: usize::MAX,
        max_url_len: usize::MAX,
        max_method_name_len: usize::MAX,
        max_cookie_bytes: usize::MAX,
        max_http_headers: usize::MAX,
        max_http_header_len: usize::MAX,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Names one field of [`Limits`]; carried by every "limit exceeded" error so
/// the message says which bound was crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[allow(missing_docs)] // each variant is named after the Limits field it stands for
pub enum Limit {
    Depth,
    Attributes,
    NsBindings,
    NameLen,
    TokenLen,
    BodyLen,
    ValueLen,
    ListLen,
    CommandKeyLen,
    ParameterKeyLen,
    ParameterNameLen,
    DeviceIdFieldLen,
    EventCodeLen,
    Events,
    Transfers,
    TimeWindows,
    FaultStringLen,
    UrlLen,
    MethodNameLen,
    CookieBytes,
    HttpHeaders,
    HttpHeaderLen,
}

impl Limit {
    /// The value of this bound in `limits`.
    ///
    /// ```
    /// use cwmp_core::{Limits, limits::Limit};
    /// assert_eq!(Limit::CommandKeyLen.of(&Limits::DEFAULT), 32);
    /// ```
    pub const fn of(self, limits: &Limits) -> usize {
        match self {
            Limit::Depth => limits.max_depth,
            Limit::Attributes => limits.max_attributes,
            Limit::NsBindings => limits.max_ns_bindings,
            Limit::NameLen => limits.max_name_len,
            Limit::TokenLen => limits.max_token_len,
            Limit::BodyLen => limits.max_body_len,
            Limit::ValueLen => limits.max_value_len,
            Limit::ListLen => limits.max_list_len,
            Limit::CommandKeyLen => limits.max_command_key_len,
            Limit::ParameterKeyLen => limits.max_parameter_key_len,
            Limit::ParameterNameLen => limits.max_parameter_name_len,
            Limit::DeviceIdFieldLen => limits.max_device_id_field_len,
            Limit::EventCodeLen => limits.max_event_code_len,
            Limit::Events => limits.max_events,
            Limit::Transfers => limits.max_transfers,
            Limit::TimeWindows => limits.max_time_windows,
            Limit::FaultStringLen => limits.max_fault_string_len,
            Limit::UrlLen => limits.max_url_len,
            Limit::MethodNameLen => limits.max_method_name_len,
            Limit::CookieBytes => limits.max_cookie_bytes,
            Limit::HttpHeaders => limits.max_http_headers,
            Limit::HttpHeaderLen => limits.max_http_header_len,
        }
    }

    /// The field name in [`Limits`], for error messages.
    pub const fn name(self) -> &'static str {
        match self {
            Limit::Depth => "max_depth",
            Limit::Attributes => "max_attributes",
            Limit::NsBindings => "max_ns_bindings",
            Limit::NameLen => "max_name_len",
            Limit::TokenLen => "max_token_len",
            Limit::BodyLen => "max_body_len",
            Limit::ValueLen => "max_value_len",
            Limit::ListLen => "max_list_len",
            Limit::CommandKeyLen => "max_command_key_len",
            Limit::ParameterKeyLen => "max_parameter_key_len",
            Limit::ParameterNameLen => "max_parameter_name_len",
            Limit::DeviceIdFieldLen => "max_device_id_field_len",
            Limit::EventCodeLen => "max_event_code_len",
            Limit::Events => "max_events",
            Limit::Transfers => "max_transfers",
            Limit::TimeWindows => "max_time_windows",
            Limit::FaultStringLen => "max_fault_string_len",
            Limit::UrlLen => "max_url_len",
            Limit::MethodNameLen => "max_method_name_len",
            Limit::CookieBytes => "max_cookie_bytes",
            Limit::HttpHeaders => "max_http_headers",
            Limit::HttpHeaderLen => "max_http_header_len",
        }
    }
}

impl core::fmt::Display for Limit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
