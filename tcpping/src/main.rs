//! `tcpping`: can this App Service app open a TCP connection to host:port?
//! Thin: parses arguments, calls netdiag-core, prints.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgGroup, Parser};
use netdiag_core::addr::{Host, display_host_port, parse_target};
use netdiag_core::checklist::{self, Evaluation, render::Marks};
use netdiag_core::cli::{
    exit, input_failure, parse_interval, parse_positive, parse_timeout, usage_error_line,
};
use netdiag_core::dns::config::system_servers;
use netdiag_core::dns::render::failure_line;
use netdiag_core::dns::{ConfigInputs, DnsConfig, Transport};
use netdiag_core::report::{Clock, ErrorKind, Tool, VerdictStatus};
use netdiag_core::settings::AppSettings;
use netdiag_core::snapshot;
use netdiag_core::tcp::render::{attempt_line, summary_lines};
use netdiag_core::tcp::{
    self, DEFAULT_COUNT, Family, Limit, ProbeObserver, ProbePlan, ProbeRun, TcpAttempt, TcpSection,
};

const AFTER_HELP: &str = "\
The host name is resolved with the app's DNS servers (WEBSITE_DNS_SERVER,
else a --network snapshot's VNET DNS, else the system's; see nameresolver
--help), 3s per server, in order.
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
  tcpping --network export/ db.contoso.internal:1433      # probe, then the checklist
  tcpping --network export/ --no-probe 10.10.2.4:1433     # checklist only, no packet

Exit status: 0 at least one attempt connected, 1 none did, 2 bad input.";

/// Test whether this App Service app can open a TCP connection to host:port.
// Doc comments here are the --help text, where backticks would show; the flags are the
// command line's, each a bool as clap parses it.
#[allow(clippy::doc_markdown, clippy::struct_excessive_bools)]
#[derive(Debug, Parser)]
#[command(
    name = "tcpping",
    version,
    about,
    after_help = AFTER_HELP,
    arg_required_else_help = true,
    group(ArgGroup::new("run_length").args(["count", "continuous", "seconds"])),
    group(ArgGroup::new("family").args(["ipv4", "ipv6"])),
)]
struct Cli {
    /// Target: host, host:port, IPv4:port, [IPv6]:port [default port: 80].
    #[arg(value_name = "HOST[:PORT]")]
    target: String,

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
    #[arg(short = 'i', long, value_name = "DURATION", allow_hyphen_values = true, default_value = "1s", value_parser = parse_interval)]
    interval: Duration,

    /// Give up on an attempt after this long (Windows' own limit is 21s).
    #[arg(short = 'w', long, value_name = "DURATION", allow_hyphen_values = true, default_value = "21s", value_parser = parse_timeout)]
    timeout: Duration,

    /// Use IPv4 only.
    #[arg(short = '4')]
    ipv4: bool,

    /// Use IPv6 only.
    #[arg(short = '6')]
    ipv6: bool,

    /// Network snapshot: an exported Azure resource JSON file or a directory of them
    /// (repeatable). Runs the checklist against it.
    #[arg(long, value_name = "PATH")]
    network: Vec<std::path::PathBuf>,

    /// Send nothing: evaluate the snapshot for the target (needs --network).
    #[arg(long, requires = "network")]
    no_probe: bool,

    /// Print the JSON support report instead of text.
    #[arg(long)]
    json: bool,
}

/// Prints each attempt as it finishes and, on a terminal, a live counter while one waits.
struct Printer {
    target: String,
    timeout: Duration,
    print_lines: bool,
    live_counter: bool,
    counter_shown: bool,
}

impl Printer {
    fn clear_counter(&mut self) {
        if self.counter_shown {
            eprint!("\r\x1b[K");
            let _ = std::io::stderr().flush();
            self.counter_shown = false;
        }
    }
}

impl ProbeObserver for Printer {
    fn waiting(&mut self, seq: u32, elapsed: Duration) {
        // The last tick can land on the deadline itself; the attempt's line follows at once.
        if self.live_counter && elapsed < self.timeout {
            eprint!(
                "\r  attempt {seq}: waiting {}s of {} ...",
                elapsed.as_secs(),
                netdiag_core::cli::display_duration(self.timeout)
            );
            let _ = std::io::stderr().flush();
            self.counter_shown = true;
        }
    }

    fn finished(&mut self, attempt: &TcpAttempt) {
        self.clear_counter();
        if self.print_lines {
            println!("{}", attempt_line(&self.target, attempt, self.timeout));
            let _ = std::io::stdout().flush();
        }
    }
}

