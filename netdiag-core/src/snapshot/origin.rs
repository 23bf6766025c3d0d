//! Where a snapshot read from Azure (`--azure`) came from: each request with its HTTP
//! status, and the resources Azure would not give, with what to grant so that it does.

use serde::Serialize;

use super::{describe_id, resource_group_of};

/// One request made to gather a snapshot, and its HTTP status (0: no answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Fetched {
    pub url: String,
    pub status: u16,
}

/// A resource Azure would not give: its id, the HTTP status and ARM's error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    pub id: String,
    pub status: u16,
    pub code: Option<String>,
    pub message: String,
}

impl Unavailable {
    /// What Azure said, in a few words: `403 AuthorizationFailed`.
    pub fn answer(&self) -> String {
        match &self.code {
            Some(code) => format!("{} {code}", self.status),
            None => self.status.to_string(),
        }
    }

    /// What to do about it.
    pub fn remedy(&self) -> String {
        let scope = self
            .id
            .to_ascii_lowercase()
            .find("/providers/")
            .map_or(self.id.as_str(), |at| &self.id[..at]);
        let Some(group) = resource_group_of(&self.id) else {
            // A subscription-wide list: optional, and only the subscription's Reader lets it.
            return match self.status {
                401 | 403 => format!(
                    "Grant the app's identity the Reader role on the subscription (az role assignment create --assignee PRINCIPAL_ID --role Reader --scope {scope}), or give the private endpoint a DNS zone group that names its zone, then run again."
                ),
                _ => "Run again later: Azure Resource Manager did not answer this request."
                    .to_owned(),
            };
        };
        match self.status {
            401 | 403 => format!(
                "Grant the app's identity the Reader role on resource group {group} (az role assignment create --assignee PRINCIPAL_ID --role Reader --scope {scope}), then run again."
            ),
            404 => format!(
                "{} does not exist: the reference to it is stale, or it is in a subscription the id does not name.",
                describe_id(&self.id)
            ),
            _ => "Run again later: Azure Resource Manager did not answer this request.".to_owned(),
        }
    }

    /// One line for the checklist's header and the evidence of the checks it leaves
    /// without data.
    pub fn note(&self) -> String {
        format!(
            "Azure answered {} for {}",
            self.answer(),
            describe_id(&self.id)
        )
    }
}
