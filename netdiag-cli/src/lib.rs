//! What `nameresolver` and `tcpping` share on the command line, so that neither repeats
//! the other: the flags both take ([`SharedArgs`], flattened into each), parsing with
//! bad input as exit 2 (and a JSON report with `--json`), the async runtime, the live
//! output of a run on a terminal, and printing an [`Outcome`]. Clap stays out of
//! netdiag-core; the logic stays out of here.

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use netdiag_core::azure::AzureEnvironment;
use netdiag_core::azure::{AzureOptions, Progress};
use netdiag_core::checklist::render::Marks;
use netdiag_core::diagnosis::{
    self, DnsFlags, InputError, Live, Outcome, QueryModel, Session, Shared,
};
use netdiag_core::output::{DEFAULT_WIDTH, Format, Style};
use netdiag_core::settings::AppSettings;
use netdiag_core::vocab::{Exit, Interrupt, Tool, display_duration};

/// The flags both tools take.
// Doc comments here are the --help text, where backticks would show; the flags are the
// command line's, each a bool as clap parses it.
#[allow(clippy::doc_markdown, clippy::struct_excessive_bools)]
#[derive(Debug, Clone, clap::Args)]
#[command(group = clap::ArgGroup::new("snapshot").args(["network", "azure"]).multiple(true))]
pub struct SharedArgs {
    /// Network snapshot: an exported Azure resource JSON file or a directory of them
    /// (repeatable). Its VNET DNS servers are used, and the checklist runs against it.
    #[arg(long, value_name = "PATH")]
    pub network: Vec<PathBuf>,

    /// Send no probe: evaluate the snapshot for the target (needs --network or --azure).
    #[arg(long, requires = "snapshot")]
    pub no_probe: bool,

    /// Print the JSON support report instead of text.
    #[arg(long)]
    pub json: bool,

    /// Also write the report as one HTML page to FILE: the verdict, the path drawn, every
    /// check, the attempts, the report itself. It needs nothing else: open it in a browser.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Draw a saved JSON report (a customer's) again, as the run that wrote it printed it,
    /// or as a page with --html FILE. Sends nothing, reads nothing else; no target needed.
    #[arg(long, value_name = "REPORT.json", conflicts_with_all = ["network", "azure", "no_probe", "app"])]
    pub from_report: Option<PathBuf>,

    /// Read the app's network configuration from Azure Resource Manager with the app's
    /// managed identity (Reader on the resource groups is enough), and run the checklist
    /// on it.
    #[arg(long, help_heading = "Azure")]
    pub azure: bool,

    /// Write every resource read from Azure as one JSON file each into DIR (what
    /// --network DIR reads back: attach it to a support case).
    #[arg(long, value_name = "DIR", requires = "azure", help_heading = "Azure")]
    pub save_network: Option<PathBuf>,

    /// With --save-network: write into a directory that holds another app's export too
    /// (its files are kept; --network DIR then reads both apps, and --app chooses).
    #[arg(long, requires = "save_network", help_heading = "Azure")]
    pub force: bool,

    /// A file holding a bearer token for Azure Resource Manager, instead of the managed
    /// identity (az account get-access-token --query accessToken -o tsv > token.txt).
    #[arg(long, value_name = "PATH", requires = "azure", help_heading = "Azure")]
    pub arm_token_file: Option<PathBuf>,

    /// The app (or deployment slot) the checklist is about, by resource id: which site of
    /// a snapshot that holds several, or which app --azure reads (default: the one named
    /// by WEBSITE_SITE_NAME and WEBSITE_SLOT_NAME, else the snapshot's only site).
    #[arg(long, value_name = "RESOURCE_ID", requires = "snapshot")]
    pub app: Option<String>,

    /// Azure Resource Manager's endpoint [default: the cloud of WEBSITE_HOSTNAME inside the
    /// app (.azurewebsites.us: https://management.usgovcloudapi.net, .chinacloudsites.cn:
    /// https://management.chinacloudapi.cn), else https://management.azure.com]
    #[arg(long, value_name = "URL", requires = "azure", help_heading = "Azure")]
    pub arm_endpoint: Option<String>,

