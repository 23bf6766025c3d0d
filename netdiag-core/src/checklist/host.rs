//! Stage 6, on the target host: what only a person there can check.

use std::fmt::Write as _;

use super::scene::Scene;
use super::vocab::{Finding, SkipReason};
use crate::snapshot::{PrivateEndpoint, describe_id};

/// `nameresolver`: the DNS server checked answered this run (records, NXDOMAIN or
/// NODATA): its firewall and its health are not in question.
fn dns_server_answered(scene: &Scene<'_>) -> Option<String> {
    let inputs = scene.inputs;
    if !inputs.target.is_dns_server() {
        return None;
    }
    let (_, lookup) = inputs.dns?;
    lookup
        .attempts
        .iter()
        .find(|a| a.outcome.ends_lookup() && a.server.ip().to_string() == inputs.target.host)
        .map(|a| {
            let how = match a.outcome {
                crate::dns::DnsOutcome::Nxdomain => "NXDOMAIN",
                crate::dns::DnsOutcome::Nodata => "no records of the type asked",
                _ => "with records",
            };
            format!(
                "does not apply: the DNS server {} answered ({how}), so its firewall lets the app in",
                inputs.target.host
            )
        })
}

pub(super) fn host_firewall(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    if let Some(answered) = dns_server_answered(scene) {
        return Finding::skip(SkipReason::not_applicable(answered));
    }
    if let Some(endpoint) = scene.target.and_then(|ip| scene.private_endpoint_at(ip)) {
        return private_endpoint_host(endpoint);
    }
    // A platform service has no host firewall to open: its network rules are its firewall.
    if let Some(gate) = inputs
        .target
        .name
        .as_deref()
        .and_then(|name| scene.snapshot?.gate_for_host(name))
    {
        return Finding::skip(SkipReason::not_applicable(format!(
            "does not apply: {} is {} {}, an Azure service whose network rules (target.public-access) are its firewall",
            inputs.target.host,
            gate.kind.noun(),
            gate.name
        )));
    }
    let source = scene.source_phrase();
    Finding::manual(
        "the host's own firewall is not visible from here",
        format!(
            "On {}, allow {} {} from the whole {source} (Windows Defender Firewall, iptables/nftables): the app's address changes within it.",
            inputs.target.host,
            inputs.target.protocol.name(),
            inputs.target.port
        ),
    )
}

pub(super) fn host_listening(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    let refused = inputs
        .tcp
        .is_some_and(|s| s.outcomes.contains_key("refused"));
    if !refused {
        return Finding::skip(SkipReason::not_applicable(
            "does not apply: no attempt was refused",
        ));
    }
    Finding::manual(
        format!(
            "{}:{} refused the connection: the host is up but nothing accepts on that port",
            inputs.target.host, inputs.target.port
        ),
        format!(
            "On the host, list what listens: netstat -aon | findstr :{} (Windows) or ss -ltnp 'sport = :{}' (Linux); start the service or fix the port.",
            inputs.target.port, inputs.target.port
        ),
    )
}

pub(super) fn vm_cross_check(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
    if let Some(answered) = dns_server_answered(scene) {
        return Finding::skip(SkipReason::not_applicable(answered));
    }
    let target = &inputs.target;
    let command = if target.is_dns_server() {
        // nslookup's own switches: -vc for TCP, -port= for a server off port 53.
        let mut command = "nslookup".to_owned();
        if target.protocol == crate::nsg::Protocol::Tcp {
            command.push_str(" -vc");
        }
        if target.port != crate::addr::DNS_PORT {
            let _ = write!(command, " -port={}", target.port);
        }
        let name = target.name.as_deref().unwrap_or("NAME");
        let _ = write!(command, " {name} {}", target.host);
        command
    } else {
        format!(
            "tcpping {}:{} (or Test-NetConnection {} -Port {})",
            target.host, target.port, target.host, target.port
        )
    };
    Finding::manual(
        "only a machine inside the VNET can tell whether the target works at all",
        format!(
            "From a VM in the same VNET, run: {command}. If it fails there too, the target is down; if it works, the problem is on the app's path."
        ),
    )
}

/// A private endpoint is no host with a firewall: the service behind it must have
/// approved the endpoint, and its own network rules do not apply to the endpoint's traffic.
fn private_endpoint_host(endpoint: &PrivateEndpoint) -> Finding {
    let connection = endpoint.service_connection();
    let service = connection
        .and_then(|c| c.private_link_service_id.as_deref())
        .map_or_else(|| "its service".to_owned(), describe_id);
    let groups = connection
        .map(|c| c.group_ids.join(", "))
        .filter(|g| !g.is_empty())
        .map_or_else(String::new, |g| format!(" ({g})"));
    let status = connection
        .and_then(|c| c.private_link_service_connection_state.as_ref())
        .and_then(|s| s.status.as_deref());
    let evidence = format!(
        "the target is private endpoint {} of {service}{groups}, connection {}",
        endpoint.name,
        status.unwrap_or("of unknown state")
    );
    match status {
        Some(status) if !status.eq_ignore_ascii_case("Approved") => Finding::fail(
            evidence,
            format!(
                "Approve the private endpoint connection on {service} (Networking > Private access); while it is {status}, the endpoint carries no traffic."
            ),
        ),
        _ => Finding::pass(format!(
            "{evidence}: no host firewall to open (the firewall rules and public network access setting of the service do not filter private endpoint traffic)"
        )),
    }
}
