//! A real authoritative DNS server on loopback for certdoctor's integration tests.
//!
//! [`DnsServer::start`] loads zones written in RFC 1035 master-file format into
//! hickory-server's in-memory zone handlers and serves them over UDP and TCP on
//! one `127.0.0.1` port, from its own thread and its own tokio runtime, so tests
//! stay plain `#[test]` functions that run the certdoctor binary with
//! `std::process`. Answers are authoritative (AA=1) with the SOA in the
//! authority section of NXDOMAIN and NODATA answers; names that are CNAMEs are
//! answered with the CNAME (and its in-zone target), and names outside every
//! zone are REFUSED. RRsets can be replaced while the server runs
//! ([`DnsServer::set_txt`], [`DnsServer::set_records`]) to simulate propagation;
//! every change bumps the zone's SOA serial. Two misbehaving servers complete
//! the set: [`DnsServer::start_servfail`] answers every query with SERVFAIL and
//! [`DnsServer::start_silent`] never answers at all. Every server stops when it
//! is dropped.

#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::op::{Message, MessageType, ResponseCode};
use hickory_server::proto::rr::rdata::TXT;
use hickory_server::proto::rr::{LowerName, Name, RData, RecordSet, RecordType, RrKey};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

use super::background::Background;

/// TTL of the records written by [`DnsServer::set_txt`] and [`DnsServer::set_records`].
pub const UPDATE_TTL: u32 = 60;

type Zone = InMemoryZoneHandler<TokioRuntimeProvider>;

/// A DNS server on `127.0.0.1`, UDP and TCP on the same port. Stops on drop.
pub struct DnsServer {
    addr: SocketAddr,
    zones: HashMap<LowerName, Arc<Zone>>,
    /// `None` for a silent server.
    server: Option<Background>,
    /// Sockets of a silent server: bound, never read.
    silent: Option<(std::net::UdpSocket, std::net::TcpListener)>,
}

impl DnsServer {
    /// Starts an authoritative server for `zones`, each `(origin, zone file text)`, e.g.
    /// `("example.com.", "$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 604800 60\n...")`.
    /// Relative names in the text are relative to the origin. Panics on a zone that does
    /// not parse, lacks an SOA at its apex, or is given twice.
    pub fn start(zones: &[(&str, &str)]) -> DnsServer {
        DnsServer::start_at(Ipv4Addr::LOCALHOST, 0, zones)
    }

    /// Like [`DnsServer::start`], on a chosen loopback address and port (`0` = any free
    /// port). Several servers on 127.0.0.1, 127.0.0.2, … sharing one port play the
    /// nameservers of one zone, which can then disagree.
    pub fn start_at(ip: Ipv4Addr, port: u16, zones: &[(&str, &str)]) -> DnsServer {
        let mut catalog = Catalog::new();
        let mut handlers = HashMap::new();
        for (origin, text) in zones {
            let origin = fqdn(origin);
            let (_, records) = Parser::new(*text, None, Some(origin.clone()))
                .parse()
                .unwrap_or_else(|e| panic!("zone {origin} does not parse: {e}"));
            let zone = Zone::new(origin.clone(), records, ZoneType::Primary, AxfrPolicy::Deny)
                .unwrap_or_else(|e| panic!("zone {origin} is not valid: {e}"));
            let zone = Arc::new(zone);
            let key = LowerName::new(&origin);
            assert!(
                handlers.insert(key.clone(), zone.clone()).is_none(),
                "zone {origin} given twice"
            );
            catalog.upsert(key, vec![zone as Arc<dyn ZoneHandler>]);
        }

        let (udp, tcp) = bind_pair(ip, port);
        let addr = udp.local_addr().expect("UDP socket address");
        let server = Background::spawn("dns-server", move |stop| async move {
            let mut server = Server::new(catalog);
            server.register_socket(UdpSocket::from_std(udp).expect("tokio UDP socket"));
            server.register_listener(
                TcpListener::from_std(tcp).expect("tokio TCP listener"),
                Duration::from_secs(10),
                64,
            );
            let _ = stop.await;
            let _ =
                tokio::time::timeout(Duration::from_secs(1), server.shutdown_gracefully()).await;
        });
        DnsServer {
            addr,
            zones: handlers,
            server: Some(server),
            silent: None,
        }
    }

    /// Starts a server that answers every query, over UDP and TCP, with SERVFAIL
    /// (the request's id, opcode, RD flag and question echoed, no records).
    pub fn start_servfail() -> DnsServer {
        DnsServer::start_rcode(ResponseCode::ServFail)
    }

    /// Starts a server that answers every query, over UDP and TCP, with the response
    /// code `rcode` (e.g. `ResponseCode::Refused`) and no records.
    pub fn start_rcode(rcode: ResponseCode) -> DnsServer {
        DnsServer::start_rcode_at(Ipv4Addr::LOCALHOST, 0, rcode)
    }

