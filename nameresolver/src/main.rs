//! `nameresolver`: resolve a name with the DNS servers an App Service app really uses.
//! Thin: parses arguments, calls netdiag-core, prints.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use netdiag_core::addr::{Host, parse_server};
use netdiag_core::checklist::{self, Evaluation, render::Marks};
use netdiag_core::cli::{exit, input_failure, parse_timeout, usage_error_line};
use netdiag_core::dns::{
    self, ConfigInputs, DnsConfig, DnsRun, Question, Transport, config::system_servers,
    render::render, resolve::RecordType,
};
use netdiag_core::report::{Clock, ErrorKind, Tool};
use netdiag_core::settings::AppSettings;
use netdiag_core::snapshot;

const AFTER_HELP: &str = "\
Which DNS servers are asked (the first source that names servers wins):
  1. the DNS_SERVER argument
  2. app setting WEBSITE_DNS_SERVER (comma-separated, up to 5)
  3. the app's VNET in a --network snapshot (its connection's dnsServers, else the VNET's)
  4. the system configuration (/etc/resolv.conf; the network adapters on Windows)
  5. Azure-provided DNS, 168.63.129.16
  WEBSITE_DNS_ALT_SERVER, when set, is asked last, after the list above.
Servers are asked one after another, in order; each gets the timeout
(--timeout, else WEBSITE_DNS_TIMEOUT seconds, else 3s) and
WEBSITE_DNS_ATTEMPTS attempts (default 1), as App Service does.

Examples:
  nameresolver db.contoso.internal              # the app's DNS servers, A and AAAA
  nameresolver db.contoso.internal 10.1.0.4     # ask one server
  nameresolver db.contoso.internal [fd00::4]:53 # a server on IPv6, explicit port
  nameresolver -t MX contoso.com                # one record type
  nameresolver 10.1.2.4                         # reverse (PTR) lookup
  nameresolver --all db.contoso.internal        # every server at once: who disagrees?
  nameresolver --json db.contoso.internal > dns-report.json
  nameresolver --network export/ --no-probe db.contoso.internal  # checklist only

Exit status: 0 resolved, 1 not resolved (or servers disagree with --all),
2 bad input.";

/// Resolve a name with the DNS servers this App Service app really uses.
// Doc comments here are the --help text, where backticks would show; the flags are the
// command line's, each a bool as clap parses it.
#[allow(clippy::doc_markdown, clippy::struct_excessive_bools)]
#[derive(Debug, Parser)]
#[command(name = "nameresolver", version, about, after_help = AFTER_HELP, arg_required_else_help = true)]
struct Cli {
    /// Name to resolve, or an IP address for a reverse (PTR) lookup.
    #[arg(value_name = "HOSTNAME", value_parser = parse_host)]
    host: Host,

    /// Ask only this DNS server: IP, IP:port or [IPv6]:port (port 53 by default).
    #[arg(value_name = "DNS_SERVER", value_parser = validate_server)]
    server: Option<String>,

    /// Record type: A, AAAA, CNAME, MX, TXT, SRV, NS, SOA or PTR [default: A and AAAA].
    #[arg(short = 't', long = "type", value_name = "TYPE", value_parser = dns::resolve::parse_query_type)]
    record_type: Option<RecordType>,

