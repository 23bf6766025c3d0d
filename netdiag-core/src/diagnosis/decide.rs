//! The one decision of a run: from what the probe concluded and what the checklist found,
//! the verdict (with the check that is the likely cause), the error, the exit code; and
//! the elapsed time, stamped last.

use crate::checklist::Evaluation;
use crate::report::Report;
use crate::vocab::{Clock, Exit, Verdict, VerdictStatus, to_millis};

/// What the probe concluded on its own, before any checklist.
pub(super) struct ProbeFinding {
    pub verdict: Verdict,
    /// Nothing failed: the probe reached its target, or Ctrl-C cut it short before
    /// anything ended.
    pub succeeded: bool,
    /// Ctrl-C ended the probe: a run in which nothing failed exits 130.
    pub interrupted: bool,
}

/// Whether the checklist runs: after a probe failed, and always with a snapshot or under
/// `--no-probe` (the contract's rule, for both tools).
pub(super) fn checklist_runs(probe: Option<&ProbeFinding>, has_snapshot: bool) -> bool {
    probe.is_none_or(|p| !p.succeeded) || has_snapshot
}

/// Decides the run and stamps it into the report: verdict, checklist, error and elapsed
/// time. `probe` is `None` under `--no-probe`. Returns the exit code.
///
/// The verdict comes from the checklist when one ran (see [`Evaluation::verdict`]), else
/// from the probe. Exit 1 on a `fail` verdict (under `--no-probe` too), else as the probe
/// decides (0 when it succeeded).
pub(super) fn decide(
    report: &mut Report,
    clock: Clock,
    probe: Option<&ProbeFinding>,
    checklist: Option<&Evaluation>,
) -> Exit {
    let probe_verdict = probe.map(|p| &p.verdict);
    let verdict = match checklist {
        Some(evaluation) => evaluation.verdict(probe_verdict),
        None => probe_verdict.cloned().unwrap_or_else(|| {
            Verdict::new(VerdictStatus::Pass, "Nothing was probed.", Vec::new())
        }),
    };
    let exit = match probe {
        _ if verdict.status == VerdictStatus::Fail => Exit::Failed,
        Some(probe) if !probe.succeeded => Exit::Failed,
        Some(probe) if probe.interrupted => Exit::Interrupted,
        _ => Exit::Success,
    };
    // A diagnosis that found a fault is a verdict, never an error: `error` is only for a
    // run that could not do its job (exit 2, set where the input stopped it).
    report.error = None;
    if let Some(evaluation) = checklist {
        report.checklist.clone_from(&evaluation.checks);
        if let Some(snapshot) = &mut report.snapshot {
            snapshot.mode = evaluation.mode;
        }
    }
    report.verdict = verdict;
    // Last, so that the checklist's time is counted too.
    report.elapsed_ms = to_millis(clock.started.elapsed());
    exit
}