    /// The client id of a user-assigned managed identity.
    #[arg(long, value_name = "ID", requires = "azure", help_heading = "Azure")]
    pub identity_client_id: Option<String>,

    /// How long reading the configuration from Azure may take in all.
    #[arg(long, value_name = "DURATION", default_value_t = HumanDuration(netdiag_core::azure::DEFAULT_TIMEOUT), value_parser = timeout_arg, requires = "azure", help_heading = "Azure")]
    pub azure_timeout: HumanDuration,
}

/// How the app's DNS servers are asked, the same in both tools.
// Doc comments here are the --help text, where backticks would show.
#[allow(clippy::doc_markdown)]
#[derive(Debug, Clone, clap::Args)]
pub struct DnsArgs {
    #[arg(long, value_name = "N", conflicts_with = "sequential", value_parser = clap::value_parser!(u32).range(1..=i64::from(netdiag_core::dns::config::MAX_ATTEMPTS)), help = attempts_help(), help_heading = "DNS")]
    pub attempts: Option<u32>,

    /// Ask the servers one after another, once each, as Kudu's classic nameresolver did
    /// (default: all at once, as App Service does today).
    #[arg(long, help_heading = "DNS")]
    pub sequential: bool,
}

/// `--attempts`' help: its default is the core's constant.
fn attempts_help() -> String {
    format!(
        "Attempts before giving up; an attempt asks every server at once and is repeated when none answered [default: dnsRetryAttemptCount, else WEBSITE_DNS_ATTEMPTS, else {}]",
        netdiag_core::dns::config::DEFAULT_ATTEMPTS
    )
}

impl DnsArgs {
    /// The flags as the core takes them, with the tool's own timeout flag.
    pub fn to_flags(&self, timeout: Option<&HumanDuration>) -> DnsFlags {
        DnsFlags {
            timeout: timeout.map(|t| t.0),
            attempts: self.attempts,
            model: if self.sequential {
                QueryModel::Sequential
            } else {
                QueryModel::Platform
            },
        }
    }
}

/// A duration on the command line: parsed as users type it (`3s`, `500ms`, `2`) and
/// displayed as humantime writes it, so that clap's `[default: 21s]` is the core's constant
/// itself, never a second literal beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl std::fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&display_duration(self.0))
    }
}

/// A timeout as typed (zero refused).
pub fn timeout_arg(text: &str) -> Result<HumanDuration, String> {
    netdiag_core::vocab::parse_timeout(text)
        .map(HumanDuration)
        .map_err(|e| e.to_string())
}

/// An interval as typed (zero allowed).
pub fn interval_arg(text: &str) -> Result<HumanDuration, String> {
    netdiag_core::vocab::parse_interval(text)
        .map(HumanDuration)
        .map_err(|e| e.to_string())
}

/// This machine's name: `COMPUTERNAME` (Windows; App Service names its instances so),
/// else the kernel's host name.
fn machine_name() -> Option<String> {
    std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

/// The width `COLUMNS` asks for, when it is a positive number: POSIX's "user's preferred
/// width", over the terminal's own and the default (a support engineer printing for a
/// ticket, a test drawing at 80 columns).
fn columns(value: Option<&str>) -> Option<usize> {
    value?.trim().parse().ok().filter(|n| *n > 0)
}

/// A run of `tool` in this process: the one place that reads the process's environment and
/// terminal (the clock starts now; the allow-listed app settings, the platform's variables
/// for `--azure`; on a terminal its width, and colour unless `NO_COLOR` is set; elsewhere
/// plain marks at 100 columns).
pub fn session(tool: Tool) -> Session {
    let var = |name: &str| std::env::var(name).ok();
    let terminal = std::io::stdout().is_terminal();
    Session {
        azure: AzureEnvironment::from_vars(var),
        style: Style {
            marks: Marks::choose(terminal, std::env::var_os("NO_COLOR").is_some()),
            width: columns(var("COLUMNS").as_deref()).unwrap_or_else(|| {
                terminal
                    .then(|| terminal_size::terminal_size_of(std::io::stdout()))
                    .flatten()
                    .map_or(DEFAULT_WIDTH, |(width, _)| usize::from(width.0))
            }),
        },
        // The whole environment: the allow-listed settings are kept, and the secret ones
        // (the content share's connection string, Key Vault references) give their facts
        // and are dropped.
        invocation: std::env::args_os()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        machine: machine_name(),
        ..Session::with_settings(
            tool,
            AppSettings::from_pairs(std::env::vars_os().filter_map(|(name, value)| {
                Some((name.into_string().ok()?, value.into_string().ok()?))
            })),
        )
    }
}

impl SharedArgs {
    /// Text, or the report with `--json`.
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            Format::Text
        }
    }

    /// The flags as the core takes them; `interrupt` reaches the Azure gathering.
    pub fn to_shared(&self, interrupt: &Interrupt) -> Shared {
        Shared {
            network: self.network.clone(),
            app: self.app.clone(),
            no_probe: self.no_probe,
            format: self.format(),
            html: self.html.is_some(),
            azure: self.azure.then(|| AzureOptions {
                endpoint: self.arm_endpoint.clone(),
                token_file: self.arm_token_file.clone(),
                app: self.app.clone(),
                client_id: self.identity_client_id.clone(),
                timeout: self.azure_timeout.0,
                save: self.save_network.clone(),
                force: self.force,
                progress: (!self.json && std::io::stderr().is_terminal())
                    .then(|| Arc::new(RequestCounter) as Arc<dyn Progress>),
                interrupt: interrupt.clone(),
            }),
        }
    }
}