fn main() -> ExitCode {
    let clock = Clock::start();
    let settings = AppSettings::from_process_env();
    let wants_json = std::env::args_os().skip(1).any(|arg| arg == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if is_help(&error) => error.exit(),
        Err(error) => {
            let message = usage_error_line(&error.to_string(), "tcpping");
            return bad_input(wants_json, clock, &settings, ErrorKind::Usage, &message);
        }
    };
    let (host, port) = match parse_target(&cli.target, cli.port.as_deref()) {
        Ok(target) => target,
        Err(error) => {
            return bad_input(
                cli.json,
                clock,
                &settings,
                ErrorKind::Usage,
                &error.to_string(),
            );
        }
    };
    let family = match (cli.ipv4, cli.ipv6) {
        (true, _) => Family::V4,
        (_, true) => Family::V6,
        _ => Family::Any,
    };
    let limit = match (cli.continuous, cli.seconds) {
        (true, _) => Limit::Continuous,
        (_, Some(seconds)) => Limit::Duration(Duration::from_secs(u64::from(seconds))),
        _ => Limit::Count(cli.count),
    };
    if let Err(message) = tcp::check_family(&host, family) {
        return bad_input(cli.json, clock, &settings, ErrorKind::Usage, &message);
    }
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
    // A name needs the app's DNS configuration (read once); so does the checklist.
    let dns_config = if matches!(host, Host::Name(_)) || prepared.snapshot.is_some() {
        let system = system_servers;
        match DnsConfig::discover(&ConfigInputs {
            server_argument: None,
            settings: &settings,
            network: prepared.network_dns.as_ref(),
            system: &system,
            timeout_argument: None,
            transport: Transport::Udp,
        }) {
            Ok(config) => Some(config),
            Err(error) => {
                return bad_input(
                    cli.json,
                    clock,
                    &settings,
                    ErrorKind::Config,
                    &error.to_string(),
                );
            }
        }
    } else {
        None
    };
    let target = display_host_port(&host, port);

    let (resolved, run) = if cli.no_probe {
        // Evaluate the snapshot for the target without sending a packet.
        let address = match host {
            Host::Ip(ip) => Some(std::net::SocketAddr::new(ip, port)),
            Host::Name(_) => None,
        };
        (
            tcp::Resolved {
                address,
                lookup: None,
                failure: None,
            },
            None,
        )
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
        let mut printer = Printer {
            target: target.clone(),
            timeout: cli.timeout,
            print_lines: !cli.json,
            live_counter: !cli.json && std::io::stderr().is_terminal(),
            counter_shown: false,
        };
        let (resolved, run) = runtime.block_on(probe(
            &cli,
            &host,
            port,
            family,
            limit,
            dns_config.as_ref(),
            &mut printer,
        ));
        printer.clear_counter();
        (resolved, Some(run))
    };

    let section = run
        .as_ref()
        .map(|run| TcpSection::new(cli.timeout, cli.interval, limit, run));
    let probe_failed = section.as_ref().is_some_and(|s| s.summary.connected == 0);
    let mut report = tcp::tcpping_report(
        clock,
        &settings,
        &target,
        &host,
        port,
        dns_config.as_ref(),
        &resolved,
        section,
    );
    let checklist = (cli.no_probe || probe_failed || prepared.snapshot.is_some()).then(|| {
        let inputs = checklist::Inputs {
            target: checklist::Target {
                host: host.to_string(),
                ip: resolved.address.map(|a| a.ip()),
                port,
                protocol: netdiag_core::nsg::Protocol::Tcp,
            },
            settings: &settings,
            snapshot: prepared.snapshot.as_ref(),
            dns: match (&dns_config, &resolved.lookup) {
                (Some(config), Some((_, lookup))) => Some((config, lookup)),
                _ => None,
            },
            dns_config: dns_config.as_ref(),
            tcp: report.tcp.as_ref().map(|t| &t.summary),
            probed: !cli.no_probe,
        };
        Evaluation::new(&inputs, (!cli.no_probe).then_some(&report.verdict))
    });
    let mut exit_code = if report.tcp.as_ref().is_some_and(|t| t.summary.connected > 0) {
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
        if let Some(config) = &dns_config {
            for warning in &config.warnings {
                eprintln!("warning: {warning}");
            }
        }
        if let Some(tcp) = &report.tcp {
            for line in summary_lines(&tcp.summary) {
                println!("{line}");
            }
        }
        match &checklist {
            Some(evaluation) => {
                if report.tcp.is_some() {
                    println!();
                }
                print!("{}", evaluation.render(Marks::for_stdout()));
            }
            None if report.verdict.status != VerdictStatus::Pass => {
                println!("\n{}", report.verdict.render().trim_end());
            }
            None => {}
        }
    }
    ExitCode::from(exit_code)
}

/// Resolves the target with the app's DNS and runs the attempts, printing as they finish.
async fn probe(
    cli: &Cli,
    host: &Host,
    port: u16,
    family: Family,
    limit: Limit,
    dns_config: Option<&DnsConfig>,
    printer: &mut Printer,
) -> (tcp::Resolved, ProbeRun) {
    let interrupted = async {
        // If the handler cannot be installed, run to the end rather than stop at once.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let resolved = tcp::resolve_target(host, port, family, dns_config).await;
    if let (true, Some(config), Some((_, lookup))) =
        (printer.print_lines, dns_config, &resolved.lookup)
    {
        for attempt in lookup.failed_attempts() {
            println!("{}", failure_line(attempt, config));
        }
    }
    let run = if let Some(address) = resolved.address {
        let plan = ProbePlan {
            address,
            timeout: cli.timeout,
            interval: cli.interval,
            limit,
            // Only the JSON report lists every attempt; text needs the tally alone.
            keep_attempts: cli.json,
        };
        tcp::run_probes(&plan, printer, interrupted).await
    } else {
        // The name did not resolve: one `dns` attempt says why; no packet is sent.
        let attempts: Vec<TcpAttempt> = resolved.dns_attempt().into_iter().collect();
        for attempt in &attempts {
            printer.finished(attempt);
        }
        ProbeRun::from_attempts(attempts, false)
    };
    (resolved, run)
}

/// Bad input: one `error:` line on stderr and, with `--json`, a report carrying the error.
fn bad_input(
    json: bool,
    clock: Clock,
    settings: &AppSettings,
    kind: ErrorKind,
    message: &str,
) -> ExitCode {
    let failure = input_failure(Tool::Tcpping, clock, settings, kind, message, json);
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
