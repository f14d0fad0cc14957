//! rusttwin: the Rust twin of the category-truth workload, with the Rust
//! proxies' libraries.
//!
//!   rusttwin --seconds S
//!
//! One thread runs TLS 1.3 with rustls on ring: a client and a server
//! connection talking through in-memory buffers, so that all its CPU is
//! TLS (mTLS handshakes without resumption, then records both ways).
//! Another thread parses in-memory HTTP/1.1 requests and responses with
//! httparse, the parser inside hyper. At exit it prints one JSON object
//! with each thread's CPU time (CLOCK_THREAD_CPUTIME_ID) and the whole
//! process's (CLOCK_PROCESS_CPUTIME_ID, which counts every thread, ended
//! or not), in the format of the C twin, tests/workload/tlshttp.c:
//!
//!   {"pid":N,"tls_ns":N,"http_ns":N,"other_ns":N,"total_ns":N}

use std::io::{Read, Write};
use std::process::exit;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use rustls::client::NoClientSessionStorage;
use rustls::server::{AllowAnyAuthenticatedClient, NoServerSessionStorage};
use rustls::{
    Certificate, ClientConfig, ClientConnection, Connection, PrivateKey, RootCertStore,
    ServerConfig, ServerConnection, ServerName,
};

// A throwaway test PKI (tools/rustproxy/twin), valid 2000-2125.
const CA: &[u8] = include_bytes!("../../twin/ca.crt");
const CERT: &[u8] = include_bytes!("../../twin/twin.crt");
const KEY: &[u8] = include_bytes!("../../twin/twin.key");
const NAME: &str = "twin.meshlab.test";

/// Application data per session and direction, in full-size records.
const RECORD: usize = 16 << 10;
const RECORDS: usize = 16;

/// Requests as a sidecar sees them, parsed in turn.
const REQUESTS: [&[u8]; 3] = [
    b"GET / HTTP/1.1\r\nHost: 198.18.2.10:8080\r\nUser-Agent: meshlab-load\r\n\
Accept: */*\r\n\r\n",
    b"GET /api/v1/namespaces/default/pods?limit=500 HTTP/1.1\r\n\
Host: server.default.svc.cluster.local:8080\r\nUser-Agent: curl/7.88.1\r\n\
Accept: application/json\r\nAccept-Encoding: gzip, deflate\r\n\
X-Request-Id: 5f0c6a1e-8d43-4b5b-9a53-2d4b8f3c2e11\r\n\
traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\
Connection: keep-alive\r\n\r\n",
    b"POST /orders HTTP/1.1\r\nHost: server.default.svc.cluster.local\r\n\
Content-Type: application/json\r\nContent-Length: 17\r\n\
Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2lnbmF0dXJl\r\n\
Cookie: session=8b1a9953c4611296a827abf8c47804d7; theme=dark\r\n\
x-forwarded-for: 198.18.1.10\r\nx-envoy-attempt-count: 1\r\n\r\n{\"id\":1,\"qty\":2}",
];

fn die(msg: &str) -> ! {
    eprintln!("rusttwin: {}", msg);
    exit(1);
}