/// Ctrl-C as an [`Interrupt`]. With `blocking_waits` (`--azure`: the gathering blocks the
/// run's thread) a thread of its own waits for the signal; otherwise [`interrupted`], on
/// the run's runtime, does (a second runtime costs descriptors a week-long `-t` run need
/// not hold). If the handler cannot be installed, the run goes on to its end.
pub fn interrupt_on_ctrl_c(blocking_waits: bool) -> Interrupt {
    let interrupt = Interrupt::default();
    if !blocking_waits {
        return interrupt;
    }
    let flag = interrupt.clone();
    let _ = std::thread::Builder::new()
        .name("ctrl-c".to_owned())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            if runtime.block_on(tokio::signal::ctrl_c()).is_ok() {
                flag.trigger();
            }
        });
    interrupt
}

/// Runs a run to its end while Ctrl-C is listened for on its own runtime: the signal sets
/// `interrupt`, every wait of the run watches it, and the run ends with what it saw (its
/// summary and report). The run is never dropped half-way.
pub fn block_on_interruptible<F: Future>(
    interrupt: &Interrupt,
    run: F,
) -> Result<F::Output, ExitCode> {
    let listener = interrupt.clone();
    block_on(async move {
        // On the current-thread runtime the task runs whenever the run waits.
        let listening = tokio::spawn(async move { interrupted(&listener).await });
        let output = run.await;
        listening.abort();
        output
    })
}

/// Completes on Ctrl-C, and sets `interrupt` then, so that what watches it stops too.
pub async fn interrupted(interrupt: &Interrupt) {
    tokio::select! {
        signal = tokio::signal::ctrl_c() => {
            if signal.is_err() {
                // No handler: only the interrupt's own thread can end the run.
                interrupt.wait().await;
            }
            interrupt.trigger();
        }
        () = interrupt.wait() => {}
    }
}

/// On a terminal, one line on stderr that counts the requests to Azure.
struct RequestCounter;

impl Progress for RequestCounter {
    fn update(&self, done: usize, total: usize) {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\rreading Azure configuration: {done}/{total}");
        let _ = stderr.flush();
    }

    fn finish(&self) {
        let mut stderr = std::io::stderr().lock();
        let _ = write!(stderr, "\r\x1b[K");
        let _ = stderr.flush();
    }
}

