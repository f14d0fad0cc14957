//! meshlab-rustproxy: the mesh lab's Rust data plane (docs/lab.md), on the
//! libraries linkerd2-proxy and ztunnel are built on: tokio, rustls with
//! ring, hyper and h2.
//!
//!   meshlab-rustproxy --mode tcp|http|hbone [--mtls] [--threads N]
//!       [--cert FILE --key FILE --ca FILE --server-name NAME]
//!       [--outbound ADDR] [--inbound ADDR] [--app ADDR] [--admin ADDR]
//!
//! tcp and http are sidecars: captured outbound connections (port 15001)
//! go to their original destination, inbound ones (15006) to the app.
//! hbone is a node proxy: outbound connections are tunnelled over HTTP/2
//! CONNECT and mTLS to the destination pod's port 15008, where the other
//! node's proxy (listening on 15008) ends the tunnel.

mod hbone;
mod net;
mod sidecar;
mod stats;
mod tls;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::process::exit;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};

use crate::stats::{Kind, Listener};
use crate::tls::Tls;

const USAGE: &str = "usage: meshlab-rustproxy --mode tcp|http|hbone [--mtls] [--threads N] \
[--cert FILE --key FILE --ca FILE --server-name NAME] \
[--outbound ADDR] [--inbound ADDR] [--app ADDR] [--admin ADDR]";

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Tcp,
    Http,
    Hbone,
}

struct Opts {
    mode: Mode,
    mtls: bool,
    threads: usize,
    cert: Option<String>,
    key: Option<String>,
    ca: Option<String>,
    server_name: Option<String>,
    outbound: SocketAddr,
    inbound: Option<SocketAddr>,
    app: SocketAddr,
    admin: SocketAddr,
}

fn die(msg: &str) -> ! {
    eprintln!("meshlab-rustproxy: {}", msg);
    exit(1);
}

fn addr(opt: &str, v: &str) -> SocketAddr {
    v.parse()
        .unwrap_or_else(|_| die(&format!("{} wants IP:PORT, got '{}'", opt, v)))
}

fn parse_args() -> Opts {
    let mut o = Opts {
        mode: Mode::Tcp,
        mtls: false,
        threads: 2,
        cert: None,
        key: None,
        ca: None,
        server_name: None,
        outbound: addr("--outbound", "0.0.0.0:15001"),
        inbound: None,
        app: addr("--app", "127.0.0.1:8080"),
        admin: addr("--admin", "127.0.0.1:15000"),
    };
    let mut mode = None;
    let mut args = std::env::args().skip(1);
    while let Some(opt) = args.next() {
        if opt == "--mtls" {
            o.mtls = true;
            continue;
        }
        let v = args
            .next()
            .unwrap_or_else(|| die(&format!("{} needs a value ({})", opt, USAGE)));
        match opt.as_str() {
            "--mode" => mode = Some(v),
            "--threads" => {
                o.threads = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| die("--threads wants a positive number"))
            }
            "--cert" => o.cert = Some(v),
            "--key" => o.key = Some(v),
            "--ca" => o.ca = Some(v),
            "--server-name" => o.server_name = Some(v),
            "--outbound" => o.outbound = addr(&opt, &v),
            "--inbound" => o.inbound = Some(addr(&opt, &v)),
            "--app" => o.app = addr(&opt, &v),
            "--admin" => o.admin = addr(&opt, &v),
            _ => die(&format!("unknown option '{}' ({})", opt, USAGE)),
        }
    }
    o.mode = match mode.as_deref() {
        Some("tcp") => Mode::Tcp,
        Some("http") => Mode::Http,
        // ztunnel always speaks mTLS between nodes.
        Some("hbone") => {
            o.mtls = true;
            Mode::Hbone
        }
        _ => die(USAGE),
    };
    o
}

fn load_tls(o: &Opts) -> Option<Arc<Tls>> {
    if !o.mtls {
        return None;
    }
    let need = |v: &Option<String>, opt: &str| -> String {
        v.clone()
            .unwrap_or_else(|| die(&format!("mTLS needs {}", opt)))
    };
    let (cert, key, ca, name) = (
        need(&o.cert, "--cert"),
        need(&o.key, "--key"),
        need(&o.ca, "--ca"),
        need(&o.server_name, "--server-name"),
    );
    let files = tls::Files {
        cert: &cert,
        key: &key,
        ca: &ca,
        server_name: &name,
    };
    let alpn = (o.mode == Mode::Hbone).then(|| hbone::ALPN);
    Some(Arc::new(
        Tls::load(&files, alpn).unwrap_or_else(|e| die(&e)),
    ))
}

async fn bind(a: SocketAddr) -> TcpListener {
    TcpListener::bind(a)
        .await
        .unwrap_or_else(|e| die(&format!("listen {}: {}", a, e)))
}

/// Accept forever; each connection is a task, and its failure is logged
/// and ends only that connection.
fn serve<F, Fut>(sock: TcpListener, stats: Arc<Listener>, handle: F)
where
    F: Fn(TcpStream, Arc<Listener>) -> Fut + Send + 'static,
    Fut: Future<Output = io::Result<()>> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            let (conn, peer) = match sock.accept().await {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("meshlab-rustproxy: {}: accept: {}", stats.name, e);
                    continue;
                }
            };
            stats.accepted();
            let _ = conn.set_nodelay(true);
            let name = stats.name;
            let task = handle(conn, stats.clone());
            tokio::spawn(async move {
                match task.await {
                    Err(e) if !net::is_hangup(&e) => {
                        eprintln!("meshlab-rustproxy: {} from {}: {}", name, peer, e)
                    }
                    _ => {}
                }
            });
        }
    });
}

async fn run(o: Opts, tls: Option<Arc<Tls>>) {
    let hbone = o.mode == Mode::Hbone;
    let inbound_port = if hbone { hbone::PORT } else { 15006 };
    let out = bind(o.outbound).await;
    let inb = bind(
        o.inbound
            .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], inbound_port))),
    )
    .await;
    let admin = bind(o.admin).await;
    let listeners = if hbone {
        let tls = tls.expect("hbone implies mTLS");
        let lo = Listener::new("outbound", Kind::Tcp);
        let li = Listener::new("hbone_in", Kind::Tunnel);
        let pool = Arc::new(hbone::Pool::new(tls.clone()));
        serve(out, lo.clone(), move |c, _| {
            hbone::outbound(c, pool.clone())
        });
        serve(inb, li.clone(), move |c, s| {
            hbone::inbound(c, tls.clone(), s)
        });
        vec![lo, li]
    } else {
        let kind = if o.mode == Mode::Http {
            Kind::Http
        } else {
            Kind::Tcp
        };
        let lo = Listener::new("outbound", kind);
        let li = Listener::new("inbound", kind);
        let (t, app) = (tls.clone(), o.app);
        serve(out, lo.clone(), move |c, s| {
            sidecar::outbound(c, kind, t.clone(), s)
        });
        serve(inb, li.clone(), move |c, s| {
            sidecar::inbound(c, kind, tls.clone(), app, s)
        });
        vec![lo, li]
    };
    stats::serve_admin(admin, Arc::new(listeners)).await;
}

fn main() {
    let o = parse_args();
    let tls = load_tls(&o);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(o.threads)
        .thread_name("rustproxy")
        .enable_io()
        .enable_time()
        .build()
        .unwrap_or_else(|e| die(&format!("runtime: {}", e)));
    rt.block_on(run(o, tls));
}