    /// Time each DNS server has to answer, e.g. 3s or 500ms [default: WEBSITE_DNS_TIMEOUT, else 3s].
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = parse_timeout)]
    timeout: Option<Duration>,

    /// Query over TCP instead of UDP.
    #[arg(long)]
    tcp: bool,

    /// Ask every configured server at once and show each answer.
    #[arg(long)]
    all: bool,

    /// Network snapshot: an exported Azure resource JSON file or a directory of them
    /// (repeatable). Its VNET DNS servers are used, and the checklist runs against it.
    #[arg(long, value_name = "PATH")]
    network: Vec<std::path::PathBuf>,

    /// Send nothing: evaluate the snapshot for the app's DNS servers (needs --network).
    #[arg(long, requires = "network")]
    no_probe: bool,

    /// Print the JSON support report instead of text.
    #[arg(long)]
    json: bool,
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
    let clock = Clock::start();
    let settings = AppSettings::from_process_env();
    let wants_json = std::env::args_os().skip(1).any(|arg| arg == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if is_help(&error) => error.exit(),
        Err(error) => {
            let message = usage_error_line(&error.to_string(), "nameresolver");
            return bad_input(wants_json, clock, &settings, ErrorKind::Usage, &message);
        }
    };

    let prepared = match snapshot::prepare(&cli.network, &settings) {
        Ok(prepared) => prepared,
        Err(error) => {
            return bad_input(
                cli.json,
                clock,
                &settings,
                ErrorKind::Snapshot,
                &error.to_string(),
            );
        }
    };
    let settings = prepared.settings;
    let system = || system_servers();
    let config = match DnsConfig::discover(&ConfigInputs {
        server_argument: cli.server.as_deref(),
        settings: &settings,
        network: prepared.network_dns.as_ref(),
        system: &system,
        timeout_argument: cli.timeout,
        transport: if cli.tcp {
            Transport::Tcp
        } else {
            Transport::Udp
        },
    }) {
        Ok(config) => config,
        Err(error) => {
            return bad_input(
                cli.json,
                clock,
                &settings,
                ErrorKind::Config,
                &error.to_string(),
            );
        }
    };
    let question = match Question::new(&cli.host, cli.record_type) {
        Ok(question) => question,
        Err(message) => return bad_input(cli.json, clock, &settings, ErrorKind::Usage, &message),
    };

    let run = if cli.no_probe {
        None
    } else {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => {
                eprintln!("error: cannot start the async runtime: {error}");
                return ExitCode::from(exit::FAILED);
            }
        };
        Some(runtime.block_on(async {
            if cli.all {
                DnsRun::All(dns::resolve_all(&config, &question).await)
            } else {
                DnsRun::Sequential(dns::resolve(&config, &question).await)
            }
        }))
    };

    let mut report = dns::nameresolver_report(clock, &settings, &config, &question, run.as_ref());
    let failed = run.as_ref().is_some_and(|run| !run.succeeded());
    let checklist = (cli.no_probe || failed || prepared.snapshot.is_some()).then(|| {
        let inputs = checklist::Inputs {
            target: dns::checklist_target(&config, &question),
            settings: &settings,
            snapshot: prepared.snapshot.as_ref(),
            dns: match &run {
                Some(DnsRun::Sequential(lookup)) => Some((&config, lookup)),
                _ => None,
            },
            dns_config: Some(&config),
            tcp: None,
            probed: !cli.no_probe,
        };
        Evaluation::new(&inputs, run.is_some().then_some(&report.verdict))
    });
    let mut exit_code = if run.as_ref().is_some_and(DnsRun::succeeded) {
        exit::SUCCESS
    } else {
        exit::FAILED
    };
    if let Some(evaluation) = &checklist
        && let Some(code) = evaluation.apply(&mut report, cli.no_probe)
    {
        exit_code = code;
    }

    if cli.json {
        println!("{}", report.to_json());
    } else {
        for warning in &config.warnings {
            eprintln!("warning: {warning}");
        }
        if let Some(run) = &run {
            // The probe's own verdict is printed only when no checklist follows with it.
            let verdict = run.verdict(&config, &question);
            let shown = if checklist.is_some() {
                netdiag_core::report::Verdict {
                    status: netdiag_core::report::VerdictStatus::Pass,
                    ..verdict
                }
            } else {
                verdict
            };
            print!("{}", render(run, &config, &question, &shown));
        }
        if let Some(evaluation) = &checklist {
            print!("{}", evaluation.render(Marks::for_stdout()));
        }
    }
    ExitCode::from(exit_code)
}

/// Bad input: one `error:` line on stderr and, with `--json`, a report carrying the error.
fn bad_input(
    json: bool,
    clock: Clock,
    settings: &AppSettings,
    kind: ErrorKind,
    message: &str,
) -> ExitCode {
    let failure = input_failure(Tool::Nameresolver, clock, settings, kind, message, json);
    eprintln!("{}", failure.error_line);
    if let Some(report) = failure.report_json {
        println!("{report}");
    }
    ExitCode::from(exit::BAD_INPUT)
}

/// `--help`, `--version`, or no arguments at all: clap prints the help (exit 0, or 2 when
/// arguments are missing).
fn is_help(error: &clap::Error) -> bool {
    use clap::error::ErrorKind as Kind;
    matches!(
        error.kind(),
        Kind::DisplayHelp | Kind::DisplayVersion | Kind::DisplayHelpOnMissingArgumentOrSubcommand
    )
}
