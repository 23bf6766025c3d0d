//! The top of the crate: one run of a tool, from its plan to its outcome. A binary turns
//! its arguments into a plan ([`LookupPlan`], [`PingPlan`]), runs it, and prints the
//! [`Outcome`]. Everything a run decides (the checklist or not, the verdict and its cause,
//! the error, the exit code, the elapsed time) is decided here, once, in [`decide`].

mod conclude;
mod decide;
mod lookup;
mod ping;

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

pub use crate::dns::QueryModel;
pub use lookup::{LookupPlan, lookup};
pub use ping::{Live, PingPlan, ping};

use crate::addr::AddrError;
use crate::azure::{AzureEnvironment, AzureError, AzureOptions, Gatherer};
use crate::checklist::Mode;
use crate::dns::{ConfigError, QuestionError};
use crate::output::{Format, Style, json, text};
use crate::report::{Report, Saved, SnapshotSection, SnapshotSource};
use crate::settings::AppSettings;
use crate::snapshot::{NetworkDns, SiteDns, Snapshot, SnapshotError};
use crate::tcp::FamilyError;
use crate::vocab::{
    Clock, DurationError, ErrorKind, Exit, Interrupt, Tool, Verdict, VerdictStatus,
};

/// Which tool runs, since when, and what it was given from outside: the app settings, the
/// platform's variables for `--azure`, and how the output is drawn. The binaries read the
/// process (environment, terminal) once and build this; nothing below reads the process.
#[derive(Debug, Clone)]
pub struct Session {
    pub tool: Tool,
    pub clock: Clock,
    pub settings: AppSettings,
    /// `WEBSITE_*` and the identity endpoint's variables, for `--azure`.
    pub azure: AzureEnvironment,
    /// How text is drawn: colour or plain marks, and the width lines wrap at.
    pub style: Style,
    /// Ctrl-C: every wait of the run (Azure, DNS, TCP, the pause between attempts) watches
    /// it, and the run ends with what it saw.
    pub interrupt: Interrupt,
    /// The arguments as given, for the report's `invocation`.
    pub invocation: Vec<String>,
    /// The machine's name, for the report's `machine`.
    pub machine: Option<String>,
}

impl Session {
    /// A session with these settings, no platform variables, plain marks and the default
    /// width (tests, and the binaries before they fill in the rest).
    pub fn with_settings(tool: Tool, settings: AppSettings) -> Self {
        Self {
            tool,
            clock: Clock::start(),
            settings,
            azure: AzureEnvironment::default(),
            style: Style::default(),
            interrupt: Interrupt::default(),
            invocation: Vec::new(),
            machine: None,
        }
    }

    /// The report of this run with nothing in it yet; [`decide`](decide::decide) fills
    /// in the verdict and the time.
    fn report(&self, settings: &AppSettings) -> Report {
        let placeholder = Verdict::new(VerdictStatus::Pass, "", Vec::new());
        let mut report = Report::new(
            self.tool,
            self.clock,
            settings.reported().clone(),
            placeholder,
        );
        self.stamp(&mut report);
        report
    }

    /// Who ran what where: the report's `invocation` and `machine`.
    fn stamp(&self, report: &mut Report) {
        report.invocation.clone_from(&self.invocation);
        report.machine.clone_from(&self.machine);
    }
}

/// How the tools ask the app's DNS servers, as the flags say (`None`: as the app's
/// configuration says, else the platform's defaults).
#[derive(Debug, Clone, Copy, Default)]
pub struct DnsFlags {
    /// `--timeout` (`nameresolver`), `--dns-timeout` (`tcpping`): per attempt.
    pub timeout: Option<Duration>,
    /// `--attempts`.
    pub attempts: Option<u32>,
    /// `--sequential`: Kudu's classic model instead of the platform's.
    pub model: QueryModel,
}

/// What both tools take besides their target: the network snapshot, whether to probe,
/// and how to print.
#[derive(Debug, Clone, Default)]
pub struct Shared {
    /// `--network`: files or directories of exported Azure resource JSON.
    pub network: Vec<PathBuf>,
    /// `--app`: the site (or slot) of the snapshot the checklist is about, by resource id.
    pub app: Option<String>,
    /// `--no-probe`: evaluate the snapshot without sending a packet.
    pub no_probe: bool,
    /// Text, or the JSON report (`--json`): chosen once, rendered once at the end.
    pub format: Format,
    /// `--html FILE`: a page is written at the end, so the report keeps every attempt
    /// (as with `--json`).
    pub html: bool,
    /// `--azure`: read the snapshot from Azure Resource Manager (besides any files).
    pub azure: Option<AzureOptions>,
}

/// Input that stops a run before it starts (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// Arguments that do not make sense (clap's message, or ours).
    #[error("{0}")]
    Usage(String),
    /// A host, server or port as typed.
    #[error(transparent)]
    Address(#[from] AddrError),
    /// App settings or the system's DNS configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A network snapshot that cannot be read.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// `--azure` could not gather the configuration.
    #[error(transparent)]
    Azure(#[from] AzureError),
}

impl InputError {
    /// The report's `error.kind`.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Usage(_) | Self::Address(_) => ErrorKind::Usage,
            Self::Config(_) => ErrorKind::Config,
            Self::Snapshot(_) => ErrorKind::Snapshot,
            Self::Azure(_) => ErrorKind::Azure,
        }
    }
}

