//! `tcpping`: can this App Service app open a TCP connection to host:port?
//! Thin: parses arguments, calls netdiag-core, prints.

use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgGroup, Parser};
use netdiag_cli::{DnsArgs, HumanDuration, SharedArgs, Terminal, interval_arg, timeout_arg};
use netdiag_core::diagnosis::{self, PingPlan};
use netdiag_core::dns;
use netdiag_core::tcp::{self, DEFAULT_COUNT, Family, Limit};
use netdiag_core::vocab::{Tool, display_duration, parse_positive};

/// The text after the flags; the defaults in it are the core's constants.
fn after_help() -> String {
    format!(
        "\
The host name is resolved as the app resolves it: with its DNS servers (the
site's dnsConfiguration in the snapshot, else WEBSITE_DNS_SERVER, else the
snapshot's VNET DNS, else the system's, else Azure DNS; nameresolver --help
lists them), all asked at once, {dns} per attempt, {attempts} attempts.
Each failed attempt is classified: refused (nothing listens on the port),
timeout (packets dropped: NSG, firewall, route), unreachable (no route),
reset, dns (the name did not resolve), error.

Examples:
  tcpping db.contoso.internal:1433      # 4 attempts, 1s apart
  tcpping db.contoso.internal 1433      # the same
  tcpping [fd00::4]:443                 # IPv6
  tcpping -t 10.1.2.4:22                # until Ctrl-C, then the summary
  tcpping -s 60 -i 5s api.contoso.internal:443
  tcpping -w 3s -n 1 10.1.2.4:5432      # one attempt, give up after 3s
  tcpping --json db.contoso.internal:1433 > tcp-report.json
  tcpping --html report.html db.contoso.internal:1433     # also a page to open in a browser
  tcpping --from-report tcp-report.json                  # a saved report, as it printed
  tcpping --network export/ db.contoso.internal:1433      # probe, then the checklist
  tcpping --network export/ --no-probe 10.10.2.4:1433     # checklist only, no packet
  tcpping --azure db.contoso.internal:1433               # in the app: the checklist on live configuration

Exit status: 0 at least one attempt connected, 1 none did, 2 bad input.",
        dns = display_duration(dns::config::DEFAULT_TIMEOUT),
        attempts = dns::config::DEFAULT_ATTEMPTS,
    )
}

/// `--dns-timeout`'s help: its default is the core's constant.
fn dns_timeout_help() -> String {
    format!(
        "Time the DNS servers have to answer in each attempt of the lookup of HOST, e.g. 3s [default: dnsRetryAttemptTimeout, else WEBSITE_DNS_TIMEOUT, else {}]",
        display_duration(dns::config::DEFAULT_TIMEOUT)
    )
}

/// Test whether this App Service app can open a TCP connection to host:port.
// Doc comments here are the --help text, where backticks would show; the flags are the
// command line's, each a bool as clap parses it.
#[allow(clippy::doc_markdown, clippy::struct_excessive_bools)]
#[derive(Debug, Parser)]
#[command(
    name = "tcpping",
    version = netdiag_core::vocab::VERSION_LINE,
    about,
    after_help = after_help(),
    arg_required_else_help = true,
    group(ArgGroup::new("run_length").args(["count", "continuous", "seconds"])),
    group(ArgGroup::new("family").args(["ipv4", "ipv6"])),
)]
struct Cli {
    /// Target: host, host:port, IPv4:port, [IPv6]:port [default port: 80].
    #[arg(value_name = "HOST[:PORT]", required_unless_present = "from_report")]
    target: Option<String>,

    /// Port, when not given with the host.
    #[arg(value_name = "PORT")]
    port: Option<String>,

    /// Number of attempts.
    #[arg(short = 'n', long, value_name = "N", allow_hyphen_values = true, default_value_t = DEFAULT_COUNT, value_parser = parse_positive)]
    count: u32,

    /// Keep trying until interrupted (Ctrl-C), then print the summary.
    #[arg(short = 't', long)]
    continuous: bool,

    /// Keep trying for N seconds.
    #[arg(short = 's', long, value_name = "N", allow_hyphen_values = true, value_parser = parse_positive)]
    seconds: Option<u32>,

    /// Pause between attempts, e.g. 1s, 200ms, 0.
    #[arg(short = 'i', long, value_name = "DURATION", allow_hyphen_values = true, default_value_t = HumanDuration(tcp::DEFAULT_INTERVAL), value_parser = interval_arg)]
    interval: HumanDuration,

    /// Give up on an attempt after this long (Windows' own limit is 21s).
    #[arg(short = 'w', long, value_name = "DURATION", allow_hyphen_values = true, default_value_t = HumanDuration(tcp::DEFAULT_TIMEOUT), value_parser = timeout_arg)]
    timeout: HumanDuration,

    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = timeout_arg, help = dns_timeout_help(), help_heading = "DNS")]
    dns_timeout: Option<HumanDuration>,

    #[command(flatten)]
    dns: DnsArgs,

    /// Use IPv4 only.
    #[arg(short = '4')]
    ipv4: bool,

    /// Use IPv6 only.
    #[arg(short = '6')]
    ipv6: bool,

    #[command(flatten)]
    shared: SharedArgs,
}

fn main() -> ExitCode {
    let mut session = netdiag_cli::session(Tool::Tcpping);
    let cli: Cli = match netdiag_cli::parse(&session) {
        Ok(cli) => cli,
        Err(exit) => return exit,
    };
    if let Some(exit) = netdiag_cli::from_report(&session, &cli.shared) {
        return exit;
    }
    session.interrupt = netdiag_cli::interrupt_on_ctrl_c(cli.shared.azure);
    let plan = PingPlan {
        shared: cli.shared.to_shared(&session.interrupt),
        target: cli.target.unwrap_or_default(),
        port: cli.port,
        family: match (cli.ipv4, cli.ipv6) {
            (true, _) => Family::V4,
            (_, true) => Family::V6,
            _ => Family::Any,
        },
        limit: match (cli.continuous, cli.seconds) {
            (true, _) => Limit::Continuous,
            (_, Some(seconds)) => Limit::Duration(Duration::from_secs(u64::from(seconds))),
            _ => Limit::Count(cli.count),
        },
        timeout: cli.timeout.0,
        interval: cli.interval.0,
        dns: cli.dns.to_flags(cli.dns_timeout.as_ref()),
    };
    let mut terminal = Terminal::new(plan.shared.format);
    let run = diagnosis::ping(&session, &plan, &mut terminal);
    match netdiag_cli::block_on_interruptible(&session.interrupt, run) {
        Ok(outcome) => {
            terminal.clear();
            netdiag_cli::finish_run(&outcome, cli.shared.html.as_deref())
        }
        Err(exit) => exit,
    }
}
