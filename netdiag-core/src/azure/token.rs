//! The bearer token for Azure Resource Manager, from the first source that applies:
//! `--arm-token-file`; the App Service managed identity (`IDENTITY_ENDPOINT` +
//! `IDENTITY_HEADER`, api-version 2019-08-01); the older `MSI_ENDPOINT` + `MSI_SECRET`
//! (api-version 2017-09-01). The identity secrets go in headers and are added to the
//! redaction list before any request; so is the token, once had.

use std::fmt::Write as _;

use serde_json::Value;

use super::http::{Http, check_endpoint, encode};
use super::{AzureEnvironment, AzureError, AzureOptions};

/// The token for Azure Resource Manager at `endpoint`, and where it was had from (for a
/// 401's message).
pub(crate) fn acquire(
    options: &AzureOptions,
    endpoint: &str,
    environment: &AzureEnvironment,
    http: &mut Http,
) -> Result<(String, String), AzureError> {
    let resource = format!("{endpoint}/");
    if let Some(path) = &options.token_file {
        let text = std::fs::read_to_string(path).map_err(|e| AzureError::TokenFile {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let token = text.trim().trim_start_matches("Bearer ").trim().to_owned();
        if token.is_empty() || token.contains(char::is_whitespace) {
            return Err(AzureError::TokenFile {
                path: path.display().to_string(),
                message: "expected one bearer token (az account get-access-token --query accessToken -o tsv)".to_owned(),
            });
        }
        http.secrets_mut().add(&token);
        return Ok((token, format!("--arm-token-file {}", path.display())));
    }
    let (source_name, endpoint, header, secret, api_version, client_param) = match (
        &environment.identity_endpoint,
        &environment.identity_header,
        &environment.msi_endpoint,
        &environment.msi_secret,
    ) {
        (Some(endpoint), Some(header), _, _) => (
            "the managed identity endpoint (IDENTITY_ENDPOINT)",
            endpoint,
            "X-IDENTITY-HEADER",
            header,
            "2019-08-01",
            "client_id",
        ),
        (_, _, Some(endpoint), Some(secret)) => (
            "the MSI endpoint (MSI_ENDPOINT)",
            endpoint,
            "secret",
            secret,
            "2017-09-01",
            "clientid",
        ),
        _ => return Err(environment.no_token()),
    };
    http.secrets_mut().add(secret);
    check_endpoint(endpoint, source_name, true)?;
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    let mut url = format!(
        "{endpoint}{separator}api-version={api_version}&resource={}",
        encode(&resource)
    );
    if let Some(client_id) = &options.client_id {
        let _ = write!(url, "&{client_param}={}", encode(client_id));
    }
    let answer = http
        .get_direct(&url, &[(header, secret.as_str()), ("Metadata", "true")])
        .map_err(|error| match error {
            // The identity endpoint is the platform's, not Azure Resource Manager.
            AzureError::Unreachable { message, .. } => AzureError::Token {
                source_name,
                endpoint: endpoint.clone(),
                message,
            },
            other => other,
        })?;
    let failure = |message: String| AzureError::Token {
        source_name,
        endpoint: endpoint.clone(),
        message,
    };
    let body: Option<Value> = serde_json::from_str(&answer.body).ok();
    if !(200..300).contains(&answer.status) {
        return Err(failure(format!(
            "HTTP {}: {}",
            answer.status,
            message_of(body.as_ref(), &answer.body)
        )));
    }
    let token = body
        .as_ref()
        .and_then(|b| b.get("access_token"))
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| failure("the answer has no access_token".to_owned()))?
        .to_owned();
    http.secrets_mut().add(&token);
    Ok((token, source_name.to_owned()))
}

/// The message an identity endpoint or ARM put in its error answer: `message`,
/// `error.message`, `error_description`, else the start of the body.
pub(crate) fn message_of(body: Option<&Value>, raw: &str) -> String {
    let from_json = body.and_then(|b| {
        b.get("message")
            .or_else(|| b.get("error").and_then(|e| e.get("message")))
            .or_else(|| b.get("error_description"))
            .or_else(|| b.get("Message"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    from_json.unwrap_or_else(|| {
        let raw = raw.trim();
        if raw.is_empty() {
            "(no message)".to_owned()
        } else {
            raw.chars().take(300).collect()
        }
    })
}