impl From<QuestionError> for InputError {
    fn from(error: QuestionError) -> Self {
        Self::Usage(error.to_string())
    }
}

impl From<FamilyError> for InputError {
    fn from(error: FamilyError) -> Self {
        Self::Usage(error.to_string())
    }
}

impl From<DurationError> for InputError {
    fn from(error: DurationError) -> Self {
        Self::Usage(error.to_string())
    }
}

/// How a run ended, ready to print: the report (stdout with `--json`), the text (stdout
/// otherwise), the warnings and the error line (stderr), and the exit code.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub report: Report,
    pub exit: Exit,
    pub format: Format,
    pub style: Style,
    /// Whether the text renderer shows the report (not when the input stopped the run:
    /// the `error:` line says it all). The text is drawn from the report alone.
    pub shows_text: bool,
    /// `warning: ...` lines for stderr.
    pub warnings: Vec<String>,
    /// Plain lines for stderr: what the run did besides its diagnosis (where
    /// `--save-network` wrote).
    pub notes: Vec<String>,
    /// The `error: ...` line for stderr, when the input stopped the run.
    pub error_line: Option<String>,
}

impl Outcome {
    /// The page `--html FILE` writes: the report drawn as HTML, the report embedded.
    pub fn html(&self) -> String {
        let json = serde_json::to_value(&self.report).unwrap_or_default();
        crate::output::html::page(&Saved::of(&self.report), &json)
    }

    /// What goes to stdout, in the run's format.
    pub fn stdout(&self) -> String {
        match (self.format, self.shows_text) {
            (Format::Json, _) => json::render(&self.report),
            (Format::Text, true) => text::render(&Saved::of(&self.report), self.style),
            (Format::Text, false) => String::new(),
        }
    }
}

/// The outcome of input that stopped the run: one `error:` line and, with `--json`, a
/// complete report carrying the error.
pub fn bad_input(session: &Session, format: Format, error: &InputError) -> Outcome {
    let message = error.to_string();
    let mut report = Report::input_error(
        session.tool,
        session.clock,
        session.settings.reported().clone(),
        error.kind(),
        &message,
    );
    session.stamp(&mut report);
    Outcome {
        report,
        exit: Exit::BadInput,
        format,
        style: session.style,
        shows_text: false,
        warnings: Vec::new(),
        notes: Vec::new(),
        error_line: Some(format!("error: {message}")),
    }
}

/// The report's `snapshot` section: the files read with `--network`, and with `--azure`
/// every request made (the checklist's decision fills in the mode).
fn snapshot_section(snapshot: &Snapshot, settings: &AppSettings) -> SnapshotSection {
    SnapshotSection {
        app: snapshot.site(None).map(|site| site.id.clone()),
        settings: settings.source(),
        source: if snapshot.fetched.is_empty() {
            SnapshotSource::Files
        } else {
            SnapshotSource::Azure
        },
        mode: Mode::None,
        files: snapshot
            .files
            .iter()
            .filter(|f| !f.path.starts_with("azure:"))
            .cloned()
            .collect(),
        fetched: snapshot.fetched.clone(),
    }
}

/// What `--network` and `--azure` bring to a run: the snapshot, the app settings with the
/// snapshot's filling the gaps of the environment's, and the DNS servers of the app's
/// network; with `--azure`, the gathering, to be completed once the target's address is
/// known.
struct Prepared {
    snapshot: Option<Snapshot>,
    settings: AppSettings,
    site_dns: Option<SiteDns>,
    network_dns: Option<NetworkDns>,
    azure: Option<Azure>,
    /// Ctrl-C came while Azure was being read: no probe follows, and the verdict is
    /// never better than `warn`.
    interrupted: bool,
    /// Where `--save-network` wrote, and how many resources.
    saved: Option<String>,
}

/// A gathering from Azure under way, and the files' snapshot it adds to.
struct Azure {
    gatherer: Gatherer,
    files: Option<Snapshot>,
    options: AzureOptions,
}

