//! The path, drawn (issue 23): the hops of a run in the contract's order, each marked
//! with the status of the check behind it, so that the failing hop is the one its
//! checks failed on; and the text of the path, ASCII only, within the width.

use netdiag_core::checklist::render::draw_path;
use netdiag_core::checklist::{Hop, HopKind, Status};
use netdiag_core::tcp::TcpOutcome;

use super::checklist::{Seen, evaluate_with, example, set_rule_sources, tcp};

fn hops(evaluation: &netdiag_core::checklist::Evaluation) -> Vec<(HopKind, Status, &str)> {
    evaluation
        .path
        .iter()
        .map(|h| (h.hop, h.status, h.check.as_str()))
        .collect()
}

/// The gateway example: the app and its pool, the gateway, the target's NSG (which blocks
/// half of the pool: the planted cause), the way back, the host. No regional hop (its
/// subnet's NSG and route) and no hop that does not apply (peering, on-premises).
#[test]
fn the_gateway_example_marks_the_nsg_that_blocks_the_pool() {
    let evaluation = evaluate_with(Some(&example()), &Seen::default());
    assert_eq!(
        hops(&evaluation),
        [
            (HopKind::App, Status::Pass, "gateway.p2s"),
            (HopKind::Gateway, Status::Pass, "gateway.status"),
            (HopKind::NsgIn, Status::Fail, "nsg.p2s-to-target"),
            (HopKind::Return, Status::Pass, "udr.return-path"),
            (HopKind::Host, Status::Manual, "host.firewall"),
        ]
    );
    assert_eq!(
        evaluation.path[0].name,
        "contoso-web, source 172.16.200.0/24 (P2S pool, gateway-required)"
    );
    assert_eq!(evaluation.path[2].name, "nsg-data inbound");
}

/// The same path with the NSG fixed: no hop fails, and the connect the probe saw marks
/// the host.
#[test]
fn a_connected_probe_marks_the_host_ok() {
    let mut files = example();
    set_rule_sources(&mut files, 0, serde_json::json!(["172.16.200.0/24"]));
    let seen = Seen {
        tcp: Some(tcp(&[TcpOutcome::Connected])),
        ..Seen::default()
    };
    let evaluation = evaluate_with(Some(&files), &seen);
    let path = hops(&evaluation);
    assert!(
        path.iter().all(|(_, status, _)| *status == Status::Pass),
        "{path:?}"
    );
    assert_eq!(
        path.last(),
        Some(&(HopKind::Host, Status::Pass, "tcp.connect"))
    );
}

/// Without a snapshot only what the run saw is drawn: the app (not decided) and the host.
#[test]
fn without_a_snapshot_only_the_app_and_the_host_are_drawn() {
    let seen = Seen {
        tcp: Some(tcp(&[TcpOutcome::Timeout])),
        ..Seen::default()
    };
    let evaluation = evaluate_with(None, &seen);
    assert_eq!(
        hops(&evaluation),
        [
            (HopKind::App, Status::Skip, "app.integrated"),
            (HopKind::Host, Status::Fail, "tcp.connect"),
        ]
    );
}

/// The text: a title, a mark and a check id per hop, the ids in one column; a long hop
/// wraps under its own text; ASCII only; no line wider than the width.
#[test]
fn the_drawn_path_is_ascii_in_columns_within_the_width() {
    let hop = |hop, name: &str, status, check: &str| Hop {
        hop,
        name: name.to_owned(),
        status,
        check: check.to_owned(),
    };
    let path = [
        hop(
            HopKind::App,
            "fabrikam-api, source 10.20.4.0/26 (snet-apps, regional)",
            Status::Pass,
            "regional.subnet",
        ),
        hop(
            HopKind::Dns,
            "10.20.1.4 -> 20.60.1.5 (public), not the endpoint 10.20.2.5 (pe-sql-fabrikam) of zone privatelink.database.windows.net",
            Status::Fail,
            "dns.private-endpoint",
        ),
        hop(
            HopKind::Host,
            "10.20.2.5:1433",
            Status::Manual,
            "host.firewall",
        ),
    ];
    for width in [80, 100] {
        let text = draw_path(&path, "sql-fabrikam.database.windows.net:1433", width);
        assert!(text.is_ascii());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Path from fabrikam-api to sql-fabrikam.database.windows.net:1433"
        );
        assert!(
            lines[1].starts_with("  ok  app fabrikam-api, source"),
            "{text}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("  XX  DNS 10.20.1.4 -> 20.60.1.5")),
            "{text}"
        );
        assert!(
            lines
                .last()
                .unwrap()
                .starts_with("  ..  host 10.20.2.5:1433"),
            "{text}"
        );
        let column = |line: &str, id: &str| line.find(id).unwrap();
        let dns_line = lines.iter().find(|l| l.contains("DNS 10.20.1.4")).unwrap();
        assert_eq!(
            column(lines[1], "regional.subnet"),
            column(dns_line, "dns.private-endpoint")
        );
        assert!(lines.iter().all(|l| l.len() <= width), "{width}:\n{text}");
        // Long hops wrap: their continuation hangs under their text, not under a mark.
        let app = lines
            .iter()
            .position(|l| l.contains("app fabrikam-api"))
            .unwrap();
        let dns = lines
            .iter()
            .position(|l| l.contains("DNS 10.20.1.4"))
            .unwrap();
        assert!(dns > app);
        let continued = &lines[dns + 1];
        assert!(
            continued.starts_with("        ") && !continued.trim().is_empty(),
            "{text}"
        );
    }
}
