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
/// The deployment slot the tool runs in (`Production` in the production slot).
pub const WEBSITE_SLOT_NAME: &str = "WEBSITE_SLOT_NAME";
/// The app's current source address in the VNET (an address of the P2S pool).
pub const WEBSITE_PRIVATE_IP: &str = "WEBSITE_PRIVATE_IP";

/// Route All for regional integration, as an app setting (`1` turns it on).
pub const WEBSITE_VNET_ROUTE_ALL: &str = "WEBSITE_VNET_ROUTE_ALL";

/// The settings a report may show. Everything else in the environment stays out.
pub const REPORTED: &[&str] = &[
    WEBSITE_SITE_NAME,
    WEBSITE_SLOT_NAME,
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
    WEBSITE_VNET_ROUTE_ALL,
    WEBSITE_CONTENTOVERVNET,
    WEBSITE_PULL_IMAGE_OVER_VNET,
];

/// Content-share traffic through the VNET, as an app setting (`1` turns it on).
pub const WEBSITE_CONTENTOVERVNET: &str = "WEBSITE_CONTENTOVERVNET";
/// Image pull through the VNET, as an app setting (`true` turns it on).
pub const WEBSITE_PULL_IMAGE_OVER_VNET: &str = "WEBSITE_PULL_IMAGE_OVER_VNET";
/// The content share's connection string (Functions, Elastic Premium): a secret; only its
/// account name is kept.
pub const WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: &str =
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING";

/// What the checklist may know of the app's secret settings, derived once and the values
/// dropped: the content share's storage account name, and which settings are Key Vault
/// references to which vault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretFacts {
    /// `AccountName=` of `WEBSITE_CONTENTAZUREFILECONNECTIONSTRING`.
    pub content_share_account: Option<String>,
    /// Settings whose value is `@Microsoft.KeyVault(...)`, by name, with the vault named.
    pub key_vault_refs: Vec<KeyVaultRef>,
}

/// An app setting that is a Key Vault reference: the setting's name and the vault's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVaultRef {
    pub setting: String,
    pub vault: String,
}

impl SecretFacts {
    /// The facts of every name/value pair (values are looked at here and nowhere else).
    fn of<N: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (N, V)>) -> Self {
        let mut facts = Self::default();
        for (name, value) in pairs {
            let (name, value) = (name.as_ref(), value.as_ref().trim());
            if name.eq_ignore_ascii_case(WEBSITE_CONTENTAZUREFILECONNECTIONSTRING) {
                facts.content_share_account = connection_string_part(value, "AccountName");
            }
            if let Some(vault) = key_vault_of(value) {
                facts.key_vault_refs.push(KeyVaultRef {
                    setting: name.to_owned(),
                    vault,
                });
            }
        }
        facts
    }

    /// These facts, with `other`'s filling the gaps.
    fn or(mut self, other: Self) -> Self {
        if self.content_share_account.is_none() {
            self.content_share_account = other.content_share_account;
        }
        for reference in other.key_vault_refs {
            if !self
                .key_vault_refs
                .iter()
                .any(|r| r.setting.eq_ignore_ascii_case(&reference.setting))
            {
                self.key_vault_refs.push(reference);
            }
        }
        self
    }
}

/// A `key=value;` part of a storage connection string.
fn connection_string_part(value: &str, key: &str) -> Option<String> {
    value
        .split(';')
        .filter_map(|part| part.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(key))
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The vault of a Key Vault reference: `@Microsoft.KeyVault(VaultName=NAME;SecretName=..)`
/// or `@Microsoft.KeyVault(SecretUri=https://NAME.vault.azure.net/secrets/..)`
/// ("Use Key Vault references as app settings",
/// <https://learn.microsoft.com/azure/app-service/app-service-key-vault-references>).
fn key_vault_of(value: &str) -> Option<String> {
    let prefix = "@microsoft.keyvault(";
    if !value.to_ascii_lowercase().starts_with(prefix) {
        return None;
    }
    let inner = value[prefix.len()..].trim_end_matches(')');
    if let Some(name) = connection_string_part(inner, "VaultName") {
        return Some(name.to_ascii_lowercase());
    }
    let uri = connection_string_part(inner, "SecretUri")?;
    let host = uri
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .next()?;
    host.split('.')
        .next()
        .filter(|n| !n.is_empty())
        .map(str::to_ascii_lowercase)
}

/// Where the checklist took the app's settings from (the report's `snapshot.settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SettingsSource {
    /// This process: the tool runs inside the app.
    Environment,
    /// The snapshot's exported app settings: the tool runs elsewhere.
    Snapshot,
}

