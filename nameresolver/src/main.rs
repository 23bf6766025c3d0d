//! `nameresolver`: resolve a name with the DNS servers an App Service app really uses.
//! Thin: parses arguments, calls netdiag-core, prints.

use std::process::ExitCode;

use clap::Parser;
use netdiag_cli::{DnsArgs, HumanDuration, SharedArgs, timeout_arg};
use netdiag_core::addr::{Host, parse_server};
use netdiag_core::diagnosis::{self, LookupPlan};
use netdiag_core::dns::Transport;
use netdiag_core::dns::config::{DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT};
use netdiag_core::dns::resolve::{RecordType, parse_query_type};
use netdiag_core::vocab::{Tool, display_duration};

/// The text after the flags; the defaults in it are the core's constants.
fn after_help() -> String {
    format!(
        "\
Which DNS servers are asked (the first source that names servers wins):
  1. the DNS_SERVER argument
  2. the site's dnsConfiguration in the snapshot (dnsServers;
     dnsAltServer asked last)
  3. app setting WEBSITE_DNS_SERVER (comma-separated, up to 5);
     WEBSITE_DNS_ALT_SERVER asked last
  4. the app's VNET in the snapshot (its connection's dnsServers,
     else the VNET's; sorted, first two, on a site with dnsLegacySortOrder)
  5. the system configuration (/etc/resolv.conf with its own timeout and
     attempts; the network adapters on Windows); a local stub there
     (127.0.0.11, 127.0.0.53) is named as one
  6. Azure-provided DNS, 168.63.129.16
As App Service does today, each attempt asks every server at once and takes
the answer of the first server in list order that answered, as soon as the
servers ahead of it have failed; an attempt in which none answered is
repeated. Each attempt waits up to --timeout (else dnsRetryAttemptTimeout,
else WEBSITE_DNS_TIMEOUT seconds, else {timeout}); --attempts (else
dnsRetryAttemptCount, else WEBSITE_DNS_ATTEMPTS, else {attempts}) are made.
--sequential asks one server after another instead, once each (Kudu's
classic nameresolver).

Examples:
  nameresolver db.contoso.internal              # the app's DNS servers, A and AAAA
  nameresolver db.contoso.internal 10.1.0.4     # ask one server
  nameresolver db.contoso.internal [fd00::4]:53 # a server on IPv6, explicit port
  nameresolver -t MX contoso.com                # one record type
  nameresolver 10.1.2.4                         # reverse (PTR) lookup
  nameresolver --all db.contoso.internal        # every server at once: who disagrees?
  nameresolver --json db.contoso.internal > dns-report.json
  nameresolver --html dns.html db.contoso.internal       # also a page to open in a browser
  nameresolver --from-report dns-report.json             # a saved report, as it printed
  nameresolver --network export/ --no-probe db.contoso.internal  # checklist only
  nameresolver --azure sql-fabrikam.database.windows.net          # in the app: live configuration

Exit status: 0 resolved, 1 not resolved (or servers disagree with --all),
2 bad input.",
        timeout = display_duration(DEFAULT_TIMEOUT),
        attempts = DEFAULT_ATTEMPTS,
    )
}

/// `--timeout`'s help: its default is the core's constant.
fn timeout_help() -> String {
    format!(
        "Time the servers have to answer in each attempt, e.g. 3s or 500ms [default: dnsRetryAttemptTimeout, else WEBSITE_DNS_TIMEOUT, else {}]",
        display_duration(DEFAULT_TIMEOUT)
    )
}

/// Resolve a name with the DNS servers this App Service app really uses.
// Doc comments here are the --help text, where backticks would show; the flags are the
// command line's, each a bool as clap parses it.
#[allow(clippy::doc_markdown, clippy::struct_excessive_bools)]
#[derive(Debug, Parser)]
#[command(name = "nameresolver", version = netdiag_core::vocab::VERSION_LINE, about, after_help = after_help(), arg_required_else_help = true)]
struct Cli {
    /// Name to resolve, or an IP address for a reverse (PTR) lookup.
    #[arg(value_name = "HOSTNAME", value_parser = parse_host, required_unless_present = "from_report")]
    host: Option<Host>,

    /// Ask only this DNS server: IP, IP:port or [IPv6]:port (port 53 by default).
    #[arg(value_name = "DNS_SERVER", value_parser = validate_server)]
    server: Option<String>,

    /// Record type: A, AAAA, CNAME, MX, TXT, SRV, NS, SOA or PTR [default: A and AAAA].
    #[arg(short = 't', long = "type", value_name = "TYPE", value_parser = parse_query_type)]
    record_type: Option<RecordType>,

    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = timeout_arg, help = timeout_help(), help_heading = "DNS")]
    timeout: Option<HumanDuration>,

    #[command(flatten)]
    dns: DnsArgs,

    /// Query over TCP instead of UDP.
    #[arg(long)]
    tcp: bool,

    /// Ask every configured server at once and show each answer.
    #[arg(long)]
    all: bool,

    #[command(flatten)]
    shared: SharedArgs,
}

fn parse_host(text: &str) -> Result<Host, String> {
    Host::parse(text).map_err(|e| e.to_string())
}

fn validate_server(text: &str) -> Result<String, String> {
    parse_server(text)
        .map(|_| text.to_owned())
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let mut session = netdiag_cli::session(Tool::Nameresolver);
    let cli: Cli = match netdiag_cli::parse(&session) {
        Ok(cli) => cli,
        Err(exit) => return exit,
    };
    if let Some(exit) = netdiag_cli::from_report(&session, &cli.shared) {
        return exit;
    }
    // Clap requires HOSTNAME unless --from-report was given.
    let Some(host) = cli.host else {
        eprintln!("error: give a HOSTNAME (see 'nameresolver --help')");
        return ExitCode::from(2);
    };
    session.interrupt = netdiag_cli::interrupt_on_ctrl_c(cli.shared.azure);
    let plan = LookupPlan {
        shared: cli.shared.to_shared(&session.interrupt),
        host,
        server: cli.server,
        record_type: cli.record_type,
        dns: cli.dns.to_flags(cli.timeout.as_ref()),
        transport: if cli.tcp {
            Transport::Tcp
        } else {
            Transport::Udp
        },
        all: cli.all,
    };
    match netdiag_cli::block_on_interruptible(
        &session.interrupt,
        diagnosis::lookup(&session, &plan),
    ) {
        Ok(outcome) => netdiag_cli::finish_run(&outcome, cli.shared.html.as_deref()),
        Err(exit) => exit,
    }
}