/// Parses the command line. `--help` and `--version` print and exit as clap does; bad
/// arguments become the tool's bad-input outcome (one `error:` line, exit 2, a report
/// with `--json`), returned as the exit code to end with.
pub fn parse<C: Parser>(session: &Session) -> Result<C, ExitCode> {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if let Some(hint) = habit_hint(session.tool, &args) {
        let format = if args.iter().any(|arg| arg == "--json") {
            Format::Json
        } else {
            Format::Text
        };
        return Err(finish(&diagnosis::bad_input(
            session,
            format,
            &InputError::Usage(hint),
        )));
    }
    C::try_parse().map_err(|error| {
        if is_help(&error) {
            error.exit();
        }
        let format = if std::env::args_os().skip(1).any(|arg| arg == "--json") {
            Format::Json
        } else {
            Format::Text
        };
        let message = usage_error_line(&error.to_string(), session.tool.name());
        finish(&diagnosis::bad_input(
            session,
            format,
            &InputError::Usage(message),
        ))
    })
}

/// What users of other tools type, and our way of saying it: a bare `help`, tcping's `-c`,
/// `-p` and `-t N`, dig's `@server`. `None` when the arguments are not one of those.
pub fn habit_hint(tool: Tool, args: &[String]) -> Option<String> {
    let name = tool.name();
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if positional.len() == 1 && positional[0].eq_ignore_ascii_case("help") && args.len() == 1 {
        return Some(format!("'help' is not a host: see {name} --help"));
    }
    if tool == Tool::Nameresolver
        && let Some(server) = args.iter().find(|a| a.starts_with('@'))
    {
        let host = positional
            .iter()
            .find(|a| !a.starts_with('@'))
            .map_or("NAME", |h| h.as_str());
        return Some(format!(
            "dig's {server}: give the DNS server after the name: {name} {host} {}",
            &server[1..]
        ));
    }
    if tool != Tool::Tcpping {
        return None;
    }
    for (i, arg) in args.iter().enumerate() {
        let next = args.get(i + 1).map(String::as_str);
        match arg.as_str() {
            "-c" => {
                return Some(format!(
                    "tcping's -c is -n here: {name} -n {} HOST:PORT",
                    next.unwrap_or("N")
                ));
            }
            "-p" => {
                return Some(format!(
                    "-p: give the port after the host, as {name} HOST:{0} or {name} HOST {0}",
                    next.unwrap_or("PORT")
                ));
            }
            "-t" if next.is_some_and(|n| n.parse::<f64>().is_ok()) => {
                return Some(format!(
                    "-t runs until Ctrl-C; the timeout is -w (e.g. -w {}s)",
                    next.unwrap_or("2")
                ));
            }
            _ => {}
        }
    }
    None
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

/// Turns clap's rendered error (several lines: message, usage, tip) into the one line the
/// tools print after `error: `.
pub fn usage_error_line(rendered: &str, tool: &str) -> String {
    // The message is clap's first paragraph; some continue on indented lines
    // ("required arguments were not provided:\n  --network <PATH>").
    let paragraph: Vec<&str> = rendered
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let joined = paragraph.join(" ");
    let message = joined.strip_prefix("error: ").unwrap_or(&joined).trim();
    format!("{message} (see '{tool} --help')")
}

/// Runs a run to its end on a single-threaded runtime (the tools do one thing at a time;
/// `--all` waits on several sockets, not threads).
pub fn block_on<F: Future>(run: F) -> Result<F::Output, ExitCode> {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Ok(runtime.block_on(run)),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            Err(ExitCode::from(Exit::Failed.code()))
        }
    }
}

/// Prints an outcome: warnings and the error line on stderr, the text or the JSON report
/// on stdout. A reader that went away (`| head -1`) is not an error worth a word.
/// Ends a run: the page `--html FILE` asked for, then [`finish`]. A page that cannot be
/// written is exit 2, with one line that names the file.
pub fn finish_run(outcome: &Outcome, html: Option<&std::path::Path>) -> ExitCode {
    if let Some(path) = html
        && let Err(message) = write_page(path, &outcome.html())
    {
        let code = finish(outcome);
        let _ = writeln!(std::io::stderr(), "error: {message}");
        return if code == ExitCode::SUCCESS {
            ExitCode::from(Exit::BadInput.code())
        } else {
            code
        };
    }
    finish(outcome)
}

fn write_page(path: &std::path::Path, page: &str) -> Result<(), String> {
    std::fs::write(path, page)
        .map_err(|e| format!("--html {}: could not write the page: {e}", path.display()))?;
    let _ = writeln!(
        std::io::stderr(),
        "Wrote the HTML report to {} (open it in a browser).",
        path.display()
    );
    Ok(())
}