    /// Like [`DnsServer::start_rcode`], on a chosen loopback address and port.
    pub fn start_rcode_at(ip: Ipv4Addr, port: u16, rcode: ResponseCode) -> DnsServer {
        let (udp, tcp) = bind_pair(ip, port);
        let addr = udp.local_addr().expect("UDP socket address");
        let server = Background::spawn("dns-server-rcode", move |stop| async move {
            let udp = UdpSocket::from_std(udp).expect("tokio UDP socket");
            let tcp = TcpListener::from_std(tcp).expect("tokio TCP listener");
            tokio::select! {
                _ = serve_rcode_udp(udp, rcode) => {}
                _ = serve_rcode_tcp(tcp, rcode) => {}
                _ = stop => {}
            }
        });
        DnsServer {
            addr,
            zones: HashMap::new(),
            server: Some(server),
            silent: None,
        }
    }

    /// Binds a UDP socket and a TCP listener on one port and never answers: UDP queries
    /// are dropped unread, TCP connections are accepted by the kernel and left hanging,
    /// so clients run into their timeout.
    pub fn start_silent() -> DnsServer {
        let (udp, tcp) = bind_pair(Ipv4Addr::LOCALHOST, 0);
        DnsServer {
            addr: udp.local_addr().expect("UDP socket address"),
            zones: HashMap::new(),
            server: None,
            silent: Some((udp, tcp)),
        }
    }

    /// The address the server listens on (UDP and TCP), `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port the server listens on (UDP and TCP).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Replaces the TXT RRset at `name` (an FQDN inside `zone`, trailing dot optional,
    /// `@` for the apex) with one TXT record per value; values longer than 255 bytes
    /// are split into several character-strings. No values removes the RRset.
    /// Visible to the next query once this returns.
    pub fn set_txt(&self, zone: &str, name: &str, values: &[&str]) {
        let (origin, handler) = self.zone(zone);
        let owner = owner_name(&origin, name);
        let rrset = (!values.is_empty()).then(|| {
            let mut rrset = RecordSet::with_ttl(owner.clone(), RecordType::TXT, UPDATE_TTL);
            for value in values {
                let mut strings: Vec<&[u8]> = value.as_bytes().chunks(255).collect();
                if strings.is_empty() {
                    strings.push(b"");
                }
                rrset.add_rdata(RData::TXT(TXT::from_bytes(strings)));
            }
            rrset
        });
        self.replace(handler, origin, owner, RecordType::TXT, rrset);
    }

    /// Replaces the RRset of type `rtype` (`"A"`, `"AAAA"`, `"TXT"`, `"CAA"`, `"CNAME"`,
    /// `"NS"`, ...) at `name` (as in [`DnsServer::set_txt`]) with records whose RDATA is
    /// given in zone-file syntax, e.g. `"192.0.2.1"`, `"\"token\""`,
    /// `"0 issue \"letsencrypt.org\""`, `"www.example.com."` (relative names are relative
    /// to the zone). No RDATA removes the RRset. Setting a CNAME removes every other
    /// RRset at the name; setting anything else removes a CNAME there. Visible to the
    /// next query once this returns.
    pub fn set_records(&self, zone: &str, name: &str, rtype: &str, rdata: &[&str]) {
        let (origin, handler) = self.zone(zone);
        let owner = owner_name(&origin, name);
        let rtype = RecordType::from_str(&rtype.to_ascii_uppercase())
            .unwrap_or_else(|e| panic!("record type {rtype:?}: {e}"));
        let rrset = (!rdata.is_empty()).then(|| {
            let mut text = String::new();
            for data in rdata {
                writeln!(text, "{owner} {UPDATE_TTL} IN {rtype} {data}").expect("write to String");
            }
            let (_, mut records) = Parser::new(text.as_str(), None, Some(origin.clone()))
                .parse()
                .unwrap_or_else(|e| panic!("records {text:?} do not parse: {e}"));
            records
                .remove(&RrKey::new(LowerName::new(&owner), rtype))
                .unwrap_or_else(|| panic!("records {text:?} parsed to nothing"))
        });
        self.replace(handler, origin, owner, rtype, rrset);
    }

    /// The zone handler for `zone`, with its origin.
    fn zone(&self, zone: &str) -> (Name, Arc<Zone>) {
        let origin = fqdn(zone);
        match self.zones.get(&LowerName::new(&origin)) {
            Some(handler) => (origin, handler.clone()),
            None => panic!(
                "zone {origin} is not served here (zones: {:?})",
                self.zones
                    .keys()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            ),
        }
    }

