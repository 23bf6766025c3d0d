//! The checks as data: one [`CheckSpec`] per check (its id, stage, the integration modes
//! it applies to, its title, and the function that decides it), in the order of the docs'
//! troubleshooting tree. A check function returns a [`Finding`] (status, evidence, remedy)
//! and nothing else: the id, stage and title come from here, and so does the skip for a
//! check of the other integration mode.
//!
//! To add a check: write its function in the file of its stage, and add one entry below.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use super::scene::Scene;
use super::{
    Check, Inputs, Stage, Status, addresses, app, gateway, host, nsgs, path, private_endpoint,
    probe, regional,
};

/// How the app is joined to its VNET.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Gateway-required: a point-to-site VPN from the app's worker to the VNET gateway.
    Gateway,
    /// Regional: the app's outbound traffic leaves from a delegated subnet of the VNET.
    Regional,
    /// The snapshot shows no integration of the app (or there is no snapshot).
    None,
}

impl Mode {
    /// As the checklist says it: "does not apply to regional integration".
    pub fn describe(self) -> &'static str {
        match self {
            Self::Gateway => "gateway-required integration",
            Self::Regional => "regional integration",
            Self::None => "no VNET integration",
        }
    }
}

/// Which integration modes a check belongs to (the contract's `mode` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    Both,
    Gateway,
    Regional,
}

impl Applies {
    /// The mode a check does not belong to, when the snapshot shows that mode.
    fn excludes(self, mode: Mode) -> Option<Mode> {
        match (self, mode) {
            (Self::Gateway, Mode::Regional) | (Self::Regional, Mode::Gateway) => Some(mode),
            _ => None,
        }
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
        }
    }

    /// The snapshot lacks a resource that `export` brings.
    pub fn missing_resource(what: impl Into<Cow<'static, str>>, export: &'static str) -> Self {
        Self::Missing {
            what: what.into(),
            export: Some(export),
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
            Self::OtherMode(mode) => write!(f, "does not apply to {}", mode.describe()),
        }
    }
}

