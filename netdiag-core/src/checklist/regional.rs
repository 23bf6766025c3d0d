//! Stage 3 for regional VNET Integration: the integration subnet is in the app's VNET,
//! delegated to `Microsoft.Web/serverFarms`, large enough for the plan to scale, and used
//! by nothing else.

use ipnet::IpNet;

use super::scene::{Scene, export};
use super::vocab::{Finding, SkipReason, or_skip};
use crate::snapshot::{Plan, Subnet, describe_id, same_id, subscription_of};

/// App Service's delegation for regional VNET Integration.
const SERVER_FARMS: &str = "Microsoft.Web/serverFarms";
/// Flex Consumption plans integrate through a subnet delegated to Container Apps
/// environments ("Azure Functions Flex Consumption plan hosting", learn.microsoft.com/azure/azure-functions/flex-consumption-plan:
/// the subnet is delegated to `Microsoft.App/environments`).
const APP_ENVIRONMENTS: &str = "Microsoft.App/environments";
/// Azure keeps five addresses of every subnet.
const RESERVED_ADDRESSES: u64 = 5;

/// Several plans of one subscription may share a subnet of /26 or larger (multi-plan
/// subnet join, "Integrate your app with an Azure virtual network",
/// learn.microsoft.com/azure/app-service/overview-vnet-integration#subnet-requirements).
const MULTI_PLAN_PREFIX: u8 = 26;

