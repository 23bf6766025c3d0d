//! Test kit: loopback servers that the tests start themselves, and the built binaries.
//!
//! Every server here binds to 127.0.0.1 (or `::1`) on a port the OS picks, so tests never
//! send a packet anywhere else and can run in parallel. Each server runs on its own thread
//! with its own Tokio runtime, so blocking end-to-end tests and async library tests can
//! use the same kit. Dropping a server stops it.

pub mod arm;

use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket as StdUdpSocket,
};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::LowerName;
use hickory_proto::serialize::txt::Parser;
use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use socket2::{Domain, Socket, Type};
use tokio::sync::oneshot;

/// The zone most tests resolve against. Names point at private addresses on purpose:
/// they are only ever resolved, never contacted.
pub const CONTOSO_ZONE: &str = r#"
$ORIGIN contoso.internal.
$TTL 300
@        IN SOA  ns1 hostmaster 2026112801 3600 600 86400 60
@        IN NS   ns1
ns1      IN A    127.0.0.53
www      IN CNAME web
web      IN CNAME app
app      IN A    10.1.1.10
app      IN AAAA fd00:10::10
db       IN A    10.1.2.4
v4only   IN A    10.1.1.11
@        IN MX   10 mail
mail     IN A    10.1.1.25
txt      IN TXT  "v=spf1 -all"
_sql._tcp IN SRV 0 5 1433 db
loop     IN A    127.0.0.1
"#;

/// Reverse zone for 10.1.0.0/16, so PTR lookups of an IP literal have an answer.
pub const CONTOSO_REVERSE_ZONE: &str = r"
$ORIGIN 1.10.in-addr.arpa.
$TTL 300
@        IN SOA  ns1.contoso.internal. hostmaster.contoso.internal. 1 3600 600 86400 60
@        IN NS   ns1.contoso.internal.
10.1     IN PTR  app.contoso.internal.
";

/// The same forward zone as another server would serve it when it lacks a record
/// (a DNS server that was never given the private zone's latest data).
pub const CONTOSO_ZONE_STALE: &str = r"
$ORIGIN contoso.internal.
$TTL 300
@        IN SOA  ns1 hostmaster 2026010101 3600 600 86400 60
@        IN NS   ns1
ns1      IN A    127.0.0.53
app      IN A    10.1.9.99
";

