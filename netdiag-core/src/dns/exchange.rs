//! One question to one DNS server, on the wire, and nothing else: no cache, no hosts file,
//! no answers made up for `localhost` or `127.in-addr.arpa`. Every answer comes from the
//! server it is reported with, as `dig @server` would show it.
//!
//! UDP goes through a connected socket, so that an ICMP port unreachable (nothing listens
//! on the server's port) is an error at once, not a silent timeout; a truncated answer is
//! asked again over TCP, as stub resolvers do.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Message, Query};
use hickory_proto::rr::{Name, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::time::Instant;

use super::config::Transport;

/// Why a server gave no DNS answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeError {
    /// No answer before the deadline.
    Timeout,
    /// Nothing listens on the server's port (ICMP port unreachable, or a TCP reset).
    Refused(String),
    /// The server cannot be reached at all: no route, network or host unreachable.
    Unreachable(String),
    /// Any other network or protocol failure, in words.
    Failed(String),
}

/// Asks `server` for `name`/`record_type` (recursion desired), by `deadline`.
pub async fn exchange(
    server: SocketAddr,
    transport: Transport,
    name: &Name,
    record_type: RecordType,
    deadline: Instant,
) -> Result<Message, ExchangeError> {
    let mut query = Message::query();
    query.add_query(Query::query(name.clone(), record_type));
    query.metadata.recursion_desired = true;
    let bytes = query
        .to_vec()
        .map_err(|e| ExchangeError::Failed(format!("cannot encode the query: {e}")))?;
    let id = query.metadata.id;
    match transport {
        Transport::Udp => {
            let response = udp(server, &bytes, id, deadline).await?;
            if response.metadata.truncation {
                tcp(server, &bytes, id, deadline).await
            } else {
                Ok(response)
            }
        }
        Transport::Tcp => tcp(server, &bytes, id, deadline).await,
    }
}

fn left(deadline: Instant) -> Result<Duration, ExchangeError> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or(ExchangeError::Timeout)
}

fn network_error(server: SocketAddr, protocol: &str, error: &io::Error) -> ExchangeError {
    match error.kind() {
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset => {
            ExchangeError::Refused(format!(
                "nothing listens on {protocol} {} at {}: is the DNS service running?",
                server.port(),
                server.ip()
            ))
        }
        io::ErrorKind::TimedOut => ExchangeError::Timeout,
        io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => {
            ExchangeError::Unreachable(format!("{protocol} to {server}: no route ({error})"))
        }
        _ => ExchangeError::Failed(format!("{protocol} to {server}: {error}")),
    }
}

async fn udp(
    server: SocketAddr,
    bytes: &[u8],
    id: u16,
    deadline: Instant,
) -> Result<Message, ExchangeError> {
    let local: SocketAddr = if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let error = |e: io::Error| network_error(server, "UDP", &e);
    let socket = UdpSocket::bind(local).await.map_err(error)?;
    // Connected: the kernel then reports ICMP port unreachable as ConnectionRefused.
    socket.connect(server).await.map_err(error)?;
    socket.send(bytes).await.map_err(error)?;
    let mut buffer = vec![0_u8; 65_535];
    loop {
        let received = tokio::time::timeout(left(deadline)?, socket.recv(&mut buffer))
            .await
            .map_err(|_| ExchangeError::Timeout)?
            .map_err(error)?;
        // A stray or forged datagram is not the answer: keep waiting for ours.
        if let Ok(message) = Message::from_vec(&buffer[..received])
            && message.metadata.id == id
        {
            return Ok(message);
        }
    }
}

async fn tcp(
    server: SocketAddr,
    bytes: &[u8],
    id: u16,
    deadline: Instant,
) -> Result<Message, ExchangeError> {
    let error = |e: io::Error| network_error(server, "TCP", &e);
    let exchange = async {
        let mut stream = TcpStream::connect(server).await.map_err(error)?;
        let length = u16::try_from(bytes.len())
            .map_err(|_| ExchangeError::Failed("the query is too long for TCP".to_owned()))?;
        stream
            .write_all(&length.to_be_bytes())
            .await
            .map_err(error)?;
        stream.write_all(bytes).await.map_err(error)?;
        let mut prefix = [0_u8; 2];
        stream.read_exact(&mut prefix).await.map_err(error)?;
        let mut buffer = vec![0_u8; usize::from(u16::from_be_bytes(prefix))];
        stream.read_exact(&mut buffer).await.map_err(error)?;
        let message = Message::from_vec(&buffer).map_err(|e| {
            ExchangeError::Failed(format!("{server} sent an unreadable answer: {e}"))
        })?;
        if message.metadata.id == id {
            Ok(message)
        } else {
            Err(ExchangeError::Failed(format!(
                "{server} answered another query (id {} instead of {id})",
                message.metadata.id
            )))
        }
    };
    tokio::time::timeout(left(deadline)?, exchange)
        .await
        .map_err(|_| ExchangeError::Timeout)?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "A server that cannot be reached at all (network unreachable, no route) is
    /// `unreachable`" (SPEC: DNS configuration); tests cannot provoke it on loopback, so
    /// the OS errors are classified here.
    #[test]
    fn no_route_is_unreachable_not_an_error() {
        let server: SocketAddr = "10.9.9.9:53".parse().unwrap_or_else(|_| unreachable!());
        for kind in [
            io::ErrorKind::NetworkUnreachable,
            io::ErrorKind::HostUnreachable,
        ] {
            let classified = network_error(server, "UDP", &io::Error::from(kind));
            assert!(
                matches!(classified, ExchangeError::Unreachable(_)),
                "{kind:?}"
            );
        }
        let other = network_error(server, "UDP", &io::Error::other("boom"));
        assert!(matches!(other, ExchangeError::Failed(_)));
    }
}