/// The plans on the integration subnet: the app's, and those its service association
/// links name (by id; `None` for one the snapshot does not hold).
fn plans_on<'a>(scene: &Scene<'a>, subnet: &Subnet) -> Vec<(String, Option<&'a Plan>)> {
    let mut plans: Vec<(String, Option<&'a Plan>)> = scene
        .plan
        .map(|p| (p.id.clone(), Some(p)))
        .into_iter()
        .collect();
    for link in &subnet.service_association_links {
        let Some(id) = link.link.as_deref() else {
            continue;
        };
        if !plans.iter().any(|(known, _)| same_id(known, id)) {
            let plan = scene.snapshot.and_then(|s| s.plan(id));
            plans.push((id.to_owned(), plan));
        }
    }
    plans
}

pub(super) fn regional_subnet(scene: &Scene<'_>) -> Finding {
    let Some(snapshot) = scene.snapshot else {
        return Finding::skip(SkipReason::NoSnapshot);
    };
    let Some(id) = scene.integration_subnet_id() else {
        return Finding::skip(SkipReason::missing_resource(
            super::scene::NO_SUBNET,
            export::SITE,
        ));
    };
    let Some(vnet) = snapshot.vnet_of_subnet(id) else {
        return Finding::skip(
            SkipReason::missing_resource(
                format!(
                    "the VNET of the integration subnet {} is not in the snapshot",
                    describe_id(id)
                ),
                export::VNET,
            )
            .with_id(id),
        );
    };
    match vnet.subnets.iter().find(|s| same_id(&s.id, id)) {
        Some(subnet) => Finding::pass(format!(
            "integration subnet {} ({}) in VNET {}",
            subnet.name,
            subnet
                .prefixes()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            vnet.name
        )),
        None => Finding::fail(
            format!(
                "the app integrates with {}, but VNET {} has no such subnet (deleted or renamed?)",
                describe_id(id),
                vnet.name
            ),
            "Disconnect VNET Integration and connect it again to an existing subnet, delegated to Microsoft.Web/serverFarms.",
        ),
    }
}

pub(super) fn regional_delegation(scene: &Scene<'_>) -> Finding {
    let subnet = or_skip!(scene.integration_subnet_or_skip());
    let services: Vec<&str> = subnet
        .delegations
        .iter()
        .filter_map(|d| d.service_name.as_deref())
        .collect();
    let flex = scene
        .plan
        .and_then(|p| p.tier())
        .is_some_and(|tier| tier.eq_ignore_ascii_case("FlexConsumption"));
    let (needed, plan_kind) = if flex {
        (
            APP_ENVIRONMENTS,
            "a Flex Consumption plan's regional VNET Integration",
        )
    } else {
        (SERVER_FARMS, "regional VNET Integration")
    };
    if services.iter().any(|s| s.eq_ignore_ascii_case(needed)) {
        return Finding::pass(format!("subnet {} is delegated to {needed}", subnet.name));
    }
    Finding::fail(
        format!(
            "subnet {} is delegated to {}: {plan_kind} needs {needed}",
            subnet.name,
            if services.is_empty() {
                "nothing".to_owned()
            } else {
                services.join(", ")
            }
        ),
        format!(
            "Delegate the subnet to {needed}: az network vnet subnet update -g RG --vnet-name VNET -n SUBNET --delegations {needed}"
        ),
    )
}

pub(super) fn regional_subnet_size(scene: &Scene<'_>) -> Finding {
    let subnet = or_skip!(scene.integration_subnet_or_skip());
    let Some(prefix) = subnet
        .prefixes()
        .into_iter()
        .filter(|net| matches!(net, IpNet::V4(_)))
        .min_by_key(IpNet::prefix_len)
    else {
        return Finding::skip(SkipReason::missing_resource(
            format!("subnet {} has no IPv4 prefix in the snapshot", subnet.name),
            export::VNET,
        ));
    };
    if prefix.prefix_len() > 28 {
        return Finding::fail(
            format!(
                "subnet {} is {prefix}: regional VNET Integration needs /28 or larger",
                subnet.name
            ),
            "Integrate with a /26 or larger subnet (a /28 is the minimum; /26 leaves room to scale).",
        );
    }
    let plans = plans_on(scene, subnet);
    if plans.len() > 1 && prefix.prefix_len() > MULTI_PLAN_PREFIX {
        return Finding::fail(
            format!(
                "subnet {} is {prefix} and shared by {} plans: several plans on one subnet need /26 or larger",
                subnet.name,
                plans.len()
            ),
            "Give the plans a /26 or larger subnet (multi-plan subnet join), or each plan a subnet of its own.",
        );
    }
    let usable = (1_u64 << (32 - u32::from(prefix.prefix_len()))) - RESERVED_ADDRESSES;
    let counts: Vec<Option<u32>> = plans
        .iter()
        .map(|(_, p)| p.and_then(Plan::instances))
        .collect();
    let instances: u64 = counts.iter().flatten().map(|n| u64::from(*n)).sum();
    let unknown = counts.iter().filter(|c| c.is_none()).count();
    let whose = if plans.len() > 1 {
        format!(" of {} plans", plans.len())
    } else {
        String::new()
    };
    let unknown_note = match unknown {
        0 => String::new(),
        n => format!(" ({n} plan(s) of unknown size not counted)"),
    };
    if instances == 0 {
        return Finding::pass(format!(
            "subnet {} ({prefix}): {usable} usable addresses (the plan's instance count is not in the snapshot)",
            subnet.name
        ));
    }
    if usable < 2 * instances {
        return Finding::warn(
            format!(
                "subnet {} ({prefix}) has {usable} usable addresses for {instances} instances{whose}{unknown_note}: a scale operation needs both sets of instances at once ({} addresses)",
                subnet.name,
                2 * instances
            ),
            "Use a larger subnet (a /26 is the recommended size) before scaling out or upgrading the plan.",
        );
    }
    Finding::pass(format!(
        "subnet {} ({prefix}): {usable} usable addresses for {instances} instances{whose}{unknown_note}",
        subnet.name
    ))
}

pub(super) fn regional_subnet_in_use(scene: &Scene<'_>) -> Finding {
    let subnet = or_skip!(scene.integration_subnet_or_skip());
    let mut others = Vec::new();
    if !subnet.ip_configurations.is_empty() {
        others.push(format!(
            "{} IP configuration(s) of NICs or other resources",
            subnet.ip_configurations.len()
        ));
    }
    if !subnet.private_endpoints.is_empty() {
        others.push(format!(
            "private endpoint(s) {}",
            subnet
                .private_endpoints
                .iter()
                .map(|r| describe_id(&r.id))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let plans = plans_on(scene, subnet);
    let app_subscription = scene.plan.and_then(|p| subscription_of(&p.id));
    let foreign: Vec<String> = plans
        .iter()
        .skip(1)
        .filter(|(id, _)| {
            app_subscription.is_some_and(|mine| {
                subscription_of(id).is_none_or(|theirs| !theirs.eq_ignore_ascii_case(mine))
            })
        })
        .map(|(id, _)| describe_id(id))
        .collect();
    if !foreign.is_empty() {
        others.push(format!(
            "the plan(s) {} of another subscription",
            foreign.join(", ")
        ));
    }
    let prefix_len = subnet
        .prefixes()
        .into_iter()
        .filter(|net| matches!(net, IpNet::V4(_)))
        .map(|net| net.prefix_len())
        .min();
    let sharing: Vec<String> = plans
        .iter()
        .skip(1)
        .map(|(id, _)| describe_id(id))
        .collect();
    if foreign.is_empty()
        && !sharing.is_empty()
        && prefix_len.is_some_and(|len| len > MULTI_PLAN_PREFIX)
    {
        others.push(format!(
            "the plan(s) {} on a subnet smaller than /26",
            sharing.join(", ")
        ));
    }
    if others.is_empty() {
        return Finding::pass(if sharing.is_empty() {
            format!("subnet {} holds nothing but the app's plan", subnet.name)
        } else {
            format!(
                "subnet {} is shared with the plan(s) {} of the same subscription: multi-plan subnet join, valid on a /26 or larger",
                subnet.name,
                sharing.join(", ")
            )
        });
    }
    Finding::fail(
        format!(
            "subnet {} is also used by {}",
            subnet.name,
            others.join("; ")
        ),
        "Regional VNET Integration needs a subnet delegated to it and holding nothing else; several plans of one subscription may share it (multi-plan subnet join, /26 or larger), plans of other subscriptions may not: move the other resources, or give the app's plan a subnet of its own.",
    )
}
