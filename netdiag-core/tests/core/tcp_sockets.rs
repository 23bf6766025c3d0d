//! Socket hygiene: thousands of probes leave no descriptor behind. Alone in its own test
//! binary, because it counts this process's open descriptors and other tests would open
//! their own in parallel.

use std::time::Duration;

use netdiag_core::tcp::{
    Limit, ProbeObserver, ProbePlan, TcpAttempt, TcpSummary, connect_once, run_probes,
};
use netdiag_tests::{OpenPort, closed_port};

struct Quiet;

impl ProbeObserver for Quiet {
    fn finished(&mut self, _tries: &[TcpAttempt]) {}
}

fn plan(address: std::net::SocketAddr) -> ProbePlan {
    ProbePlan {
        addresses: vec![address],
        first_seq: 1,
        timeout: Duration::from_secs(2),
        interval: Duration::ZERO,
        keep_attempts: true,
        limit: Limit::Count(1000),
    }
}

#[cfg(target_os = "linux")]
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn two_thousand_probes_leave_no_socket_behind() {
    let open = OpenPort::start();
    let closed = closed_port();
    // Warm up the runtime's own descriptors before counting.
    connect_once(0, open.addr(), Duration::from_secs(1)).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let before = open_fds();
    let run = run_probes(&plan(open.addr()), &mut Quiet, std::future::pending()).await;
    let refused = run_probes(&plan(closed), &mut Quiet, std::future::pending()).await;
    assert_eq!(TcpSummary::of(&run).connected, 1000);
    assert_eq!(
        TcpSummary::of(&refused).outcomes.get("refused"),
        Some(&1000)
    );
    // The test's own acceptor thread may still be closing its last accepted sockets.
    let mut after = open_fds();
    for _ in 0..40 {
        if after <= before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = open_fds();
    }
    assert_eq!(after, before, "descriptors before and after 2,000 probes");
}