    /// Swaps one RRset in a running zone and bumps the SOA serial; waits until done.
    fn replace(
        &self,
        handler: Arc<Zone>,
        origin: Name,
        owner: Name,
        rtype: RecordType,
        rrset: Option<RecordSet>,
    ) {
        let runtime = self
            .server
            .as_ref()
            .expect("server has a runtime")
            .runtime();
        let (done, wait) = mpsc::channel();
        runtime.spawn(async move {
            let mut records = handler.records_mut().await;
            let owner = LowerName::new(&owner);
            let adding = rrset.is_some();
            records.retain(|key, _| key.name != owner || survives(key.record_type, rtype, adding));
            if let Some(rrset) = rrset {
                records.insert(RrKey::new(owner, rtype), Arc::new(rrset));
            }
            let soa_key = RrKey::new(LowerName::new(&origin), RecordType::SOA);
            if let Some(old) = records.get(&soa_key).cloned() {
                let mut soa = RecordSet::with_ttl(origin.clone(), RecordType::SOA, old.ttl());
                for record in old.records_without_rrsigs() {
                    if let RData::SOA(data) = &record.data {
                        let mut data = data.clone();
                        data.serial = data.serial.wrapping_add(1);
                        soa.add_rdata(RData::SOA(data));
                    }
                }
                records.insert(soa_key, Arc::new(soa));
            }
            let _ = done.send(());
        });
        wait.recv_timeout(Duration::from_secs(10))
            .expect("DNS server applied the update");
    }
}

/// Whether the RRset of type `existing` stays at a name whose `replaced` RRset is swapped
/// for a non-empty one (`adding`) or removed: the replaced type goes, and a CNAME shares
/// its name with nothing else.
fn survives(existing: RecordType, replaced: RecordType, adding: bool) -> bool {
    existing != replaced
        && !(adding && (existing == RecordType::CNAME || replaced == RecordType::CNAME))
}

/// `name` as an absolute domain name (a missing trailing dot is implied).
fn fqdn(name: &str) -> Name {
    let mut parsed = Name::from_ascii(name).unwrap_or_else(|e| panic!("domain name {name:?}: {e}"));
    parsed.set_fqdn(true);
    parsed
}

/// The owner `name` (FQDN or `@`), checked to lie inside `origin`.
fn owner_name(origin: &Name, name: &str) -> Name {
    let owner = if name == "@" {
        origin.clone()
    } else {
        fqdn(name)
    };
    assert!(
        origin.zone_of(&owner),
        "{owner} is not inside zone {origin}"
    );
    owner
}

/// A UDP socket on `127.0.0.1:0` and a TCP listener on the same port (both
/// non-blocking); retries with a fresh port when TCP cannot get the UDP one.
fn bind_pair(ip: Ipv4Addr, want: u16) -> (std::net::UdpSocket, std::net::TcpListener) {
    let mut last_error = None;
    for _ in 0..20 {
        let udp = std::net::UdpSocket::bind((ip, want)).expect("bind UDP socket");
        let port = udp.local_addr().expect("UDP socket address").port();
        match std::net::TcpListener::bind((ip, port)) {
            Ok(tcp) => {
                udp.set_nonblocking(true).expect("non-blocking UDP socket");
                tcp.set_nonblocking(true)
                    .expect("non-blocking TCP listener");
                return (udp, tcp);
            }
            Err(e) if want == 0 => last_error = Some(e),
            Err(e) => panic!("cannot bind TCP {ip}:{want}: {e}"),
        }
    }
    panic!("no port on {ip} free for both UDP and TCP: {last_error:?}")
}

/// The wire-format answer with response code `rcode` to the query in `request`, or
/// `None` when `request` is not a DNS query.
fn rcode_reply(request: &[u8], rcode: ResponseCode) -> Option<Vec<u8>> {
    let request = Message::from_vec(request).ok()?;
    if request.metadata.message_type != MessageType::Query {
        return None;
    }
    let mut reply = Message::error_msg(request.metadata.id, request.metadata.op_code, rcode);
    reply.metadata.recursion_desired = request.metadata.recursion_desired;
    reply.metadata.checking_disabled = request.metadata.checking_disabled;
    reply.add_queries(request.queries.iter().cloned());
    reply.to_vec().ok()
}

/// Answers every UDP query with `rcode`.
async fn serve_rcode_udp(socket: UdpSocket, rcode: ResponseCode) {
    let mut buf = vec![0u8; 65_535];
    loop {
        let Ok((len, peer)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        if let Some(reply) = rcode_reply(&buf[..len], rcode) {
            let _ = socket.send_to(&reply, peer).await;
        }
    }
}

/// Answers every query on every TCP connection with `rcode`.
async fn serve_rcode_tcp(listener: TcpListener, rcode: ResponseCode) {
    loop {
        if let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer_tcp_connection(stream, rcode));
        }
    }
}

/// Reads length-prefixed queries from `stream` until it closes, answering each with `rcode`.
async fn answer_tcp_connection(mut stream: TcpStream, rcode: ResponseCode) {
    loop {
        let mut len = [0u8; 2];
        if stream.read_exact(&mut len).await.is_err() {
            return;
        }
        let mut request = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if stream.read_exact(&mut request).await.is_err() {
            return;
        }
        let Some(reply) = rcode_reply(&request, rcode) else {
            return;
        };
        let Ok(reply_len) = u16::try_from(reply.len()) else {
            return;
        };
        let mut framed = reply_len.to_be_bytes().to_vec();
        framed.extend_from_slice(&reply);
        if stream.write_all(&framed).await.is_err() {
            return;
        }
    }
}