/// A real DNS server (hickory-server, authoritative) on 127.0.0.1, UDP and TCP on one port.
pub struct DnsServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl DnsServer {
    /// Serves the given zone texts (RFC 1035 master file format, each with `$ORIGIN`).
    ///
    /// # Panics
    /// When a zone does not parse or no loopback port can be bound: a broken test fixture.
    pub fn start(zones: &[&str]) -> Self {
        let mut catalog = Catalog::new();
        for zone in zones {
            let (origin, records) = Parser::new(*zone, None, None)
                .parse()
                .expect("test zone parses");
            let handler = InMemoryZoneHandler::<TokioRuntimeProvider>::new(
                origin.clone(),
                records,
                ZoneType::Primary,
                AxfrPolicy::Deny,
            )
            .expect("test zone is valid");
            let handlers: Vec<Arc<dyn ZoneHandler>> = vec![Arc::new(handler)];
            catalog.upsert(LowerName::new(&origin), handlers);
        }
        // UDP and TCP on the same port, as a real DNS server.
        let (udp, tcp) = bind_udp_and_tcp();
        let addr = udp.local_addr().expect("udp addr");
        udp.set_nonblocking(true).expect("nonblocking");
        tcp.set_nonblocking(true).expect("nonblocking");
        let (stop, stopped) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let mut server = Server::new(catalog);
                server.register_socket(tokio::net::UdpSocket::from_std(udp).expect("udp"));
                server.register_listener(
                    tokio::net::TcpListener::from_std(tcp).expect("tcp"),
                    Duration::from_secs(5),
                    64 * 1024,
                );
                let _ = ready_tx.send(());
                let _ = stopped.await;
                let _ = server.shutdown_gracefully().await;
            });
        });
        ready_rx.recv().expect("dns server thread started");
        Self {
            addr,
            stop: Some(stop),
        }
    }

    /// The standard test zones: [`CONTOSO_ZONE`] and [`CONTOSO_REVERSE_ZONE`].
    pub fn contoso() -> Self {
        Self::start(&[CONTOSO_ZONE, CONTOSO_REVERSE_ZONE])
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A UDP socket and a TCP listener on the same loopback port (the OS picks it; if its TCP
/// twin is taken, try another).
fn bind_udp_and_tcp() -> (StdUdpSocket, TcpListener) {
    loop {
        let udp = StdUdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind udp");
        let port = udp.local_addr().expect("udp addr").port();
        if let Ok(tcp) = TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            return (udp, tcp);
        }
    }
}

/// A DNS server that answers every query with one response code (SERVFAIL, REFUSED, ...)
/// and no records: a broken or misconfigured forwarder.
pub struct RcodeServer {
    addr: SocketAddr,
    _socket: Arc<StdUdpSocket>,
}

impl RcodeServer {
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start(code: ResponseCode) -> Self {
        let (addr, socket) = serve_udp(move |request| {
            Some(Message::error_msg(
                request.metadata.id,
                request.metadata.op_code,
                code,
            ))
        });
        Self {
            addr,
            _socket: socket,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// A UDP DNS server on loopback made of one function from request to response (`None`:
/// no answer); the response gets the request's question. The thread ends with the test
/// process: the returned socket, kept by the server's struct, is never closed before.
fn serve_udp(
    mut respond: impl FnMut(&Message) -> Option<Message> + Send + 'static,
) -> (SocketAddr, Arc<StdUdpSocket>) {
    let socket = Arc::new(StdUdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind udp"));
    let addr = socket.local_addr().expect("udp addr");
    let worker = Arc::clone(&socket);
    thread::spawn(move || {
        let mut buf = [0_u8; 4096];
        while let Ok((len, peer)) = worker.recv_from(&mut buf) {
            let Ok(request) = Message::from_vec(&buf[..len]) else {
                continue;
            };
            let Some(mut response) = respond(&request) else {
                continue;
            };
            response.add_queries(request.queries.clone());
            if let Ok(bytes) = response.to_vec() {
                let _ = worker.send_to(&bytes, peer);
            }
        }
    });
    (addr, socket)
}

/// A DNS server whose answers come and go: it answers every A query with `address`,
/// except the A queries whose number (1, 2, ...) is in `failing`, which get SERVFAIL;
/// AAAA queries get an empty answer. An intermittent DNS server, as a name flapping
/// between resolving and not does it. Not authoritative (no `aa`): a forwarder.
pub struct FlakyDnsServer {
    addr: SocketAddr,
    _socket: Arc<StdUdpSocket>,
}

impl FlakyDnsServer {
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start(address: Ipv4Addr, failing: &[usize]) -> Self {
        use hickory_proto::rr::{RData, Record, RecordType, rdata::A};
        let failing = failing.to_vec();
        let mut a_queries = 0;
        let (addr, socket) = serve_udp(move |request| {
            let query = request.queries.first()?;
            let (id, op_code) = (request.metadata.id, request.metadata.op_code);
            let mut response = if query.query_type() == RecordType::A {
                a_queries += 1;
                if failing.contains(&a_queries) {
                    Message::error_msg(id, op_code, ResponseCode::ServFail)
                } else {
                    let mut answer = Message::response(id, op_code);
                    answer.add_answer(Record::from_rdata(
                        query.name().clone(),
                        60,
                        RData::A(A(address)),
                    ));
                    answer
                }
            } else {
                Message::response(id, op_code)
            };
            response.metadata.recursion_available = true;
            Some(response)
        });
        Self {
            addr,
            _socket: socket,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// A DNS server that never answers: a UDP socket that is bound but never read, as a
/// server behind a firewall that drops the packets. Nothing is sent back, not even ICMP.
pub struct DeadDnsServer {
    socket: StdUdpSocket,
}

impl DeadDnsServer {
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start() -> Self {
        Self {
            socket: StdUdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind udp"),
        }
    }

    /// # Panics
    /// Never in practice: the socket is bound.
    pub fn addr(&self) -> SocketAddr {
        self.socket.local_addr().expect("bound socket")
    }
}

/// A TCP port with a listener that accepts every connection and closes it at once: an
/// open port that never fills its backlog, however many probes arrive.
pub struct OpenPort {
    addr: SocketAddr,
}

impl OpenPort {
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start() -> Self {
        Self::on(IpAddr::V4(Ipv4Addr::LOCALHOST)).expect("bind 127.0.0.1")
    }

    /// On `::1`; `None` when this machine has no IPv6 loopback.
    pub fn start_v6() -> Option<Self> {
        Self::on(IpAddr::V6(Ipv6Addr::LOCALHOST))
    }

    fn on(ip: IpAddr) -> Option<Self> {
        // A deep accept queue: at `-i 0` probes arrive faster than one thread accepts, and
        // std's default backlog (128) would drop SYNs, costing a 1 s retransmission.
        let socket = Socket::new(
            Domain::for_address(SocketAddr::new(ip, 0)),
            Type::STREAM,
            None,
        )
        .ok()?;
        socket.bind(&SocketAddr::new(ip, 0).into()).ok()?;
        socket.listen(4096).ok()?;
        let listener: TcpListener = socket.into();
        let addr = listener.local_addr().ok()?;
        thread::spawn(move || {
            for stream in listener.incoming() {
                drop(stream);
            }
        });
        Some(Self { addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// A loopback port where nothing listens: connects are refused (RST).
///
/// # Panics
/// When no loopback port can be bound.
pub fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    addr
}

/// A port whose SYNs go unanswered, as behind a firewall that drops packets: a listener
/// with backlog 0 that is never accepted, its accept queue filled first. Linux drops a SYN
/// when the accept queue is full, so a connect waits until its own deadline.
pub struct BlackholePort {
    addr: SocketAddr,
    _listener: Socket,
    _fillers: Vec<TcpStream>,
}

impl BlackholePort {
    /// # Panics
    /// When the listener cannot be set up or the queue does not fill.
    pub fn start() -> Self {
        let listener = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
        listener
            .bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())
            .expect("bind");
        listener.listen(0).expect("listen");
        let addr = listener
            .local_addr()
            .expect("addr")
            .as_socket()
            .expect("inet");
        let mut fillers = Vec::new();
        for _ in 0..8 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(stream) => fillers.push(stream),
                // The queue is full: the next SYN was dropped.
                Err(_) => {
                    return Self {
                        addr,
                        _listener: listener,
                        _fillers: fillers,
                    };
                }
            }
        }
        panic!("the accept queue of {addr} did not fill");
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

/// A loopback address that counts what reaches it, UDP datagrams and TCP connections on
/// one port: pointed at by tests that expect a run to send nothing at all.
pub struct Sentinel {
    addr: SocketAddr,
    hits: Arc<std::sync::atomic::AtomicUsize>,
}

impl Sentinel {
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start() -> Self {
        let (udp, tcp) = bind_udp_and_tcp();
        let addr = udp.local_addr().expect("udp addr");
        let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let udp_hits = Arc::clone(&hits);
        thread::spawn(move || {
            let mut buf = [0_u8; 2048];
            while udp.recv_from(&mut buf).is_ok() {
                udp_hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        });
        let tcp_hits = Arc::clone(&hits);
        thread::spawn(move || {
            for stream in tcp.incoming() {
                tcp_hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                drop(stream);
            }
        });
        Self { addr, hits }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Datagrams and connections received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The checklist's ids in the order of the troubleshooting tree, as the product contract
/// (`shared/SPEC.md`) lists them: tests pin the implementation to this copy.
pub const CHECK_IDS: [&str; 49] = [
    "dns.reachable",
    "dns.resolves",
    "tcp.connect",
    "dns.path",
    "dns.configured",
    "dns.private-endpoint",
    "app.integrated",
    "app.platform",
    "app.private-ip",
    "plan.tier",
    "plan.vnet-limit",
    "app.single-vnet",
    "vnet.same-subscription",
    "vnet.location",
    "gateway.present",
    "gateway.type",
    "gateway.routing",
    "gateway.p2s",
    "gateway.p2s-protocols",
    "gateway.p2s-auth",
    "gateway.status",
    "gateway.subnet",
    "gateway.retirement",
    "certs.in-sync",
    "certs.valid",
    "network.in-sync",
    "regional.subnet",
    "regional.delegation",
    "regional.subnet-size",
    "regional.subnet-in-use",
    "p2s.rfc1918",
    "address.overlap",
    "route.target",
    "vnet.peering",
    "nsg.outbound",
    "nsg.p2s-to-target",
    "nsg.inbound",
    "udr.app-subnet",
    "udr.return-path",
    "onprem.s2s-connected",
    "onprem.p2s-route",
    "target.public-access",
    "nat.outbound-ip",
    "platform.content-share",
    "platform.image-pull",
    "platform.key-vault-refs",
    "host.firewall",
    "host.listening",
    "vm.cross-check",
];

/// The example export shipped in the repository (`examples/contoso-export`).
pub fn example_export() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/contoso-export")
}

/// The files of an export directory as (file name, JSON), in name order: what the tests
/// change one thing at a time.
///
/// # Panics
/// When the directory or a file cannot be read as JSON: a broken fixture.
pub fn read_export(dir: &std::path::Path) -> Vec<(String, serde_json::Value)> {
    let mut files: Vec<(String, serde_json::Value)> = std::fs::read_dir(dir)
        .expect("export directory")
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let text = std::fs::read_to_string(&path).expect("export file");
            (
                path.file_name()
                    .expect("file name")
                    .to_string_lossy()
                    .into_owned(),
                serde_json::from_str(&text).expect("export JSON"),
            )
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The regional example export shipped in `examples/regional-export`.
pub fn regional_export() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/regional-export")
}

/// The shipped hub-and-spoke example: a spoke app with Route All behind a hub firewall.
pub fn hub_spoke_export() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/hub-spoke-export")
}

/// What a finished run of a binary printed, and how long it took.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// Runs the command to its end (killed after 30 s: a hang is a failure, not a wait).
    ///
    /// # Panics
    /// When the binary cannot be started or was killed by a signal.
    pub fn of(command: &mut assert_cmd::Command) -> Self {
        let started = Instant::now();
        let output = command
            .timeout(Duration::from_secs(30))
            .output()
            .expect("the binary runs");
        Self {
            code: output.status.code().expect("exited, not killed"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed: started.elapsed(),
        }
    }

    /// The JSON report on stdout, validated against the checked-in report schema: every
    /// report the end-to-end suite reads is checked this way.
    ///
    /// # Panics
    /// When stdout is not one JSON document, or the report breaks the schema.
    pub fn json(&self) -> serde_json::Value {
        let report: serde_json::Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout));
        let problems: Vec<String> = report_schema()
            .iter_errors(&report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            problems.is_empty(),
            "the report breaks schema/report.schema.json:\n{}\n{}",
            problems.join("\n"),
            self.stdout
        );
        report
    }
}

/// The report schema checked into the repository, compiled once.
///
/// # Panics
/// When the schema file is missing or is not a valid JSON Schema.
pub fn report_schema() -> &'static jsonschema::Validator {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/report.schema.json");
        let text = std::fs::read_to_string(&path).expect("schema/report.schema.json exists");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
        jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
    })
}

/// A command for a binary of this workspace with an empty environment, so no setting of
/// the machine's (and no resolver but the ones a test names) leaks into a test.
pub fn command(name: &str) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(binary(name));
    command.env_clear();
    command
}

/// The path of a binary of this workspace, built once per test process (same profile as
/// the tests). Cargo only builds a package's binaries for that package's own tests, so the
/// end-to-end crate asks cargo for them explicitly.
///
/// # Panics
/// When cargo cannot build the binary.
pub fn binary(name: &str) -> PathBuf {
    static NAMERESOLVER: OnceLock<PathBuf> = OnceLock::new();
    static TCPPING: OnceLock<PathBuf> = OnceLock::new();
    let cell = match name {
        "nameresolver" => &NAMERESOLVER,
        "tcpping" => &TCPPING,
        other => panic!("unknown binary {other}"),
    };
    cell.get_or_init(|| {
        let build = escargot::CargoBuild::new().package(name).bin(name);
        let build = if cfg!(debug_assertions) {
            build
        } else {
            build.release()
        };
        build
            .run()
            .unwrap_or_else(|e| panic!("building {name}: {e}"))
            .path()
            .to_path_buf()
    })
    .clone()
}

/// An example of the test kit (`arm_mock`), built once per test run.
///
/// # Panics
/// When it does not build.
pub fn example_binary(name: &str) -> PathBuf {
    static ARM_MOCK: OnceLock<PathBuf> = OnceLock::new();
    let cell = match name {
        "arm_mock" => &ARM_MOCK,
        other => panic!("unknown example {other}"),
    };
    cell.get_or_init(|| {
        escargot::CargoBuild::new()
            .package("netdiag-tests")
            .example(name)
            .run()
            .unwrap_or_else(|e| panic!("building example {name}: {e}"))
            .path()
            .to_path_buf()
    })
    .clone()
}

/// The text output's lines with wrapping undone: a physical line that starts with spaces
/// continues the one before when its first word would not have fitted there (the
/// wrapper's own rule at 100 columns, the width when stdout is not a terminal). Tests
/// that read a line by its place or its whole content read these.
pub fn logical_lines(text: &str) -> Vec<String> {
    const WIDTH: usize = 100;
    let mut lines: Vec<String> = Vec::new();
    let mut last_physical = 0;
    for line in text.lines() {
        let body = line.trim_start();
        let first_word = body.split(' ').next().unwrap_or_default().chars().count();
        let continues = !body.is_empty()
            && body.len() < line.len()
            && last_physical > 0
            && last_physical + 1 + first_word > WIDTH;
        last_physical = line.chars().count();
        match lines.last_mut() {
            Some(previous) if continues => {
                previous.push(' ');
                previous.push_str(body);
            }
            _ => lines.push(line.to_owned()),
        }
    }
    lines
}

/// Runs `tool` with `args` (environment cleared, then `env`), sends it SIGINT after
/// `after`, and returns its exit code and stdout. The tool must end within 2 s of the
/// signal: Ctrl-C ends a run at once, with what it saw.
#[cfg(unix)]
pub fn interrupted_after(
    tool: &str,
    args: &[&str],
    env: &[(&str, &str)],
    after: Duration,
) -> (i32, String) {
    use std::process::{Command, Stdio};
    let child = Command::new(binary(tool))
        .env_clear()
        .envs(env.iter().copied())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tool starts");
    thread::sleep(after);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let sent = Instant::now();
    let output = child.wait_with_output().expect("the tool ends");
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "{tool} did not stop at once"
    );
    (
        output
            .status
            .code()
            .expect("exited, not killed by the signal"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// The shipped Functions example: an Elastic Premium app whose content-share storage
/// account admits only the integration subnet, with content share not routed through the
/// VNET.
pub fn functions_export() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/functions-export")
}
