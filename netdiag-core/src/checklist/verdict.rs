//! The checklist's verdict: which failing check is the likely cause, and the next steps.
//!
//! The contract: `fail` when a check failed, and `verdict.cause` names the first failing
//! check past the three probe checks (or the first probe check, when only those failed);
//! `warn` when none failed but some warned; `pass` otherwise.

use super::evaluation::Evaluation;
use super::vocab::{Check, Stage, Status};
use crate::vocab::{Verdict, VerdictStatus};

/// The most likely cause. A failing check past the probes explains the symptom, so the
/// first of those (in the tree's order) leads; when only probe checks fail, the probe's
/// own verdict (which knows the failure best) leads. Then the manual steps that apply.
impl Evaluation {
    /// The checklist's verdict: the likely cause and the next steps, given the probe's own
    /// verdict (`None` under `--no-probe`). Only the diagnosis decides with it.
    pub fn verdict(&self, probe_verdict: Option<&Verdict>) -> Verdict {
        verdict(&self.checks, probe_verdict)
    }
}

fn verdict(checks: &[Check], probe_verdict: Option<&Verdict>) -> Verdict {
    let failing = |c: &&Check| c.status == Status::Fail;
    let causes: Vec<&Check> = checks
        .iter()
        .filter(failing)
        .filter(|c| c.stage != Stage::Probe)
        .collect();
    let symptom = checks
        .iter()
        .filter(failing)
        .find(|c| c.stage == Stage::Probe);
    let mut warnings: Vec<&Check> = checks.iter().filter(|c| c.status == Status::Warn).collect();
    // A standing notice (the retirement) must not hide a warning about this app's path.
    warnings.sort_by_key(|c| c.advisory);
    let manual: Vec<&Check> = checks
        .iter()
        .filter(|c| c.status == Status::Manual)
        .collect();
    let step = |c: &&Check| format!("[{}] {}", c.id, c.remedy);
    // The remedies of the leading checks, then the first manual steps that apply.
    let steps = |leading: &[&Check]| -> Vec<String> {
        leading
            .iter()
            .take(4)
            .map(step)
            .chain(manual.iter().take(2).map(step))
            .collect()
    };
    if let Some(first) = causes.first() {
        let seen = symptom.map_or_else(String::new, |s| format!(" Seen: {}.", s.evidence));
        return Verdict {
            status: VerdictStatus::Fail,
            cause: Some(first.id.to_owned()),
            summary: format!("{}: {}.{seen}", first.id, first.evidence),
            next_steps: steps(&causes),
        };
    }
    if let Some(symptom) = symptom {
        return match probe_verdict.filter(|v| v.status != VerdictStatus::Pass) {
            // The probe knows its failure best; the manual steps follow in the list itself.
            Some(probe) => Verdict {
                status: VerdictStatus::Fail,
                cause: Some(symptom.id.to_owned()),
                ..probe.clone()
            },
            None => Verdict {
                status: VerdictStatus::Fail,
                cause: Some(symptom.id.to_owned()),
                summary: format!("{}: {}.", symptom.id, symptom.evidence),
                next_steps: steps(&[symptom]),
            },
        };
    }
    if let Some(probe) = probe_verdict.filter(|v| v.status != VerdictStatus::Pass) {
        // A failure no check captures (servers that disagree under --all).
        return probe.clone();
    }
    if let Some(first) = warnings.first() {
        return Verdict::new(
            VerdictStatus::Warn,
            format!("No check failed; {}: {}.", first.id, first.evidence),
            steps(&warnings),
        );
    }
    Verdict::new(
        VerdictStatus::Pass,
        "No check failed.",
        manual.iter().take(3).map(step).collect(),
    )
}
