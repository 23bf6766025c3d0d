//! The HTML page in a real browser (issue 23): Debian's chromium, headless, opens the page
//! `--html` wrote, with no network and no script. The DOM it builds holds the verdict,
//! the SVG path and every check id; its screenshot is not blank. CI installs chromium
//! (`.ci/run`); a developer's machine without it skips with a note, CI never does.

use std::path::{Path, PathBuf};
use std::process::Command;

use netdiag_tests::Run;
use serde_json::Value;

use super::html::{EXAMPLES, temp};

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| {
            std::env::var_os("PATH")
                .map(|paths| {
                    std::env::split_paths(&paths)
                        .map(|dir| dir.join(name))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .find(|path| path.is_file())
}

/// Chromium headless with nothing of its own: no sandbox (CI runs as root), no GPU, a
/// profile of its own so that parallel tests do not share one, no network (a proxy that
/// refuses). The page has no script to run (`html.rs` checks that it holds only the
/// report's data); `--dump-dom` itself needs the browser's scripting left on.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--proxy-server=127.0.0.1:9",
        "--timeout=20000",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

fn page_of_the_regional_example(name: &str) -> (PathBuf, Value) {
    let page = temp(name);
    let run = Run::of(
        netdiag_tests::command("tcpping")
            .current_dir(netdiag_tests::example_export().join("../.."))
            .args([
                "--network",
                EXAMPLES[1].0,
                "--no-probe",
                "--json",
                "--html",
                page.to_str().unwrap(),
                EXAMPLES[1].1,
            ]),
    );
    (page, serde_json::from_str(&run.stdout).unwrap())
}

#[test]
fn chromium_shows_the_verdict_the_path_and_every_check() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the page in chromium: .ci/run installs it"
        );
        eprintln!("skipped: no chromium here (apt-get install chromium); CI runs this test");
        return;
    };
    let (page, report) = page_of_the_regional_example("browser.html");
    let profile = temp("chromium-profile-dom");

    let dom = headless(&browser, &profile)
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    // The DOM as the browser built it: the verdict with its status, the path's SVG with
    // the failing hop, and every check by its id.
    assert!(
        dom.contains(r#"<section id="verdict" class="verdict fail""#),
        "{dom}"
    );
    assert!(dom.contains("Likely cause"), "{dom}");
    assert!(
        dom.contains("<svg")
            && dom
                .contains(r#"data-hop="dns" data-status="fail" data-check="dns.private-endpoint""#),
        "{dom}"
    );
    for check in report["checklist"].as_array().unwrap() {
        let id = check["id"].as_str().unwrap();
        assert!(
            dom.contains(&format!(r#"id="check-{id}""#)),
            "{id} not in the DOM"
        );
    }

    let screenshot = temp("browser.png");
    let shot = headless(&browser, &temp("chromium-profile-shot"))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg("--window-size=1000,1400")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let (colours, inked) = ink(&screenshot);
    // Text, the red verdict band, the green and red marks: many colours, and a good part
    // of the page is not background.
    assert!(colours > 50, "{colours} colours: the page looks blank");
    assert!(
        inked > 0.05,
        "{:.1}% of the pixels are not white",
        inked * 100.0
    );
}

/// How many colours a PNG holds, and the share of pixels that are not white.
fn ink(path: &Path) -> (usize, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buffer[..info.buffer_size()].chunks(channels).collect();
    let colours: std::collections::HashSet<&[u8]> = pixels.iter().copied().collect();
    let inked = pixels
        .iter()
        .filter(|p| p[..3].iter().any(|c| *c < 240))
        .count();
    #[allow(clippy::cast_precision_loss)]
    let share = inked as f64 / pixels.len() as f64;
    (colours.len(), share)
}
