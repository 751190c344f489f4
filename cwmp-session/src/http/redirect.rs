//! Following redirects (RFC 9110 §15.4) with a bound, without ever treating
//! the target as the new ACS URL: the layer reports where to go for this
//! session only; persisting it is not something this module can do.

use super::url::{Scheme, Url, UrlError};

/// What to do after a 3xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RedirectPolicy {
    /// Redirects followed in one session before [`RedirectError::TooMany`].
    pub max_redirects: u8,
    /// Follow an `https` URL to an `http` one (a downgrade; off by default).
    pub allow_downgrade: bool,
}

impl RedirectPolicy {
    /// Up to 5 redirects (as catawampus), no downgrade.
    pub const DEFAULT: RedirectPolicy = RedirectPolicy { max_redirects: 5, allow_downgrade: false };
}

impl Default for RedirectPolicy {
    fn default() -> Self {
        RedirectPolicy::DEFAULT
    }
}

/// Why a redirect is not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RedirectError {
    /// More redirects than the policy allows: a loop or a chain too long.
    #[error("more than {max} redirects")]
    TooMany {
        /// The policy's bound.
        max: u8,
    },
    /// A 3xx without `Location`.
    #[error("redirect without Location")]
    NoLocation,
    /// `Location` is not an absolute http(s) URL.
    #[error("bad redirect Location: {0}")]
    BadLocation(UrlError),
    /// `https` to `http` while the policy forbids it.
    #[error("redirect from https to http refused")]
    Downgrade,
}

/// The request to send after a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Redirect<'a> {
    /// Where to send it: for this session only.
    pub url: Url<'a>,
    /// Resend the same method and body (307, 308; also 301/302 for POST, as
    /// CWMP clients do); `false` for 303: switch to GET without body.
    pub keep_method: bool,
}

/// Redirect bookkeeping of one session: plain data, reset per session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Redirects {
    /// Redirects followed so far.
    pub followed: u8,
    /// The policy.
    pub policy: RedirectPolicy,
}

impl Redirects {
    /// A fresh counter.
    pub fn new(policy: RedirectPolicy) -> Redirects {
        Redirects { followed: 0, policy }
    }

    /// A status is a redirect this module handles: 301, 302, 303, 307, 308.
    pub fn is_redirect(status: u16) -> bool {
        matches!(status, 301 | 302 | 303 | 307 | 308)
    }

    /// For a redirect response (`status`, `location`) to a request sent to
    /// `current`: the next request, or why not. Counts the redirect.
    pub fn follow<'a>(
        &mut self,
        current: &Url<'_>,
        status: u16,
        location: Option<&'a str>,
    ) -> Result<Redirect<'a>, RedirectError> {
        if self.followed >= self.policy.max_redirects {
            return Err(RedirectError::TooMany { max: self.policy.max_redirects });
        }
        let url = Url::parse(location.ok_or(RedirectError::NoLocation)?).map_err(RedirectError::BadLocation)?;
        if current.scheme == Scheme::Https && url.scheme == Scheme::Http && !self.policy.allow_downgrade {
            return Err(RedirectError::Downgrade);
        }
        self.followed += 1;
        Ok(Redirect { url, keep_method: status != 303 })
    }
}