fn cpu_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec for clock_gettime to fill.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        die("clock_gettime failed");
    }
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn pem(data: &[u8]) -> Vec<Vec<u8>> {
    rustls_pemfile::read_all(&mut &data[..])
        .unwrap_or_else(|e| die(&format!("test PKI: {}", e)))
        .into_iter()
        .filter_map(|item| match item {
            rustls_pemfile::Item::X509Certificate(d) | rustls_pemfile::Item::PKCS8Key(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// Both ends of mTLS with one identity, and no resumption: every session
/// pays for a full handshake, as a new connection between sidecars does.
fn configs() -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let mut roots = RootCertStore::empty();
    for ca in pem(CA) {
        roots
            .add(&Certificate(ca))
            .unwrap_or_else(|e| die(&e.to_string()));
    }
    let chain: Vec<Certificate> = pem(CERT).into_iter().map(Certificate).collect();
    let key = PrivateKey(pem(KEY).remove(0));
    let mut server = ServerConfig::builder()
        .with_safe_defaults()
        .with_client_cert_verifier(AllowAnyAuthenticatedClient::new(roots.clone()))
        .with_single_cert(chain.clone(), key.clone())
        .unwrap_or_else(|e| die(&e.to_string()));
    server.session_storage = Arc::new(NoServerSessionStorage {});
    let mut client = ClientConfig::builder()
        .with_safe_defaults()
        .with_root_certificates(roots)
        .with_single_cert(chain, key)
        .unwrap_or_else(|e| die(&e.to_string()));
    client.session_storage = Arc::new(NoClientSessionStorage {});
    (Arc::new(client), Arc::new(server))
}

/// Moves what `from` has to send into `to`, through `wire`.
fn pump(from: &mut Connection, to: &mut Connection, wire: &mut Vec<u8>) {
    wire.clear();
    while from.wants_write() {
        from.write_tls(wire).unwrap_or_else(|e| die(&e.to_string()));
    }
    let mut rd = &wire[..];
    while !rd.is_empty() {
        to.read_tls(&mut rd).unwrap_or_else(|e| die(&e.to_string()));
        to.process_new_packets()
            .unwrap_or_else(|e| die(&e.to_string()));
    }
}

/// Sends `data` from `from` and reads all of it back out of `to`.
fn transfer(from: &mut Connection, to: &mut Connection, data: &[u8], wire: &mut Vec<u8>) {
    from.writer()
        .write_all(data)
        .unwrap_or_else(|e| die(&e.to_string()));
    pump(from, to, wire);
    let mut got = 0;
    let mut sink = [0u8; RECORD];
    while got < data.len() {
        match to.reader().read(&mut sink) {
            Ok(n) if n > 0 => got += n,
            _ => die("short read"),
        }
    }
}

fn session(
    client: &Arc<ClientConfig>,
    server: &Arc<ServerConfig>,
    data: &[u8],
    wire: &mut Vec<u8>,
) {
    let name = ServerName::try_from(NAME).unwrap_or_else(|_| die("bad name"));
    let mut c = Connection::from(
        ClientConnection::new(client.clone(), name).unwrap_or_else(|e| die(&e.to_string())),
    );
    let mut s = Connection::from(
        ServerConnection::new(server.clone()).unwrap_or_else(|e| die(&e.to_string())),
    );
    while c.is_handshaking() || s.is_handshaking() {
        pump(&mut c, &mut s, wire);
        pump(&mut s, &mut c, wire);
    }
    for _ in 0..RECORDS {
        transfer(&mut c, &mut s, data, wire);
        transfer(&mut s, &mut c, data, wire);
    }
    c.send_close_notify();
    pump(&mut c, &mut s, wire);
}

fn tls_thread(deadline: Instant) -> u64 {
    let (client, server) = configs();
    let data = vec![0x5a; RECORD];
    let mut wire = Vec::with_capacity(4 * RECORD);
    while Instant::now() < deadline {
        session(&client, &server, &data, &mut wire);
    }
    cpu_ns(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// Responses as a sidecar sees them coming back.
const RESPONSES: [&[u8]; 2] = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 1024\r\nContent-Type: text/plain\r\n\r\n",
    b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\
Content-Length: 27\r\nLocation: /orders/1\r\nDate: Sat, 29 Nov 2025 03:50:00 GMT\r\n\
Server: envoy\r\nx-envoy-upstream-service-time: 3\r\n\r\n{\"id\":1,\"status\":\"created\"}",
];

/// Parses a request and a response in turn into `headers`; the parsed
/// sizes are checked so that the work cannot be optimised away. The
/// header array is the caller's, kept from parse to parse: clearing one
/// per parse (1 KiB) took 5% of the thread's CPU outside httparse, where
/// hyper spends none (it parses into uninitialised headers).
fn parse(i: usize, headers: &mut [httparse::Header<'static>]) -> usize {
    let mut req = httparse::Request::new(headers);
    let n = match req.parse(REQUESTS[i % REQUESTS.len()]) {
        Ok(httparse::Status::Complete(n)) => n + req.headers.len(),
        _ => die("request did not parse"),
    };
    let mut resp = httparse::Response::new(headers);
    match resp.parse(RESPONSES[i % RESPONSES.len()]) {
        Ok(httparse::Status::Complete(m)) => n + m + resp.headers.len(),
        _ => die("response did not parse"),
    }
}

fn http_thread(deadline: Instant) -> u64 {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut parsed = 0usize;
    let mut i = 0;
    while Instant::now() < deadline {
        for _ in 0..1024 {
            parsed = parsed.wrapping_add(parse(i, &mut headers));
            i += 1;
        }
    }
    if parsed == 0 {
        die("nothing parsed");
    }
    cpu_ns(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn seconds() -> f64 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [opt, s] if opt == "--seconds" => s
            .parse()
            .ok()
            .filter(|&s: &f64| s > 0.0 && s < 1e6)
            .unwrap_or_else(|| die("--seconds wants a positive number")),
        _ => die("usage: rusttwin --seconds S"),
    }
}

fn spawn(name: &str, deadline: Instant, f: fn(Instant) -> u64) -> thread::JoinHandle<u64> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(move || f(deadline))
        .unwrap_or_else(|e| die(&e.to_string()))
}

fn main() {
    let deadline = Instant::now() + Duration::from_secs_f64(seconds());
    let tls = spawn("tls", deadline, tls_thread);
    let http = spawn("http", deadline, http_thread);
    let tls_ns = tls.join().unwrap_or_else(|_| die("tls thread failed"));
    let http_ns = http.join().unwrap_or_else(|_| die("http thread failed"));
    let total_ns = cpu_ns(libc::CLOCK_PROCESS_CPUTIME_ID);
    println!(
        "{{\"pid\":{},\"tls_ns\":{},\"http_ns\":{},\"other_ns\":{},\"total_ns\":{}}}",
        std::process::id(),
        tls_ns,
        http_ns,
        total_ns.saturating_sub(tls_ns + http_ns),
        total_ns
    );
}