/// `--from-report REPORT.json`: the saved report drawn again (text, `--json`, or the page
/// with `--html FILE`), exit 0; a file that cannot be read or is not a report is exit 2
/// with one line that says why. `None` when the flag is not given: the run goes on.
pub fn from_report(session: &Session, shared: &SharedArgs) -> Option<ExitCode> {
    let path = shared.from_report.as_ref()?;
    let read = std::fs::read_to_string(path)
        .map_err(|e| format!("--from-report {}: {e}", path.display()))
        .and_then(|text| {
            netdiag_core::output::from_report(&text)
                .map_err(|e| format!("--from-report {}: {e}", path.display()))
        });
    let saved = match read {
        Ok(saved) => saved,
        Err(message) => {
            return Some(finish(&diagnosis::bad_input(
                session,
                shared.format(),
                &InputError::Usage(message),
            )));
        }
    };
    if let Some(page) = &shared.html
        && let Err(message) = write_page(page, &saved.html())
    {
        let _ = writeln!(std::io::stderr(), "error: {message}");
        return Some(ExitCode::from(Exit::BadInput.code()));
    }
    let stdout = match (shared.json, &shared.html) {
        (true, _) => saved.json(),
        (false, None) => saved.text(session.style),
        (false, Some(_)) => String::new(),
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(stdout.as_bytes());
    let _ = out.flush();
    Some(ExitCode::SUCCESS)
}

pub fn finish(outcome: &Outcome) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    for warning in &outcome.warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    for note in &outcome.notes {
        let _ = writeln!(stderr, "{note}");
    }
    if let Some(line) = &outcome.error_line {
        let _ = writeln!(stderr, "{line}");
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(outcome.stdout().as_bytes());
    let _ = stdout.flush();
    ExitCode::from(outcome.exit.code())
}

/// The terminal as a run's live output: lines on stdout as they come and, when stderr is
/// a terminal (and the output is text), a counter while an attempt waits.
pub struct Terminal {
    live_counter: bool,
    counter_shown: bool,
    /// Stdout's reader went away (`| head -1`): nothing more is written.
    closed: bool,
}

impl Terminal {
    /// With [`Format::Json`] the run prints a report, so no counter either.
    pub fn new(format: Format) -> Self {
        Self {
            live_counter: format == Format::Text && std::io::stderr().is_terminal(),
            counter_shown: false,
            closed: false,
        }
    }

    /// Removes the counter, so that what follows starts on a clean line.
    pub fn clear(&mut self) {
        if self.counter_shown {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[K");
            let _ = stderr.flush();
            self.counter_shown = false;
        }
    }
}

impl Live for Terminal {
    fn line(&mut self, text: &str) {
        self.clear();
        if self.closed {
            return;
        }
        let mut stdout = std::io::stdout().lock();
        let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
        if written.is_err() {
            // A closed pipe (or a full disk): end the run quietly where it is.
            self.closed = true;
        }
    }

    fn closed(&self) -> bool {
        self.closed
    }

    fn waiting(&mut self, seq: u32, elapsed: Duration, timeout: Duration) {
        if self.live_counter {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(
                stderr,
                "\r  attempt {seq}: waiting {}s of {} ...",
                elapsed.as_secs(),
                display_duration(timeout)
            );
            let _ = stderr.flush();
            self.counter_shown = true;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_takes_a_positive_number_only() {
        assert_eq!(super::columns(Some("80")), Some(80));
        assert_eq!(super::columns(Some(" 132 ")), Some(132));
        for unusable in [None, Some(""), Some("0"), Some("-5"), Some("wide")] {
            assert_eq!(super::columns(unusable), None, "{unusable:?}");
        }
    }

    #[test]
    fn clap_errors_become_one_line_that_points_at_help() {
        let rendered = "error: the following required arguments were not provided:\n  --network <PATH>\n\nUsage: tcpping --no-probe --network <PATH> <HOST[:PORT]>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            super::usage_error_line(rendered, "tcpping"),
            "the following required arguments were not provided: --network <PATH> (see 'tcpping --help')"
        );
    }
}