/// The value a check needs, or (from the check function) the skip that says why it cannot
/// decide: `let gateway = or_skip!(gateway_or_skip(scene));`.
macro_rules! or_skip {
    ($needed:expr) => {
        match $needed {
            Ok(value) => value,
            Err(why) => return $crate::checklist::registry::Finding::skip(why),
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
    pub details: Option<serde_json::Value>,
    pub skip: Option<SkipReason>,
}

impl Finding {
    pub fn new(status: Status, evidence: impl Into<String>, remedy: impl Into<String>) -> Self {
        Self {
            status,
            evidence: evidence.into(),
            remedy: remedy.into(),
            details: None,
            skip: None,
        }
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
        Self {
            skip: Some(reason),
            ..Self::new(Status::Skip, evidence, remedy)
        }
    }
}

/// One check of the list, as data.
#[derive(Clone, Copy)]
pub struct CheckSpec {
    /// Stable: support tooling and the report's `verdict.cause` use it.
    pub id: &'static str,
    pub stage: Stage,
    pub applies: Applies,
    pub title: &'static str,
    /// A standing notice (it warns whenever it applies): the verdict names any other
    /// warning before it.
    pub advisory: bool,
    decide: fn(&Scene<'_>) -> Finding,
}

const fn spec(
    id: &'static str,
    stage: Stage,
    applies: Applies,
    title: &'static str,
    decide: fn(&Scene<'_>) -> Finding,
) -> CheckSpec {
    CheckSpec {
        id,
        stage,
        applies,
        title,
        advisory: false,
        decide,
    }
}

/// A check that is a standing notice: see [`CheckSpec::advisory`].
const fn advisory(spec: CheckSpec) -> CheckSpec {
    CheckSpec {
        advisory: true,
        ..spec
    }
}

/// Every check, in the order of the troubleshooting tree (the contract's table).
pub static REGISTRY: &[CheckSpec] = &[
    spec(
        "dns.reachable",
        Stage::Probe,
        Applies::Both,
        "Every DNS server asked answers in time",
        probe::dns_reachable,
    ),
    spec(
        "dns.resolves",
        Stage::Probe,
        Applies::Both,
        "The name resolves",
        probe::dns_resolves,
    ),
    spec(
        "tcp.connect",
        Stage::Probe,
        Applies::Both,
        "A TCP connection opens",
        probe::tcp_connect,
    ),
    spec(
        "dns.configured",
        Stage::App,
        Applies::Both,
        "The app has DNS servers for the VNET",
        app::dns_configured,
    ),
    spec(
        "dns.private-endpoint",
        Stage::App,
        Applies::Both,
        "A private endpoint's name resolves to its private IP",
        private_endpoint::dns_private_endpoint,
    ),
    spec(
        "app.platform",
        Stage::App,
        Applies::Gateway,
        "The app can use gateway-required integration (Windows code app, dedicated plan)",
        app::app_platform,
    ),
    spec(
        "app.private-ip",
        Stage::App,
        Applies::Both,
        "The app has a private address in its source range",
        app::app_private_ip,
    ),
    spec(
        "plan.tier",
        Stage::App,
        Applies::Both,
        "The plan's tier supports VNET Integration",
        app::plan_tier,
    ),
    spec(
        "plan.vnet-limit",
        Stage::App,
        Applies::Gateway,
        "At most 5 VNETs integrated in the plan",
        app::plan_vnet_limit,
    ),
    spec(
        "app.single-vnet",
        Stage::App,
        Applies::Both,
        "The app has one VNET Integration connection",
        app::app_single_vnet,
    ),
    spec(
        "vnet.same-subscription",
        Stage::App,
        Applies::Gateway,
        "VNET and plan in the same subscription",
        app::vnet_same_subscription,
    ),
    spec(
        "vnet.location",
        Stage::App,
        Applies::Both,
        "VNET and plan in the same region",
        app::vnet_location,
    ),
    spec(
        "gateway.present",
        Stage::Integration,
        Applies::Gateway,
        "The VNET has a virtual network gateway",
        gateway::gateway_present,
    ),
    spec(
        "gateway.type",
        Stage::Integration,
        Applies::Gateway,
        "The gateway is a VPN gateway",
        gateway::gateway_type,
    ),
    spec(
        "gateway.routing",
        Stage::Integration,
        Applies::Gateway,
        "The VPN gateway is route-based",
        gateway::gateway_routing,
    ),
    spec(
        "gateway.p2s",
        Stage::Integration,
        Applies::Gateway,
        "Point-to-site is configured on the gateway",
        gateway::gateway_p2s,
    ),
    spec(
        "gateway.p2s-protocols",
        Stage::Integration,
        Applies::Gateway,
        "The gateway offers SSTP, without IKEv2 beside it",
        gateway::gateway_p2s_protocols,
    ),
    spec(
        "gateway.p2s-auth",
        Stage::Integration,
        Applies::Gateway,
        "The gateway accepts certificate authentication",
        gateway::gateway_p2s_auth,
    ),
    spec(
        "gateway.status",
        Stage::Integration,
        Applies::Gateway,
        "The gateway and its connections are up",
        gateway::gateway_status,
    ),
    spec(
        "gateway.subnet",
        Stage::Integration,
        Applies::Gateway,
        "The GatewaySubnet has no NSG and no route that diverts the gateway",
        gateway::gateway_subnet,
    ),
    advisory(spec(
        "gateway.retirement",
        Stage::Integration,
        Applies::Gateway,
        "Gateway-required integration is retiring",
        gateway::gateway_retirement,
    )),
    spec(
        "certs.in-sync",
        Stage::Integration,
        Applies::Gateway,
        "The app's certificate is one of the gateway's P2S root certificates",
        gateway::certs_in_sync,
    ),
    spec(
        "certs.valid",
        Stage::Integration,
        Applies::Gateway,
        "The app's certificate is valid, and the gateway has room for roots",
        gateway::certs_valid,
    ),
    spec(
        "network.in-sync",
        Stage::Integration,
        Applies::Gateway,
        "The app's routes and DNS match the VNET (Sync Network)",
        gateway::network_in_sync,
    ),
    spec(
        "regional.subnet",
        Stage::Integration,
        Applies::Regional,
        "The integration subnet is in the app's VNET",
        regional::regional_subnet,
    ),
    spec(
        "regional.delegation",
        Stage::Integration,
        Applies::Regional,
        "The subnet is delegated to Microsoft.Web/serverFarms",
        regional::regional_delegation,
    ),
    spec(
        "regional.subnet-size",
        Stage::Integration,
        Applies::Regional,
        "The subnet is large enough for the plan to scale",
        regional::regional_subnet_size,
    ),
    spec(
        "regional.subnet-in-use",
        Stage::Integration,
        Applies::Regional,
        "The subnet is used by the app's plan alone",
        regional::regional_subnet_in_use,
    ),
    spec(
        "p2s.rfc1918",
        Stage::Addresses,
        Applies::Gateway,
        "The P2S pool is inside RFC 1918",
        addresses::p2s_rfc1918,
    ),
    spec(
        "address.overlap",
        Stage::Addresses,
        Applies::Both,
        "VNET, source range, peered and on-premises spaces do not overlap",
        addresses::address_overlap,
    ),
    spec(
        "route.target",
        Stage::Addresses,
        Applies::Both,
        "The target is routed into the VNET",
        addresses::route_target,
    ),
    spec(
        "vnet.peering",
        Stage::Path,
        Applies::Both,
        "A target in a peered VNET is reachable through the peering",
        path::vnet_peering,
    ),
    spec(
        "nsg.outbound",
        Stage::Path,
        Applies::Regional,
        "The integration subnet's NSG lets the whole subnet out to the target port",
        nsgs::nsg_outbound,
    ),
    spec(
        "nsg.p2s-to-target",
        Stage::Path,
        Applies::Gateway,
        "NSGs allow the whole P2S pool to the target port",
        nsgs::nsg_p2s_to_target,
    ),
    spec(
        "nsg.inbound",
        Stage::Path,
        Applies::Regional,
        "NSGs allow the whole integration subnet to the target port",
        nsgs::nsg_inbound,
    ),
    spec(
        "udr.app-subnet",
        Stage::Path,
        Applies::Regional,
        "The integration subnet's routes carry the target",
        path::udr_app_subnet,
    ),
    spec(
        "udr.return-path",
        Stage::Path,
        Applies::Both,
        "The target's subnet routes replies back the way they came",
        path::udr_return_path,
    ),
    spec(
        "onprem.s2s-connected",
        Stage::Path,
        Applies::Gateway,
        "The site-to-site connection to the target's network is up",
        path::onprem_s2s_connected,
    ),
    spec(
        "onprem.p2s-route",
        Stage::Path,
        Applies::Gateway,
        "On-premises routes the P2S pool back",
        path::onprem_p2s_route,
    ),
    spec(
        "host.firewall",
        Stage::Host,
        Applies::Both,
        "The target host's firewall allows the app's whole source range",
        host::host_firewall,
    ),
    spec(
        "host.listening",
        Stage::Host,
        Applies::Both,
        "Something listens on the port",
        host::host_listening,
    ),
    spec(
        "vm.cross-check",
        Stage::Host,
        Applies::Both,
        "The same host:port works from a VM in the VNET",
        host::vm_cross_check,
    ),
];

/// What one run of the registry found: the checks, the mode and why, and where the
/// target's address came from when it was not resolved.
pub(super) struct Evaluated {
    pub checks: Vec<Check>,
    pub mode: Mode,
    pub mode_reason: String,
    pub target_note: Option<String>,
}

/// Runs every check of the registry, in its order.
pub(super) fn evaluate(inputs: &Inputs<'_>) -> Evaluated {
    let scene = Scene::new(inputs);
    let checks = REGISTRY
        .iter()
        .map(|spec| {
            let finding = match spec.applies.excludes(scene.mode) {
                Some(mode) => Finding::skip(SkipReason::OtherMode(mode)),
                None => (spec.decide)(&scene),
            };
            Check {
                id: spec.id,
                stage: spec.stage,
                status: finding.status,
                title: spec.title,
                evidence: finding.evidence,
                remedy: finding.remedy,
                details: finding.details,
                skip: finding.skip,
                advisory: spec.advisory,
            }
        })
        .collect::<Vec<Check>>();
    let mut checks = checks;
    if let Some(snapshot) = inputs.snapshot {
        name_the_gaps(&mut checks, &snapshot.unavailable);
    }
    Evaluated {
        checks,
        mode: scene.mode,
        mode_reason: scene.mode_reason,
        target_note: scene.target_note,
    }
}

/// `--azure`: a check left without data, or warning about a resource it could not see,
/// names what Azure answered for that resource and the role that would let it read it.
fn name_the_gaps(checks: &mut [Check], unavailable: &[crate::snapshot::Unavailable]) {
    for check in checks
        .iter_mut()
        .filter(|c| matches!(c.status, Status::Skip | Status::Warn))
    {
        let missing = matches!(check.skip, Some(SkipReason::Missing { .. }));
        let named = unavailable.iter().find(|u| {
            let described = crate::snapshot::describe_id(&u.id);
            check.evidence.contains(&described)
                || u.id
                    .rsplit('/')
                    .next()
                    .is_some_and(|name| check.evidence.contains(&format!(" {name} ")))
        });
        match (named, missing) {
            (Some(gap), _) => {
                check.evidence = format!("{}; {}", check.evidence, gap.note());
                check.remedy = gap.remedy();
            }
            (None, true) if !unavailable.is_empty() => {
                // Which of them the check lacked is not known: name them all (few).
                let mut notes: Vec<String> = unavailable
                    .iter()
                    .take(3)
                    .map(crate::snapshot::Unavailable::note)
                    .collect();
                if unavailable.len() > 3 {
                    notes.push(format!("{} more in the header", unavailable.len() - 3));
                }
                check.evidence = format!("{}; {}", check.evidence, notes.join("; "));
                check.remedy = unavailable[0].remedy();
            }
            _ => {}
        }
    }
}
