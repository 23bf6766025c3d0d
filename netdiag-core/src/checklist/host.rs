//! Stage 6, on the target host: what only a person there can check.

use std::fmt::Write as _;

use super::registry::{Finding, SkipReason};
use super::scene::Scene;

pub(super) fn host_firewall(scene: &Scene<'_>) -> Finding {
    let inputs = scene.inputs;
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