/// A read-only view of app settings. Built from the process environment by the binaries
/// and from plain pairs by tests, so no test has to mutate its own environment.
#[derive(Debug, Clone, Default)]
pub struct AppSettings {
    values: BTreeMap<String, String>,
    /// What the secret settings tell, without their values.
    facts: SecretFacts,
    /// Where a run with a snapshot took the app's settings from (see [`Self::for_app`]).
    source: Option<SettingsSource>,
    /// The names of this machine's own settings that were set aside because the run is
    /// not inside the app the checklist is about.
    set_aside: Vec<String>,
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
    /// Settings from name/value pairs (the whole environment, in the binaries): names
    /// outside the allow-list are dropped, once the secret ones have given their facts.
    pub fn from_pairs<N: AsRef<str>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        let pairs: Vec<(N, String)> = pairs.into_iter().map(|(n, v)| (n, v.into())).collect();
        let facts = SecretFacts::of(pairs.iter().map(|(n, v)| (n.as_ref(), v.as_str())));
        let values = pairs
            .into_iter()
            .filter(|(name, _)| REPORTED.contains(&name.as_ref()))
            .map(|(name, value)| (name.as_ref().to_owned(), value))
            .collect();
        Self {
            values,
            facts,
            source: None,
            set_aside: Vec::new(),
        }
    }

    /// What the app's secret settings tell (the content share's account, Key Vault
    /// references), never their values.
    pub fn facts(&self) -> &SecretFacts {
        &self.facts
    }

    /// The app's settings for a run with a snapshot whose app is `app_name`: the process's
    /// own (`environment`) only when the tool runs inside that app (its
    /// `WEBSITE_SITE_NAME` is the app's name, or the snapshot holds no app to compare
    /// with), the exported ones filling the gaps; elsewhere (a support engineer's machine)
    /// the exported ones alone, and the machine's own are named as set aside.
    #[must_use]
    pub fn for_app(
        environment: &Self,
        exported: &BTreeMap<String, String>,
        app_name: Option<&str>,
    ) -> Self {
        let here = environment.running_in();
        let inside = match (here.as_deref(), app_name) {
            (Some(here), Some(app)) => here.eq_ignore_ascii_case(app),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if inside {
            let mut settings = environment.clone().or_from(exported);
            settings.source = Some(SettingsSource::Environment);
            return settings;
        }
        let mut settings = Self::default().or_from(exported);
        settings.facts = SecretFacts::of(exported);
        settings.set_aside = environment.values.keys().cloned().collect();
        settings.source = (!settings.values.is_empty()).then_some(SettingsSource::Snapshot);
        settings
    }

    /// Where the app's settings came from in a run with a snapshot: this process (inside
    /// the app, the snapshot's filling its gaps), or the snapshot alone.
    pub fn source(&self) -> Option<SettingsSource> {
        self.source
    }

    /// This machine's settings that were not taken as the app's (see [`Self::for_app`]).
    pub fn set_aside(&self) -> &[String] {
        &self.set_aside
    }

    /// These settings, with the allow-listed ones of `other` (an exported snapshot's)
    /// filling the gaps: the process's own environment wins.
    #[must_use]
    pub fn or_from(mut self, other: &BTreeMap<String, String>) -> Self {
        self.facts = std::mem::take(&mut self.facts).or(SecretFacts::of(other));
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

    /// The site the tool runs in, as ARM names it: `WEBSITE_SITE_NAME`, or `APP/SLOT` in a
    /// deployment slot (`WEBSITE_SLOT_NAME` other than `Production`).
    pub fn running_in(&self) -> Option<String> {
        let site = self.get(WEBSITE_SITE_NAME)?;
        Some(match self.get(WEBSITE_SLOT_NAME) {
            Some(slot) if !slot.eq_ignore_ascii_case("Production") => format!("{site}/{slot}"),
            _ => site.to_owned(),
        })
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
    fn secret_settings_give_facts_and_never_their_values() {
        let settings = AppSettings::from_pairs([
            (
                "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
                "DefaultEndpointsProtocol=https;AccountName=stfuncdemo;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net",
            ),
            (
                "DbPassword",
                "@Microsoft.KeyVault(VaultName=KV-Orders;SecretName=db)",
            ),
            (
                "ApiKey",
                "@Microsoft.KeyVault(SecretUri=https://kv-api.vault.azure.net/secrets/api/)",
            ),
            ("Plain", "not a reference"),
        ]);
        assert_eq!(
            settings.facts().content_share_account.as_deref(),
            Some("stfuncdemo")
        );
        assert_eq!(
            settings.facts().key_vault_refs,
            [
                KeyVaultRef {
                    setting: "DbPassword".into(),
                    vault: "kv-orders".into()
                },
                KeyVaultRef {
                    setting: "ApiKey".into(),
                    vault: "kv-api".into()
                },
            ]
        );
        let debug = format!("{settings:?}");
        assert!(
            !debug.contains("c2VjcmV0") && !debug.contains("SecretName"),
            "{debug}"
        );
        assert!(settings.reported().is_empty());
    }

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

    /// The spec's rule: the process's settings are the app's only inside that app.
    #[test]
    fn the_machines_own_settings_are_the_apps_only_inside_that_app() {
        let exported: BTreeMap<String, String> =
            [("WEBSITE_DNS_SERVER".to_owned(), "10.0.0.4".to_owned())].into();
        let engineer = AppSettings::from_pairs([("WEBSITE_PRIVATE_IP", "10.99.0.5")]);
        let settings = AppSettings::for_app(&engineer, &exported, Some("fabrikam-api"));
        assert_eq!(settings.get(WEBSITE_PRIVATE_IP), None);
        assert_eq!(settings.get(WEBSITE_DNS_SERVER), Some("10.0.0.4"));
        assert_eq!(settings.set_aside(), ["WEBSITE_PRIVATE_IP"]);

        let inside = AppSettings::from_pairs([
            (WEBSITE_SITE_NAME, "Fabrikam-API"),
            (WEBSITE_PRIVATE_IP, "10.20.4.7"),
        ]);
        let settings = AppSettings::for_app(&inside, &exported, Some("fabrikam-api"));
        assert_eq!(settings.get(WEBSITE_PRIVATE_IP), Some("10.20.4.7"));
        assert_eq!(settings.get(WEBSITE_DNS_SERVER), Some("10.0.0.4"));
        assert!(settings.set_aside().is_empty());

        let other_app = AppSettings::from_pairs([(WEBSITE_SITE_NAME, "other-app")]);
        let settings = AppSettings::for_app(&other_app, &exported, Some("fabrikam-api"));
        assert_eq!(settings.get(WEBSITE_SITE_NAME), None);
        assert_eq!(settings.set_aside(), [WEBSITE_SITE_NAME]);
    }
}