/// Reads the snapshot (files, `--azure`, or both). `target` is the target as typed: with
/// `--azure` its private record is read by name, and an address is looked for at once.
fn prepare(shared: &Shared, session: &Session, target: &str) -> Result<Prepared, InputError> {
    let environment = &session.settings;
    let files = if shared.network.is_empty() {
        None
    } else {
        Some(Snapshot::load(&shared.network)?)
    };
    let mut interrupted = false;
    let azure = match &shared.azure {
        Some(options) => match Gatherer::start(
            options,
            &session.azure,
            Some(target),
            session.settings.facts(),
        ) {
            Ok(mut gatherer) => {
                // An error that stops the walk is kept by the gatherer (the checklist runs
                // on what was read, and says so); Ctrl-C also skips the probe.
                if gatherer.app_side() == Err(AzureError::Interrupted) {
                    interrupted = true;
                }
                Some(Azure {
                    gatherer,
                    files: files.clone(),
                    options: options.clone(),
                })
            }
            Err(AzureError::Interrupted) => {
                finish_progress(options);
                interrupted = true;
                None
            }
            Err(error) => {
                finish_progress(options);
                return Err(error.into());
            }
        },
        None => None,
    };
    let snapshot = match &azure {
        Some(azure) => Some(azure.gatherer.into_snapshot(azure.files.clone())?),
        None => files,
    };
    let Some(snapshot) = snapshot else {
        return Ok(Prepared {
            snapshot: None,
            settings: environment.clone(),
            site_dns: None,
            network_dns: None,
            azure: None,
            interrupted,
            saved: None,
        });
    };
    let mut snapshot = snapshot;
    if snapshot.app_unreadable.is_none() {
        snapshot
            .choose_app(shared.app.as_deref(), environment.running_in().as_deref())
            .map_err(InputError::Usage)?;
    }
    let app_name = snapshot.site(None).map(|site| site.name.clone());
    let settings = AppSettings::for_app(environment, &snapshot.app_settings, app_name.as_deref());
    let site_name = app_name.as_deref();
    let site_dns = snapshot.site_dns(site_name);
    let network_dns = snapshot.app_dns_servers(site_name);
    Ok(Prepared {
        snapshot: Some(snapshot),
        settings,
        site_dns,
        network_dns,
        azure,
        interrupted,
        saved: None,
    })
}

fn finish_progress(options: &AzureOptions) {
    if let Some(progress) = &options.progress {
        progress.finish();
    }
}

impl Prepared {
    /// `--azure`: reads the target's side for `ip` (its subnet's NSG and route table, its
    /// NIC), rebuilds the snapshot, and saves it with `--save-network`.
    fn complete(&mut self, ip: Option<IpAddr>) -> Result<(), InputError> {
        let Some(azure) = &mut self.azure else {
            return Ok(());
        };
        let interrupted = &mut self.interrupted;
        let saved = &mut self.saved;
        let result = (|| {
            if let (Some(ip), false) = (ip, *interrupted)
                && azure.gatherer.target_side(ip) == Err(AzureError::Interrupted)
            {
                *interrupted = true;
            }
            if let Some(dir) = &azure.options.save {
                let count = azure.gatherer.save(dir)?;
                *saved = Some(format!(
                    "Saved {count} resources to {} (read them back with --network {})",
                    dir.display(),
                    dir.display()
                ));
            }
            azure.gatherer.into_snapshot(azure.files.clone())
        })();
        finish_progress(&azure.options);
        self.snapshot = Some(result?);
        Ok(())
    }
}

/// `--azure` could not read the app, or stopped before it had read everything: the
/// verdict is never better than `warn` and says so first, with the step that helps.
fn mark_partial_gathering(report: &mut Report, snapshot: &Snapshot) {
    let verdict = &mut report.verdict;
    if let Some(unreadable) = &snapshot.app_unreadable {
        let why = &unreadable.why;
        if verdict.status == VerdictStatus::Pass {
            verdict.status = VerdictStatus::Warn;
        }
        let step = unreadable.remedy.clone();
        if verdict.status == VerdictStatus::Fail {
            verdict.summary = format!(
                "{} The checklist could not read the app: {why}.",
                verdict.summary
            );
            verdict.next_steps.push(step);
        } else {
            verdict.summary = format!(
                "The checklist could not read the app: {why}. Nothing of its network configuration was checked{}.",
                if report.tcp.is_some() || report.dns.is_some() {
                    "; the probe's result stands on its own"
                } else {
                    ""
                }
            );
            verdict.next_steps = vec![step];
        }
        return;
    }
    if let Some(why) = &snapshot.gathering_stopped {
        if verdict.status == VerdictStatus::Pass {
            verdict.status = VerdictStatus::Warn;
        }
        verdict.summary = format!(
            "Reading the app's configuration from Azure stopped early ({why}): the checklist ran on the {} resources read, each check lacking one says which. {}",
            snapshot.resource_count(),
            verdict.summary
        );
    }
}

/// Ctrl-C while Azure was read: the verdict says the checklist saw part of the
/// configuration (never better than `warn`), and a run that found no fault exits 130.
fn mark_interrupted_gathering(report: &mut Report, exit: &mut Exit) {
    let requests = report
        .snapshot
        .as_ref()
        .map_or(0, |snapshot| snapshot.fetched.len());
    let verdict = &mut report.verdict;
    if verdict.status == VerdictStatus::Pass {
        verdict.status = VerdictStatus::Warn;
    }
    verdict.summary = format!(
        "Interrupted while reading the app's configuration from Azure ({requests} request{} answered): the checklist ran on what was read so far, and no probe was sent. {}",
        if requests == 1 { "" } else { "s" },
        verdict.summary
    );
    if *exit == Exit::Success {
        *exit = Exit::Interrupted;
    }
}
