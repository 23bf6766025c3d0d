//! The checklist's verdict: which failing check is the likely cause, and the next steps.
//!
//! The contract: `fail` when a check failed, and `verdict.cause` names the first failing
//! check past the three probe checks (or the first probe check, when only those failed);
//! `warn` when none failed but some warned, or when a check that applies skipped for want
//! of a resource of the snapshot (the verdict is incomplete, and says what to export);
//! `pass` only when every check that applies decided.

use super::evaluation::Evaluation;
use super::vocab::{Check, SkipReason, Stage, Status};
use crate::vocab::{Verdict, VerdictStatus};

/// The most likely cause. A failing check past the probes explains the symptom, so the
/// first of those (in the tree's order) leads; when only probe checks fail, the probe's
/// own verdict (which knows the failure best) leads. Then the manual steps that apply.
impl Evaluation {
    /// The checklist's verdict: the likely cause and the next steps, given the probe's own
    /// verdict (`None` under `--no-probe`). Only the diagnosis decides with it.
    pub fn verdict(&self, probe_verdict: Option<&Verdict>) -> Verdict {
        let mut verdict = decide(&self.checks, probe_verdict);
        verdict.incomplete = incomplete(&self.checks);
        verdict
    }
}

/// The checks that could not decide for want of a resource of the snapshot (a skip that
/// names something missing; a check of the other mode or one that does not apply to this
/// target is not among them).
fn lacking_resources(checks: &[Check]) -> impl Iterator<Item = &Check> {
    checks
        .iter()
        .filter(|c| matches!(c.skip, Some(SkipReason::Missing { .. })))
}

/// What the snapshot lacked, once each: the ids of the resources the checks referenced
/// but could not see, else the resource in words.
fn incomplete(checks: &[Check]) -> Vec<String> {
    let mut missing: Vec<String> = Vec::new();
    for check in lacking_resources(checks) {
        let named: Vec<String> = if check.lacking.is_empty() {
            let reason = check.skip.as_ref();
            vec![reason.and_then(SkipReason::missing_id).map_or_else(
                || reason.map(ToString::to_string).unwrap_or_default(),
                str::to_owned,
            )]
        } else {
            check.lacking.clone()
        };
        for item in named.into_iter().map(exported_as) {
            if !missing.iter().any(|m| m.eq_ignore_ascii_case(&item)) {
                missing.push(item);
            }
        }
    }
    missing
}

/// The warning of a verdict that could not decide: how many checks lacked what, and one
/// step per distinct remedy (the export command, or with `--azure` the role to grant),
/// naming the checks it lets decide.
fn incomplete_notice(checks: &[Check]) -> Option<(String, Vec<String>)> {
    let lacking: Vec<&Check> = lacking_resources(checks).collect();
    if lacking.is_empty() {
        return None;
    }
    let missing = incomplete(checks);
    let named: Vec<&str> = missing
        .iter()
        .filter(|m| m.starts_with("/subscriptions/"))
        .map(|m| short_name(m))
        .collect::<Vec<_>>();
    let lacks = match named.len() {
        0 => "what they need (the next steps say what to export)".to_owned(),
        1..=3 => named.join(", "),
        n => format!("{} and {} more", named[..3].join(", "), n - 3),
    };
    let summary = format!(
        "The verdict is incomplete: {} check{} could not decide because the snapshot lacks {lacks}.",
        lacking.len(),
        if lacking.len() == 1 { "" } else { "s" },
    );
    let mut remedies: Vec<(String, Vec<&str>)> = Vec::new();
    for check in &lacking {
        match remedies
            .iter_mut()
            .find(|(remedy, _)| *remedy == check.remedy)
        {
            Some((_, ids)) => ids.push(check.id),
            None => remedies.push((check.remedy.clone(), vec![check.id])),
        }
    }
    let steps = remedies
        .into_iter()
        .filter(|(remedy, _)| !remedy.is_empty())
        .map(|(remedy, ids)| format!("[{}] {remedy}", ids.join(", ")))
        .collect();
    Some((summary, steps))
}

/// The resource that brings a missing one: a subnet comes with its VNET.
fn exported_as(id: String) -> String {
    let lower = id.to_ascii_lowercase();
    match lower.find("/subnets/") {
        Some(at) if lower.contains("/virtualnetworks/") => id[..at].to_owned(),
        _ => id,
    }
}

/// A resource as a reader knows it: the name at the end of an ARM id, the words otherwise.
fn short_name(missing: &str) -> &str {
    if missing.starts_with("/subscriptions/") {
        missing.rsplit('/').next().unwrap_or(missing)
    } else {
        missing
    }
}

fn decide(checks: &[Check], probe_verdict: Option<&Verdict>) -> Verdict {
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
            incomplete: Vec::new(),
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
                incomplete: Vec::new(),
            },
        };
    }
    if let Some(probe) = probe_verdict.filter(|v| v.status != VerdictStatus::Pass) {
        // A failure no check captures (servers that disagree under --all).
        return probe.clone();
    }
    let notice = incomplete_notice(checks);
    if let Some(first) = warnings.first() {
        // The warning first: "Warning: nsg.inbound: ...", not "Warning: No check failed".
        let mut summary = format!("{}: {}.", first.id, first.evidence);
        let mut next_steps = steps(&warnings);
        if let Some((incomplete, exports)) = notice {
            summary = format!("{summary} {incomplete}");
            next_steps.splice(next_steps.len().min(4)..next_steps.len().min(4), exports);
        }
        return Verdict::new(VerdictStatus::Warn, summary, next_steps);
    }
    if let Some((incomplete, exports)) = notice {
        return Verdict::new(
            VerdictStatus::Warn,
            format!("{incomplete} Nothing that could decide failed."),
            exports
                .into_iter()
                .chain(manual.iter().take(2).map(step))
                .collect(),
        );
    }
    Verdict::new(
        VerdictStatus::Pass,
        "No check failed.",
        manual.iter().take(3).map(step).collect(),
    )
}
