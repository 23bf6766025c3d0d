//! The checklist's vocabulary, which every file of `checklist/` speaks and none of them
//! defines elsewhere: where a check stands ([`Stage`]), what it found ([`Status`],
//! [`Finding`], [`Check`]), why it could not decide ([`SkipReason`], `or_skip!`), the
//! integration mode ([`Mode`]) and the app's source range ([`SourceKind`]). It imports no
//! other file of the checklist.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::nsg::PathAnalysis;
use crate::routes::ReturnPath;

/// Where a check stands in the troubleshooting tree.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Probe,
    App,
    /// The integration itself: the gateway and certificates, or the regional subnet.
    Integration,
    Addresses,
    Path,
    /// The target's own service, and the platform's traffic (content share, image pull,
    /// Key Vault references).
    Target,
    Host,
}

impl Stage {
    pub fn title(self) -> &'static str {
        match self {
            Self::Probe => "What the probes saw",
            Self::App => "App and plan",
            Self::Integration => "VNET Integration: gateway and certificates, or the subnet",
            Self::Addresses => "Addresses and routes",
            Self::Path => "The path: peering, NSGs, UDRs, on-premises",
            Self::Target => "The other end: the target's service, and the platform's own traffic",
            Self::Host => "On the target host",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    /// Not decided: the evidence says what is missing.
    Skip,
    /// A step only a person can do.
    Manual,
}

/// The structured data behind a check's evidence: one shape per family of checks, so that
/// the report's schema describes each (the JSON carries the shape's fields, no tag).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Details {
    /// `nsg.p2s-to-target`, `nsg.inbound`, `nsg.outbound`: the source range, partitioned
    /// by the rules that decide it.
    Nsg(NsgDetails),
    /// `udr.return-path`: the source range, split by where the target subnet's routes send
    /// replies to it.
    Routes(ReturnPath),
    /// `dns.private-endpoint`: what should answer the name and what did.
    Dns(PrivateNameDetails),
    /// `certs.in-sync`: the app's certificate and the gateway's roots, as thumbprints.
    Certificates(CertificateDetails),
}

/// The NSG analysis of one direction (`nsg.*` checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NsgDetails {
    /// The app's source range as CIDR blocks (the P2S pool or the integration subnet).
    pub pool: Vec<String>,
    /// The address the flow goes to.
    pub target: String,
    pub port: u16,
    /// `allowed`, `blocked`, `undecided`: ranges covering the pool, each with its NSG
    /// and rule.
    #[serde(flatten)]
    pub analysis: PathAnalysis,
}

/// A name of a private endpoint and how the app's DNS resolves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PrivateNameDetails {
    pub name: String,
    /// The `privatelink.` zone that should answer it.
    pub zone: String,
    /// The private endpoint that owns the name, when the snapshot has it.
    pub endpoint: Option<String>,
    pub private_addresses: Vec<IpAddr>,
    /// The VNET whose Azure DNS resolves for the app (null: not known).
    pub resolver_vnet: Option<String>,
    /// The zone is linked to that VNET.
    pub zone_linked: bool,
    /// The app's own DNS servers, when it has any but Azure DNS.
    pub custom_dns_servers: Vec<IpAddr>,
    /// What the app's servers answered (null without a probe or an answer).
    pub answered: Option<Vec<IpAddr>>,
    /// The servers asked, in order (null without a probe).
    pub servers_asked: Option<Vec<String>>,
}

/// `certs.in-sync`: thumbprints, never the certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CertificateDetails {
    pub app_thumbprint: String,
    pub gateway_root_certificates: Vec<String>,
}

/// One check of the list.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Check {
    pub id: &'static str,
    pub stage: Stage,
    pub status: Status,
    pub title: &'static str,
    pub evidence: String,
    pub remedy: String,
    /// Structured data behind the evidence, where it helps (NSG ranges, routes).
    pub details: Option<Details>,
    /// Why the check said `skip` (the evidence says it in words); the report gives its
    /// kind (`missing`, `other-mode`, ...), what a reader of a saved report needs to
    /// draw the checklist as the run did.
    #[serde(serialize_with = "skip_kind")]
    #[schemars(with = "Option<SkipKind>")]
    pub skip: Option<SkipReason>,
    /// The ARM ids of referenced resources the check could not see.
    #[serde(skip)]
    pub lacking: Vec<String>,
    /// A standing notice, named after any other warning.
    #[serde(skip)]
    pub advisory: bool,
}

