//! Sidecar mode (linkerd2-proxy-like): outbound to the original
//! destination, inbound to the app on loopback, relaying bytes (L4) or
//! HTTP/1.1 requests through hyper's server and client (L7), in plaintext
//! or with mTLS between the sidecars.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use futures_util::future::poll_fn;
use hyper::client::conn::SendRequest;
use hyper::server::conn::Http;
use hyper::service::service_fn;
use hyper::{Body, Request, Response, StatusCode};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

use crate::net::{self, other};
use crate::stats::{Kind, Listener};
use crate::tls::Tls;

pub async fn outbound(
    down: TcpStream,
    kind: Kind,
    tls: Option<Arc<Tls>>,
    stats: Arc<Listener>,
) -> io::Result<()> {
    let up = net::connect(net::original_dst(&down)?).await?;
    match tls {
        None => relay(down, up, kind, stats).await,
        Some(tls) => relay(down, tls.connect(up).await?, kind, stats).await,
    }
}

/// Under mTLS the client's certificate is checked before the app is
/// dialled: plaintext that went around the mesh gets nothing (STRICT).
pub async fn inbound(
    down: TcpStream,
    kind: Kind,
    tls: Option<Arc<Tls>>,
    app: SocketAddr,
    stats: Arc<Listener>,
) -> io::Result<()> {
    match tls {
        None => relay(down, net::connect(app).await?, kind, stats).await,
        Some(tls) => {
            let down = tls.accept(down).await?;
            relay(down, net::connect(app).await?, kind, stats).await
        }
    }
}

async fn relay<D, U>(mut down: D, mut up: U, kind: Kind, stats: Arc<Listener>) -> io::Result<()>
where
    D: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    U: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    match kind {
        Kind::Http => http(down, up, stats).await,
        _ => tokio::io::copy_bidirectional(&mut down, &mut up)
            .await
            .map(|_| ()),
    }
}

/// One upstream connection per downstream connection, opened with it:
/// HTTP/1.1 carries one request at a time, so requests keep their order
/// and there is no pool to manage.
async fn http<D, U>(down: D, up: U, stats: Arc<Listener>) -> io::Result<()>
where
    D: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    U: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (tx, conn) = hyper::client::conn::handshake(up).await.map_err(other)?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            eprintln!("meshlab-rustproxy: upstream: {}", e);
        }
    });
    let tx = Arc::new(Mutex::new(tx));
    let svc = service_fn(move |req| forward(tx.clone(), req, stats.clone()));
    Http::new()
        .http1_only(true)
        .serve_connection(down, svc)
        .await
        .map_err(other)
}

async fn forward(
    tx: Arc<Mutex<SendRequest<Body>>>,
    req: Request<Body>,
    stats: Arc<Listener>,
) -> Result<Response<Body>, Infallible> {
    stats.request();
    let sent = {
        let mut tx = tx.lock().await;
        match poll_fn(|cx| tx.poll_ready(cx)).await {
            Ok(()) => Ok(tx.send_request(req)),
            Err(e) => Err(e),
        }
    };
    match sent {
        Ok(resp) => resp.await,
        Err(e) => Err(e),
    }
    .or_else(|e| {
        eprintln!("meshlab-rustproxy: upstream: {}", e);
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = StatusCode::BAD_GATEWAY;
        Ok(resp)
    })
}
