//! `--html FILE` and `--from-report REPORT.json` (issue 23): the page is one
//! self-contained file holding the verdict, the path as SVG, every check and the report
//! itself; a saved report draws the same text as the run that wrote it, sending nothing.

use netdiag_tests::{Run, closed_port, command};
use serde_json::Value;

/// The shipped examples, as README runs them.
pub(crate) const EXAMPLES: &[(&str, &str)] = &[
    ("examples/contoso-export", "10.10.2.4:1433"),
    (
        "examples/regional-export",
        "sql-fabrikam.database.windows.net:1433",
    ),
    ("examples/hub-spoke-export", "10.30.2.4:1433"),
    (
        "examples/hub-spoke-export",
        "sql-orders.database.windows.net:1433",
    ),
    (
        "examples/functions-export",
        "stordersfunc.file.core.windows.net:445",
    ),
];

fn in_repository(tool: &str) -> assert_cmd::Command {
    let mut command = command(tool);
    command.current_dir(netdiag_tests::example_export().join("../.."));
    command
}

pub(crate) fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("netdiag-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The JSON inside `<script type="application/json" id="report">`.
pub(crate) fn embedded_report(page: &str) -> Value {
    let start = page
        .find(r#"<script type="application/json" id="report">"#)
        .expect("the report is embedded");
    let body = &page[start..];
    let body = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
    serde_json::from_str(body).expect("the embedded report is JSON")
}

/// Each example's page: verdict first, the SVG path with its failing hop marked, every
/// check by id, and the embedded report equal to what `--json` printed in the same run.
/// Nothing outside the file is loaded (no `src`, no `link`, no `url()`).
#[test]
fn the_page_is_self_contained_and_embeds_the_json_report() {
    for (index, (export, target)) in EXAMPLES.iter().enumerate() {
        let page_path = temp(&format!("example-{index}.html"));
        let run = Run::of(in_repository("tcpping").args([
            "--network",
            export,
            "--no-probe",
            "--json",
            "--html",
            page_path.to_str().unwrap(),
            target,
        ]));
        assert!(
            run.stderr.contains("Wrote the HTML report to "),
            "{}",
            run.stderr
        );
        let page = std::fs::read_to_string(&page_path).unwrap();
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(embedded_report(&page), json, "{export} {target}");

        let verdict = page.find(r#"<section id="verdict""#).expect("verdict");
        let path = page.find(r#"<section id="path">"#).expect("path");
        let checks = page.find(r#"<section id="checks">"#).expect("checks");
        assert!(
            verdict < path && path < checks,
            "{export}: verdict, path, checks in order"
        );
        assert!(page.contains("<svg"), "{export}");
        let status = json["verdict"]["status"].as_str().unwrap();
        assert!(
            page.contains(&format!(r#"data-status="{status}""#)),
            "{export}"
        );
        if status == "fail" {
            let cause = json["verdict"]["cause"].as_str().unwrap();
            let failing: Vec<&Value> = json["path"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|h| h["status"] == "fail")
                .collect();
            for hop in failing {
                let check = hop["check"].as_str().unwrap();
                assert!(
                    page.contains(&format!(r#"data-status="fail" data-check="{check}""#)),
                    "{export}: the failing hop {check} is marked"
                );
            }
            assert!(
                page.contains(&format!(r##"href="#check-{cause}""##)),
                "{export}"
            );
        }
        for check in json["checklist"].as_array().unwrap() {
            let id = check["id"].as_str().unwrap();
            assert!(
                page.contains(&format!(r#"id="check-{id}""#)),
                "{export}: {id}"
            );
        }
        // Nothing outside the file is loaded: no src, no stylesheet link, no url(), no
        // link out (the SVG's namespace is a name, not a resource).
        let before_report = page
            .split(r#"<script type="application/json""#)
            .next()
            .unwrap();
        for loads in ["src=", "<link", "url(", "@import", "href=\"http"] {
            assert!(
                !before_report.contains(loads),
                "{export}: {loads} in the page"
            );
        }
        // Readable without script: the one script element is the report, as data.
        assert_eq!(page.matches("<script").count(), 1, "{export}");
    }
}

/// A saved report of each example, drawn with `--from-report`, is the text the run
/// printed: both tools, at the default width and at 80 columns.
#[test]
fn a_saved_report_renders_the_text_of_the_run_that_wrote_it() {
    for (index, (export, target)) in EXAMPLES.iter().enumerate() {
        for (tool, target) in [
            ("tcpping", (*target).to_owned()),
            ("nameresolver", target.split(':').next().unwrap().to_owned()),
        ] {
            if tool == "nameresolver" && target.parse::<std::net::IpAddr>().is_ok() {
                continue;
            }
            for columns in ["100", "80"] {
                let args = ["--network", export, "--no-probe", &target];
                let text = Run::of(in_repository(tool).env("COLUMNS", columns).args(args));
                let json = Run::of(in_repository(tool).args(args).arg("--json"));
                let saved = temp(&format!("{tool}-{index}.json"));
                std::fs::write(&saved, &json.stdout).unwrap();
                let again = Run::of(
                    command(tool)
                        .env("COLUMNS", columns)
                        .args(["--from-report", saved.to_str().unwrap()]),
                );
                assert_eq!(again.code, 0, "{}", again.stderr);
                assert_eq!(again.stderr, "");
                assert_eq!(
                    again.stdout, text.stdout,
                    "{tool} {export} {target} at {columns}"
                );
            }
        }
    }
}

/// A probe's report too: the attempts' lines (printed live) and Kudu's summary come back.
#[test]
fn a_saved_probe_report_renders_its_attempt_lines() {
    let closed = closed_port();
    let args = ["-n", "2", "-i", "0"];
    let text = Run::of(command("tcpping").args(args).arg(closed.to_string()));
    let json = Run::of(
        command("tcpping")
            .args(args)
            .args(["--json", &closed.to_string()]),
    );
    let saved = temp("refused.json");
    std::fs::write(&saved, &json.stdout).unwrap();
    let again = Run::of(command("tcpping").args(["--from-report", saved.to_str().unwrap()]));
    assert_eq!(again.code, 0);
    assert!(
        again
            .stdout
            .starts_with("Connection attempt failed: Connection refused at "),
        "{}",
        again.stdout
    );
    assert_eq!(again.stdout, text.stdout);
}

/// What is not a report is exit 2 with one line naming the file; nothing is drawn.
#[test]
fn a_file_that_is_not_a_report_is_bad_input() {
    let not_json = temp("not-a-report.txt");
    std::fs::write(&not_json, "hello").unwrap();
    let other_json = temp("other.json");
    std::fs::write(&other_json, r#"{"name": "not ours"}"#).unwrap();
    for (path, says) in [
        (
            not_json.to_str().unwrap().to_owned(),
            "not a netdiag report",
        ),
        (
            other_json.to_str().unwrap().to_owned(),
            "not a netdiag report",
        ),
        (
            "/nonexistent/report.json".to_owned(),
            "/nonexistent/report.json",
        ),
    ] {
        let run = Run::of(command("nameresolver").args(["--from-report", &path]));
        assert_eq!(run.code, 2, "{path}");
        assert_eq!(run.stdout, "");
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr.starts_with("error: --from-report ") && run.stderr.contains(says),
            "{}",
            run.stderr
        );
    }
    // It reads a report, not a network: the flags of a run are refused beside it.
    let run = Run::of(command("tcpping").args(["--from-report", "r.json", "--network", "x"]));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--network"), "{}", run.stderr);
}

/// `--from-report` with `--html` writes the page of the saved report (its embedded
/// report is the saved one) and prints nothing else.
#[test]
fn a_saved_report_renders_as_a_page() {
    let json = Run::of(in_repository("tcpping").args([
        "--network",
        EXAMPLES[1].0,
        "--no-probe",
        "--json",
        EXAMPLES[1].1,
    ]));
    let saved = temp("regional.json");
    std::fs::write(&saved, &json.stdout).unwrap();
    let page_path = temp("regional-from-report.html");
    let run = Run::of(command("tcpping").args([
        "--from-report",
        saved.to_str().unwrap(),
        "--html",
        page_path.to_str().unwrap(),
    ]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let page = std::fs::read_to_string(&page_path).unwrap();
    assert_eq!(
        embedded_report(&page),
        serde_json::from_str::<Value>(&json.stdout).unwrap()
    );
    assert!(page.contains("dns.private-endpoint"));
}

/// README's path block is what the regional example prints.
#[test]
fn the_readme_shows_the_path_the_example_draws() {
    let readme =
        std::fs::read_to_string(netdiag_tests::example_export().join("../../README.md")).unwrap();
    let section = readme
        .split("### The path, drawn")
        .nth(1)
        .expect("README has the path section");
    let shown = section
        .split("```")
        .nth(1)
        .unwrap()
        .trim_start_matches('\n');
    let run = Run::of(in_repository("tcpping").args([
        "--network",
        EXAMPLES[1].0,
        "--no-probe",
        EXAMPLES[1].1,
    ]));
    let drawn = run
        .stdout
        .split("\n\n")
        .find(|block| block.starts_with("Path from "))
        .unwrap();
    assert_eq!(shown.trim_end(), drawn.trim_end());
}

/// A name behind a dead DNS server and a live one: the dead server's line and the
/// attempts' lines (printed live) come back from the saved report as the console showed
/// them; only the measured times differ between the two runs.
#[test]
fn a_saved_report_prints_the_live_lines_of_its_run() {
    let open = netdiag_tests::OpenPort::start();
    let dead = netdiag_tests::DeadDnsServer::start();
    let zone = "$ORIGIN svc.test.\n$TTL 300\n@ IN SOA ns hostmaster 1 3600 600 86400 60\n@ IN NS ns\nns IN A 127.0.0.53\napp IN A 127.0.0.1\n";
    let dns = netdiag_tests::DnsServer::start(&[zone]);
    let target = format!("app.svc.test:{}", open.addr().port());
    let tcpping = |json: bool| {
        let mut command = command("tcpping");
        command
            .env("WEBSITE_DNS_SERVER", dead.addr().to_string())
            .env("WEBSITE_DNS_ALT_SERVER", dns.addr().to_string())
            .args([
                "-n",
                "2",
                "-i",
                "0",
                "--dns-timeout",
                "300ms",
                "--attempts",
                "1",
                &target,
            ]);
        if json {
            command.arg("--json");
        }
        Run::of(&mut command)
    };
    let text = tcpping(false);
    let saved = temp("live-lines.json");
    std::fs::write(&saved, tcpping(true).stdout).unwrap();
    let again = Run::of(command("tcpping").args(["--from-report", saved.to_str().unwrap()]));
    let times = |text: &str| -> String {
        text.split(' ')
            .map(|word| {
                let number = word.trim_end_matches(|c: char| !c.is_ascii_digit());
                if number.contains('.') && word[number.len()..].starts_with("ms") {
                    format!("T{}", &word[number.len()..])
                } else {
                    word.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        again.stdout.starts_with(&format!(
            "Server {} did not answer within 300ms",
            dead.addr()
        )),
        "{}",
        again.stdout
    );
    assert_eq!(times(&again.stdout), times(&text.stdout));
}

/// No line says "gateway-required integration" twice (issue 24, point 10), in any
/// example's text, both tools, wrapped or not.
#[test]
fn no_line_names_the_mode_twice() {
    for (export, target) in EXAMPLES {
        for (tool, target) in [
            ("tcpping", (*target).to_owned()),
            ("nameresolver", target.split(':').next().unwrap().to_owned()),
        ] {
            let run = Run::of(in_repository(tool).env("COLUMNS", "1000").args([
                "--network",
                export,
                "--no-probe",
                &target,
            ]));
            for line in run.stdout.lines() {
                assert!(
                    line.matches("gateway-required integration").count() < 2,
                    "{tool} {export}: {line}"
                );
            }
        }
    }
}