/// Why a check skipped, as the report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SkipKind {
    /// The run had no network snapshot.
    NoSnapshot,
    /// The snapshot lacks a resource (the remedy says how to bring it).
    Missing,
    /// The run did not do what the check is about (resolve a name, probe).
    NotProbed,
    /// Only another run can tell (inside the app, with a probe).
    Needs,
    /// The check does not apply to this target.
    NotApplicable,
    /// The check belongs to another integration mode than the app's.
    OtherMode,
}

impl SkipReason {
    pub fn kind(&self) -> SkipKind {
        match self {
            Self::NoSnapshot => SkipKind::NoSnapshot,
            Self::Missing { .. } => SkipKind::Missing,
            Self::NotProbed(_) => SkipKind::NotProbed,
            Self::Needs { .. } => SkipKind::Needs,
            Self::NotApplicable(_) => SkipKind::NotApplicable,
            Self::OtherMode(_) => SkipKind::OtherMode,
        }
    }
}

// serde's `serialize_with` hands over `&Option<T>`.
#[allow(clippy::ref_option)]
fn skip_kind<S: serde::Serializer>(
    skip: &Option<SkipReason>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    skip.as_ref().map(SkipReason::kind).serialize(serializer)
}

/// How the app is joined to its VNET.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Gateway-required: a point-to-site VPN from the app's worker to the VNET gateway.
    Gateway,
    /// Regional: the app's outbound traffic leaves from a delegated subnet of the VNET.
    Regional,
    /// The snapshot shows no integration of the app (or there is no snapshot).
    None,
    /// The app itself could not be read (`--azure` answered 401, 403 or 404 for the site,
    /// or could not be reached): its integration is not known.
    Unknown,
}

impl Mode {
    /// As the checklist says it: "does not apply to regional integration".
    pub fn describe(self) -> &'static str {
        match self {
            Self::Gateway => "gateway-required integration",
            Self::Regional => "regional integration",
            Self::None => "no VNET integration",
            Self::Unknown => "unknown",
        }
    }

    /// The mode as the subject a check does not apply to.
    pub fn as_subject(self) -> &'static str {
        match self {
            Self::None => "an app without VNET integration",
            Self::Unknown => "an app that could not be read",
            other => other.describe(),
        }
    }
}

/// Which of the app's address ranges its traffic leaves from: the P2S pool
/// (gateway-required) or the integration subnet (regional).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    P2sPool,
    IntegrationSubnet,
}

