//! The end both tools share: from what a tool's probe found to the outcome. The report is
//! filled in, the checklist runs when the contract says so, [`decide`] settles the verdict
//! and exit code, and the outcome keeps what each renderer needs. A tool's own module
//! (`ping`, `lookup`) only parses its target, probes, and says what it saw in a
//! [`Probed`].

use super::decide::{ProbeFinding, checklist_runs, decide};
use super::{
    Outcome, Prepared, Session, Shared, mark_interrupted_gathering, mark_partial_gathering,
    snapshot_section,
};
use crate::checklist::{self, Evaluation, Inputs};
use crate::dns::{DnsConfig, DnsSection, Lookup};
use crate::report::{Printed, Target};
use crate::tcp::TcpSection;

/// What a tool's probe saw, for [`conclude`].
pub(super) struct Probed<'a> {
    /// The report's `target`.
    pub target: Target,
    /// What the checklist checks the path to.
    pub checklist_target: checklist::Target,
    /// The app's DNS configuration, when the run read it.
    pub dns_config: Option<&'a DnsConfig>,
    /// The lookup the DNS checks read (the target's name, or `nameresolver`'s question).
    pub lookup: Option<&'a Lookup>,
    pub dns_section: Option<DnsSection>,
    pub tcp: Option<TcpSection>,
    /// What the probe concluded on its own (`None`: no probe was sent).
    pub finding: Option<ProbeFinding>,
    /// A packet was sent (not `--no-probe`).
    pub sent: bool,
    /// The tool's own lines for the text output (Kudu's), before the checklist.
    pub own_lines: String,
    /// The lines printed live, kept for the report (`--json`, `--html`).
    pub live_lines: Vec<String>,
    /// `warning: ...` lines for stderr.
    pub warnings: Vec<String>,
}

/// The report, the checklist, the verdict and the exit code of a run.
pub(super) fn conclude(
    session: &Session,
    shared: &Shared,
    prepared: &Prepared,
    probed: Probed<'_>,
) -> Outcome {
    // The report's environment is what this process saw, whichever settings the
    // checklist took as the app's (`snapshot.settings` says which).
    let mut report = session.report(&session.settings);
    report.target = Some(probed.target);
    report.dns = probed.dns_section;
    report.tcp = probed.tcp;
    report.snapshot = prepared
        .snapshot
        .as_ref()
        .map(|snapshot| snapshot_section(snapshot, &prepared.settings));
    let checklist =
        checklist_runs(probed.finding.as_ref(), prepared.snapshot.is_some()).then(|| {
            Evaluation::new(&Inputs {
                target: probed.checklist_target,
                settings: &prepared.settings,
                snapshot: prepared.snapshot.as_ref(),
                dns: probed.dns_config.zip(probed.lookup),
                dns_config: probed.dns_config,
                tcp: report.tcp.as_ref().map(|t| &t.summary),
                probed: probed.sent,
                now: std::time::SystemTime::now(),
            })
        });
    let mut exit = decide(
        &mut report,
        session.clock,
        probed.finding.as_ref(),
        checklist.as_ref(),
    );
    if let Some(snapshot) = &prepared.snapshot {
        mark_partial_gathering(&mut report, snapshot);
    }
    if let Some(evaluation) = &checklist {
        report.path.clone_from(&evaluation.path);
    }
    report.printed = Printed {
        live: probed.live_lines,
        lines: probed.own_lines,
        header: checklist.as_ref().map(|e| e.header.clone()),
    };
    if prepared.interrupted {
        mark_interrupted_gathering(&mut report, &mut exit);
    }
    Outcome {
        report,
        exit,
        format: shared.format,
        style: session.style,
        shows_text: true,
        warnings: probed.warnings,
        notes: prepared.saved.iter().cloned().collect(),
        error_line: None,
    }
}
