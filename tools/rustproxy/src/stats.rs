//! Per-listener counters and the admin endpoint that `meshlab stats`
//! reads (127.0.0.1:15000, like haproxy's and Envoy's admin ports).

use std::convert::Infallible;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use hyper::server::conn::Http;
use hyper::service::service_fn;
use hyper::{Body, Response};
use tokio::net::TcpListener;

#[derive(Clone, Copy, PartialEq)]
pub enum Kind {
    /// Relays bytes: a session is a connection.
    Tcp,
    /// Also counts HTTP requests.
    Http,
    /// Ends HBONE tunnels: a session is a CONNECT stream, as the app's
    /// connections share the tunnel's h2 connections.
    Tunnel,
}

pub struct Listener {
    pub name: &'static str,
    kind: Kind,
    sessions: AtomicU64,
    requests: AtomicU64,
}

impl Listener {
    pub fn new(name: &'static str, kind: Kind) -> Arc<Listener> {
        Arc::new(Listener {
            name,
            kind,
            sessions: AtomicU64::new(0),
            requests: AtomicU64::new(0),
        })
    }

    pub fn accepted(&self) {
        if self.kind != Kind::Tunnel {
            self.sessions.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn stream(&self) {
        self.sessions.fetch_add(1, Ordering::Relaxed);
    }

    pub fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
}

/// One line per listener: `NAME SESSIONS REQUESTS`, `-` where not counted.
fn report(listeners: &[Arc<Listener>]) -> String {
    let mut out = String::new();
    for l in listeners {
        let requests = match l.kind {
            Kind::Http => l.requests.load(Ordering::Relaxed).to_string(),
            _ => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "{} {} {}",
            l.name,
            l.sessions.load(Ordering::Relaxed),
            requests
        );
    }
    out
}

pub async fn serve_admin(sock: TcpListener, listeners: Arc<Vec<Arc<Listener>>>) {
    loop {
        let conn = match sock.accept().await {
            Ok((conn, _)) => conn,
            Err(e) => {
                eprintln!("meshlab-rustproxy: admin: {}", e);
                continue;
            }
        };
        let listeners = listeners.clone();
        let svc = service_fn(move |_req| {
            let body = report(&listeners);
            async move { Ok::<_, Infallible>(Response::new(Body::from(body))) }
        });
        tokio::spawn(async move {
            let _ = Http::new()
                .http1_only(true)
                .serve_connection(conn, svc)
                .await;
        });
    }
}
