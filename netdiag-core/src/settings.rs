//! App Service app settings as the process sees them (environment variables).
//!
//! Owns which variables the tools read and which may appear in a report. The allow-list
//! is explicit, never a prefix match: App Service also sets secrets whose names start with
//! `WEBSITE_` (for example `WEBSITE_AUTH_ENCRYPTION_KEY`), and customers' own settings
//! (connection strings, keys) are environment variables too.

use std::collections::BTreeMap;

/// Settings that steer DNS resolution.
pub const WEBSITE_DNS_SERVER: &str = "WEBSITE_DNS_SERVER";
pub const WEBSITE_DNS_ALT_SERVER: &str = "WEBSITE_DNS_ALT_SERVER";
pub const WEBSITE_DNS_TIMEOUT: &str = "WEBSITE_DNS_TIMEOUT";
pub const WEBSITE_DNS_ATTEMPTS: &str = "WEBSITE_DNS_ATTEMPTS";
pub const WEBSITE_DNS_MAX_CACHE_TIMEOUT: &str = "WEBSITE_DNS_MAX_CACHE_TIMEOUT";
/// Set by App Service in every app: tells that the tool runs inside an app.
pub const WEBSITE_SITE_NAME: &str = "WEBSITE_SITE_NAME";
/// The app's current source address in the VNET (an address of the P2S pool).
pub const WEBSITE_PRIVATE_IP: &str = "WEBSITE_PRIVATE_IP";

/// The settings a report may show. Everything else in the environment stays out.
pub const REPORTED: &[&str] = &[
    WEBSITE_SITE_NAME,
    "WEBSITE_HOSTNAME",
    "WEBSITE_SKU",
    "WEBSITE_INSTANCE_ID",
    "REGION_NAME",
    WEBSITE_PRIVATE_IP,
    WEBSITE_DNS_SERVER,
    WEBSITE_DNS_ALT_SERVER,
    WEBSITE_DNS_TIMEOUT,
    WEBSITE_DNS_ATTEMPTS,
    WEBSITE_DNS_MAX_CACHE_TIMEOUT,
    "WEBSITE_VNET_ROUTE_ALL",
    "WEBSITE_CONTENTOVERVNET",
];

/// A read-only view of app settings. Built from the process environment by the binaries
/// and from plain pairs by tests, so no test has to mutate its own environment.
#[derive(Debug, Clone, Default)]
pub struct AppSettings {
    values: BTreeMap<String, String>,
}

impl AppSettings {
    /// The allow-listed settings among the variables `var` gives (the binaries pass the
    /// process environment).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        Self::from_pairs(
            REPORTED
                .iter()
                .filter_map(|name| var(name).map(|value| (*name, value))),
        )
    }

    /// Settings from name/value pairs; names outside the allow-list are dropped.
    pub fn from_pairs<N: AsRef<str>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        let values = pairs
            .into_iter()
            .filter(|(name, _)| REPORTED.contains(&name.as_ref()))
            .map(|(name, value)| (name.as_ref().to_owned(), value.into()))
            .collect();
        Self { values }
    }

    /// These settings, with the allow-listed ones of `other` (an exported snapshot's)
    /// filling the gaps: the process's own environment wins.
    #[must_use]
    pub fn or_from(mut self, other: &BTreeMap<String, String>) -> Self {
        for (name, value) in other {
            if REPORTED.contains(&name.as_str()) && !self.values.contains_key(name) {
                self.values.insert(name.clone(), value.clone());
            }
        }
        self
    }

    /// The value of a setting; a setting that is set but blank counts as unset, as App
    /// Service treats it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    }

    /// Whether the tool runs inside an App Service app.
    pub fn in_app_service(&self) -> bool {
        self.get(WEBSITE_SITE_NAME).is_some()
    }

    /// The settings as they go into a report (allow-listed by construction).
    pub fn reported(&self) -> &BTreeMap<String, String> {
        &self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allow_listed_settings_are_kept() {
        let settings = AppSettings::from_pairs([
            ("WEBSITE_DNS_SERVER", "10.0.0.4"),
            ("WEBSITE_AUTH_ENCRYPTION_KEY", "secret"),
            ("SQLCONNSTR_main", "Server=db;Password=hunter2"),
        ]);
        assert_eq!(settings.get(WEBSITE_DNS_SERVER), Some("10.0.0.4"));
        assert_eq!(settings.get("WEBSITE_AUTH_ENCRYPTION_KEY"), None);
        assert_eq!(settings.reported().len(), 1);
    }

    #[test]
    fn blank_setting_counts_as_unset() {
        let settings = AppSettings::from_pairs([(WEBSITE_DNS_SERVER, "  ")]);
        assert_eq!(settings.get(WEBSITE_DNS_SERVER), None);
    }
}
