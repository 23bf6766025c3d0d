//! The checks as data: one [`CheckSpec`] per check (its id, stage, the integration modes
//! it applies to, its title, and the function that decides it), in the order of the docs'
//! troubleshooting tree. A check function returns a [`Finding`] (status, evidence, remedy)
//! and nothing else: the id, stage and title come from here, and so does the skip for a
//! check of the other integration mode.
//!
//! To add a check: write its function in the file of its stage, and add one entry below.

use super::inputs::Inputs;
use super::scene::{Scene, export};
use super::vocab::{Check, Finding, Mode, SkipReason, Stage, Status};
use super::{
    addresses, app, dns_path, gateway, host, nsgs, path, private_endpoint, probe, regional, target,
};
use crate::snapshot::{Unavailable, same_id};

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

impl CheckSpec {
    /// Whether the check speaks of an app that has no VNET integration (the others are
    /// about an integration it does not have).
    fn without_integration(&self) -> bool {
        self.stage == Stage::Probe
            || matches!(
                self.id,
                "dns.private-endpoint"
                    | "app.integrated"
                    | "target.public-access"
                    | "platform.key-vault-refs"
                    | "host.listening"
                    | "vm.cross-check"
            )
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
        "dns.path",
        Stage::App,
        Applies::Both,
        "The app's DNS servers are reachable on UDP and TCP 53 from its whole source range",
        dns_path::dns_path,
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
        "app.integrated",
        Stage::App,
        Applies::Both,
        "The app has VNET Integration to reach a private target",
        app::app_integrated,
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
        Applies::Both,
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
        "target.public-access",
        Stage::Target,
        Applies::Both,
        "The target's Azure service admits the app",
        target::target_public_access,
    ),
    spec(
        "nat.outbound-ip",
        Stage::Target,
        Applies::Regional,
        "The public address a public target sees",
        target::nat_outbound_ip,
    ),
    spec(
        "platform.content-share",
        Stage::Target,
        Applies::Regional,
        "The platform reaches the app's content share",
        target::platform_content_share,
    ),
    spec(
        "platform.image-pull",
        Stage::Target,
        Applies::Regional,
        "The platform pulls the app's container image",
        target::platform_image_pull,
    ),
    spec(
        "platform.key-vault-refs",
        Stage::Target,
        Applies::Both,
        "The platform reaches the vaults of Key Vault references",
        target::platform_key_vault_refs,
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
    /// The path, drawn from the checks' statuses.
    pub path: Vec<super::drawing::Hop>,
    pub mode: Mode,
    pub mode_reason: String,
    pub target_note: Option<String>,
}

/// Runs every check of the registry, in its order.
pub(super) fn evaluate(inputs: &Inputs<'_>) -> Evaluated {
    let scene = Scene::new(inputs);
    // The snapshot holds the app, and it has no VNET integration: only the probes, the
    // private endpoint's name, app.integrated and the steps on the target decide.
    let without_integration = scene.mode == Mode::None && scene.site.is_some();
    let checks = REGISTRY
        .iter()
        .map(|spec| {
            let excluded = spec.applies.excludes(scene.mode).or_else(|| {
                (without_integration && !spec.without_integration()).then_some(Mode::None)
            });
            let mut finding = match excluded {
                Some(mode) => Finding::skip(SkipReason::OtherMode(mode)),
                // The app could not be read: only what the probes saw decides.
                None if scene.mode == Mode::Unknown && spec.stage != Stage::Probe => {
                    unreadable_app(&scene)
                }
                None => (spec.decide)(&scene),
            };
            if finding.changes_dns
                && matches!(finding.status, Status::Fail | Status::Warn)
                && !finding.remedy.is_empty()
            {
                finding.remedy = format!("{} {}", finding.remedy, scene.dns_cache_sentence());
            }
            Check {
                id: spec.id,
                stage: spec.stage,
                status: finding.status,
                title: spec.title,
                evidence: finding.evidence,
                remedy: finding.remedy,
                details: finding.details,
                skip: finding.skip,
                lacking: finding.lacking,
                advisory: spec.advisory,
            }
        })
        .collect::<Vec<Check>>();
    let mut checks = checks;
    // The app could not be read: its one gap is said by the verdict, not on every check.
    if let (Some(snapshot), false) = (inputs.snapshot, scene.mode == Mode::Unknown) {
        name_the_gaps(&mut checks, &snapshot.unavailable);
    }
    Evaluated {
        path: super::drawing::draw(&scene, &checks),
        checks,
        mode: scene.mode,
        mode_reason: scene.mode_reason,
        target_note: scene.target_note,
    }
}

/// A check that needs the app's configuration when `--azure` could not read the app: it
/// is not checked. The reason and the step that helps are said once, in the verdict.
fn unreadable_app(_: &Scene<'_>) -> Finding {
    Finding::skip(SkipReason::missing_resource(
        "not checked: the app could not be read (the verdict says why)",
        export::SITE,
    ))
}

/// `--azure`: a check left without data, or warning about a resource it could not see,
/// names what Azure answered for that resource and the role that would let it read it.
/// Joined by id: the resources a check lacked (or their parents: the subnet of an
/// unreadable VNET) against those Azure would not give.
fn name_the_gaps(checks: &mut [Check], unavailable: &[Unavailable]) {
    let covers = |gap: &Unavailable, id: &str| {
        same_id(&gap.id, id)
            || id
                .to_ascii_lowercase()
                .starts_with(&format!("{}/", gap.id.to_ascii_lowercase()))
    };
    for check in checks
        .iter_mut()
        .filter(|c| matches!(c.status, Status::Skip | Status::Warn))
    {
        let named: Vec<&Unavailable> = unavailable
            .iter()
            .filter(|gap| check.lacking.iter().any(|id| covers(gap, id)))
            .collect();
        let unnamed_skip = matches!(check.skip, Some(SkipReason::Missing { .. }))
            && named.is_empty()
            && check.lacking.is_empty();
        let notes: Vec<&Unavailable> = if unnamed_skip {
            // The check lacked a field, not a referenced resource: any gap may explain it.
            unavailable.iter().collect()
        } else {
            named
        };
        let Some(first) = notes.first() else {
            continue;
        };
        let mut said: Vec<String> = notes.iter().take(3).map(|gap| gap.note()).collect();
        if notes.len() > 3 {
            said.push(format!("{} more in the header", notes.len() - 3));
        }
        check.evidence = format!("{}; {}", check.evidence, said.join("; "));
        check.remedy = first.remedy();
    }
}