impl SourceKind {
    /// As evidence and remedies name it: "P2S pool", "integration subnet".
    pub fn name(self) -> &'static str {
        match self {
            Self::P2sPool => "P2S pool",
            Self::IntegrationSubnet => "integration subnet",
        }
    }

    /// How evidence names part of it: "the pool" keeps the P2S wording short; "the
    /// integration subnet" stays whole.
    pub fn short(self) -> &'static str {
        match self {
            Self::P2sPool => "pool",
            Self::IntegrationSubnet => "integration subnet",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a check said `skip`: what it would need to decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The run had no network snapshot at all.
    NoSnapshot,
    /// The snapshot lacks a resource or a field; says which, and the command that exports
    /// the resource when one does.
    Missing {
        what: Cow<'static, str>,
        export: Option<&'static str>,
        /// The ARM id of the missing resource, where the snapshot references it: what an
        /// unreadable resource of `--azure` is joined to the check by.
        id: Option<String>,
    },
    /// The check is about something this run did not do (resolve a name, probe).
    NotProbed(Cow<'static, str>),
    /// The check needs something only another run can give; `remedy` says how.
    Needs {
        what: Cow<'static, str>,
        remedy: &'static str,
    },
    /// The check does not apply to this target (not on-premises, nothing refused).
    NotApplicable(Cow<'static, str>),
    /// The check belongs to the other integration mode.
    OtherMode(Mode),
}

impl SkipReason {
    pub fn missing(what: impl Into<Cow<'static, str>>) -> Self {
        Self::Missing {
            what: what.into(),
            export: None,
            id: None,
        }
    }

    /// The snapshot lacks a resource that `export` brings.
    pub fn missing_resource(what: impl Into<Cow<'static, str>>, export: &'static str) -> Self {
        Self::Missing {
            what: what.into(),
            export: Some(export),
            id: None,
        }
    }

    /// The same, naming the missing resource by the id the snapshot references it by.
    #[must_use]
    pub fn with_id(mut self, resource_id: &str) -> Self {
        if let Self::Missing { id, .. } = &mut self {
            *id = Some(resource_id.to_owned());
        }
        self
    }

    /// The id of the missing resource, when known.
    pub fn missing_id(&self) -> Option<&str> {
        match self {
            Self::Missing { id, .. } => id.as_deref(),
            _ => None,
        }
    }

    /// What would let the check decide.
    pub fn remedy(&self) -> String {
        match self {
            Self::NoSnapshot => "Export the app's network resources (the README lists the az commands) into one directory and pass it with --network, or, inside the app, read them from Azure with --azure.".to_owned(),
            Self::Missing { export: Some(export), .. } => {
                format!("Export it and add it to the snapshot: {export}")
            }
            Self::NotProbed(_) => {
                "Run it without --no-probe to see this on the wire, from the app.".to_owned()
            }
            Self::Needs { remedy, .. } => (*remedy).to_owned(),
            Self::Missing { export: None, .. } | Self::NotApplicable(_) | Self::OtherMode(_) => {
                String::new()
            }
        }
    }

    pub fn not_probed(what: impl Into<Cow<'static, str>>) -> Self {
        Self::NotProbed(what.into())
    }

    pub fn not_applicable(what: impl Into<Cow<'static, str>>) -> Self {
        Self::NotApplicable(what.into())
    }

    pub fn needs(what: impl Into<Cow<'static, str>>, remedy: &'static str) -> Self {
        Self::Needs {
            what: what.into(),
            remedy,
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSnapshot => f.write_str(
                "no network snapshot: export the app's network resources and pass them with --network",
            ),
            Self::Missing { what, .. }
            | Self::Needs { what, .. }
            | Self::NotProbed(what)
            | Self::NotApplicable(what) => f.write_str(what),
            Self::OtherMode(mode) => write!(f, "does not apply to {}", mode.as_subject()),
        }
    }
}

/// The value a check needs, or (from the check function) the skip that says why it cannot
/// decide: `let gateway = or_skip!(gateway_or_skip(scene));`.
macro_rules! or_skip {
    ($needed:expr) => {
        match $needed {
            Ok(value) => value,
            Err(why) => return $crate::checklist::vocab::Finding::skip(why),
        }
    };
}
pub(super) use or_skip;

/// What a check found: everything of a [`Check`] but what the registry knows.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub status: Status,
    pub evidence: String,
    pub remedy: String,
    pub details: Option<Details>,
    pub skip: Option<SkipReason>,
    /// The ARM ids of referenced resources the check could not see (a skip's, or a
    /// warning's: an NSG referenced but not in the snapshot).
    pub lacking: Vec<String>,
    /// The remedy changes what DNS answers: the evaluation ends it with how long the app
    /// may keep the old answer (its DNS cache time).
    pub changes_dns: bool,
}

impl Finding {
    pub fn new(status: Status, evidence: impl Into<String>, remedy: impl Into<String>) -> Self {
        Self {
            status,
            evidence: evidence.into(),
            remedy: remedy.into(),
            details: None,
            skip: None,
            lacking: Vec::new(),
            changes_dns: false,
        }
    }

    /// The same finding, whose remedy changes what DNS answers (see
    /// [`Finding::changes_dns`]).
    #[must_use]
    pub fn changing_dns(mut self) -> Self {
        self.changes_dns = true;
        self
    }

    /// The same finding, naming the resources it could not see by id.
    #[must_use]
    pub fn lacking(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.lacking.extend(ids);
        self
    }

    pub fn pass(evidence: impl Into<String>) -> Self {
        Self::new(Status::Pass, evidence, "")
    }

    pub fn fail(evidence: impl Into<String>, remedy: impl Into<String>) -> Self {
        Self::new(Status::Fail, evidence, remedy)
    }

    pub fn warn(evidence: impl Into<String>, remedy: impl Into<String>) -> Self {
        Self::new(Status::Warn, evidence, remedy)
    }

    /// A step only a person can do.
    pub fn manual(evidence: impl Into<String>, remedy: impl Into<String>) -> Self {
        Self::new(Status::Manual, evidence, remedy)
    }

    pub fn skip(reason: SkipReason) -> Self {
        let evidence = reason.to_string();
        let remedy = reason.remedy();
        let lacking = reason.missing_id().map(str::to_owned).into_iter().collect();
        Self {
            skip: Some(reason),
            lacking,
            ..Self::new(Status::Skip, evidence, remedy)
        }
    }
}
