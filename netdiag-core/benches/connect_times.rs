//! What the connect-time histogram costs per attempt: recording one success into
//! `Tally` (counts, min/max/total and the histogram behind median, p95 and jitter)
//! against the peer it rides along with, one TCP connect to a listener on 127.0.0.1 (the
//! fastest connect any run can see), measured in the same run. Prints each median and
//! the ratio. Run with `cargo bench -p netdiag-core --bench connect_times`.
#![allow(clippy::unwrap_used)] // loopback sockets this bench opens itself

use std::hint::black_box;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant, SystemTime};

use netdiag_core::tcp::spread::ConnectTimes;
use netdiag_core::tcp::{Tally, TcpAttempt, TcpOutcome};

const ROUNDS: usize = 15;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median over rounds of the time per iteration of `body`.
fn per_iteration(iterations: u32, mut body: impl FnMut(u32)) -> Duration {
    median(
        (0..ROUNDS)
            .map(|_| {
                let started = Instant::now();
                for i in 0..iterations {
                    body(i);
                }
                started.elapsed() / iterations
            })
            .collect(),
    )
}

fn main() {
    let attempt = |micros: u64| TcpAttempt {
        seq: 1,
        at: SystemTime::now(),
        address: None,
        local: None,
        outcome: TcpOutcome::Connected,
        elapsed: Duration::from_micros(micros),
        message: None,
        os_error: None,
    };
    let attempts: Vec<TcpAttempt> = (0..1000).map(|i| attempt(300 + i * 37 % 90_000)).collect();

    let mut tally = Tally::default();
    let record = per_iteration(1_000_000, |i| {
        tally.add(black_box(&attempts[i as usize % attempts.len()]));
    });
    let mut times = ConnectTimes::default();
    let histogram_only = per_iteration(1_000_000, |i| {
        times.record(black_box(attempts[i as usize % attempts.len()].elapsed));
    });

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let acceptor = std::thread::spawn(move || {
        for stream in listener.incoming() {
            drop(stream);
        }
    });
    let connect = per_iteration(200, |_| {
        black_box(TcpStream::connect(address).unwrap());
    });
    drop(acceptor);

    println!("per attempt (median of {ROUNDS} rounds)");
    println!("  loopback TCP connect (the peer)      {connect:>10.2?}");
    println!(
        "  Tally::add, histogram included       {record:>10.2?}  {:.5}x the connect",
        record.as_secs_f64() / connect.as_secs_f64()
    );
    println!(
        "  the histogram alone (record)         {histogram_only:>10.2?}  {:.5}x the connect",
        histogram_only.as_secs_f64() / connect.as_secs_f64()
    );
    println!(
        "  memory: {} bytes, fixed ({} distinct values)",
        times.footprint(),
        times.footprint() / 4
    );
}
