//! Node-proxy mode (ztunnel-like): HBONE, that is HTTP/2 CONNECT inside
//! mTLS on port 15008. The source node's proxy keeps one h2 connection per
//! destination pod IP and opens a stream per captured connection, with the
//! original destination in the CONNECT authority. The destination node's
//! proxy terminates mTLS and h2 and dials the authority.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::future::{poll_fn, try_join};
use h2::client::SendRequest;
use h2::server::SendResponse;
use h2::{RecvStream, SendStream};
use http::{Method, Request, Response, StatusCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

use crate::net::{self, other};
use crate::stats::Listener;
use crate::tls::Tls;

pub const PORT: u16 = 15008;
pub const ALPN: &[u8] = b"h2";

// ztunnel's defaults: large windows, so that flow control does not cap a
// stream's throughput on a fast link.
const STREAM_WINDOW: u32 = 4 << 20;
const CONN_WINDOW: u32 = 16 << 20;
const FRAME_SIZE: u32 = 1 << 20;
const CHUNK: usize = 16 << 10;

fn h2_io(e: h2::Error) -> io::Error {
    if e.is_io() {
        return e.into_io().unwrap();
    }
    other(e)
}

pub struct Pool {
    tls: Arc<Tls>,
    conns: Mutex<HashMap<IpAddr, SendRequest<Bytes>>>,
}

impl Pool {
    pub fn new(tls: Arc<Tls>) -> Pool {
        Pool {
            tls,
            conns: Mutex::new(HashMap::new()),
        }
    }

    /// A ready sender on the h2 connection to `ip`, made on first use and
    /// again when the last one has closed.
    async fn sender(&self, ip: IpAddr) -> io::Result<SendRequest<Bytes>> {
        let mut conns = self.conns.lock().await;
        if let Some(tx) = conns.get(&ip) {
            if let Ok(tx) = tx.clone().ready().await {
                return Ok(tx);
            }
        }
        let sock = net::connect(SocketAddr::new(ip, PORT)).await?;
        let sock = self.tls.connect(sock).await?;
        let (tx, conn) = h2::client::Builder::new()
            .initial_window_size(STREAM_WINDOW)
            .initial_connection_window_size(CONN_WINDOW)
            .max_frame_size(FRAME_SIZE)
            .handshake(sock)
            .await
            .map_err(h2_io)?;
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                eprintln!("meshlab-rustproxy: hbone to {}: {}", ip, e);
            }
        });
        conns.insert(ip, tx.clone());
        tx.ready().await.map_err(h2_io)
    }
}

pub async fn outbound(down: TcpStream, pool: Arc<Pool>) -> io::Result<()> {
    let dst = net::original_dst(&down)?;
    let mut tx = pool.sender(dst.ip()).await?;
    let req = Request::connect(dst.to_string()).body(()).map_err(other)?;
    let (resp, send) = tx.send_request(req, false).map_err(h2_io)?;
    let resp = resp.await.map_err(h2_io)?;
    if resp.status() != StatusCode::OK {
        return Err(io::Error::new(
            io::ErrorKind::Other,
            format!("CONNECT {}: {}", dst, resp.status()),
        ));
    }
    relay(down, send, resp.into_body()).await
}

/// The tunnel's own original destination is the pod it was sent to; a
/// stream may only reach that pod.
pub async fn inbound(sock: TcpStream, tls: Arc<Tls>, stats: Arc<Listener>) -> io::Result<()> {
    let pod = net::original_dst(&sock)?.ip();
    let sock = tls.accept(sock).await?;
    let mut conn = h2::server::Builder::new()
        .initial_window_size(STREAM_WINDOW)
        .initial_connection_window_size(CONN_WINDOW)
        .max_frame_size(FRAME_SIZE)
        .handshake(sock)
        .await
        .map_err(h2_io)?;
    while let Some(stream) = conn.accept().await {
        let (req, respond) = stream.map_err(h2_io)?;
        stats.stream();
        tokio::spawn(async move {
            match tunnel(req, respond, pod).await {
                Err(e) if !net::is_hangup(&e) => eprintln!("meshlab-rustproxy: hbone_in: {}", e),
                _ => {}
            }
        });
    }
    Ok(())
}

fn target(req: &Request<RecvStream>, pod: IpAddr) -> Result<SocketAddr, StatusCode> {
    if req.method() != Method::CONNECT {
        return Err(StatusCode::METHOD_NOT_ALLOWED);
    }
    let dst: SocketAddr = req
        .uri()
        .authority()
        .and_then(|a| a.as_str().parse().ok())
        .ok_or(StatusCode::BAD_REQUEST)?;
    if dst.ip() != pod {
        return Err(StatusCode::FORBIDDEN);
    }
    Ok(dst)
}

async fn tunnel(
    req: Request<RecvStream>,
    mut respond: SendResponse<Bytes>,
    pod: IpAddr,
) -> io::Result<()> {
    let up = match target(&req, pod) {
        Ok(dst) => net::connect(dst)
            .await
            .map_err(|_| StatusCode::SERVICE_UNAVAILABLE),
        Err(status) => Err(status),
    };
    let up = match up {
        Ok(up) => up,
        Err(status) => {
            let mut resp = Response::new(());
            *resp.status_mut() = status;
            respond.send_response(resp, true).map_err(h2_io)?;
            return Err(io::Error::new(
                io::ErrorKind::Other,
                format!("CONNECT {}: {}", req.uri(), status),
            ));
        }
    };
    let send = respond
        .send_response(Response::new(()), false)
        .map_err(h2_io)?;
    relay(up, send, req.into_body()).await
}

/// Both directions at once; an error in one drops the other, which
/// closes the socket and resets the stream.
async fn relay(sock: TcpStream, send: SendStream<Bytes>, recv: RecvStream) -> io::Result<()> {
    let (r, w) = sock.into_split();
    try_join(to_stream(r, send), from_stream(recv, w))
        .await
        .map(|_| ())
}

async fn to_stream(mut r: OwnedReadHalf, mut send: SendStream<Bytes>) -> io::Result<()> {
    let mut buf = BytesMut::with_capacity(CHUNK);
    loop {
        buf.reserve(CHUNK);
        if r.read_buf(&mut buf).await? == 0 {
            return send.send_data(Bytes::new(), true).map_err(h2_io);
        }
        while !buf.is_empty() {
            send.reserve_capacity(buf.len());
            let n = match poll_fn(|cx| send.poll_capacity(cx)).await {
                Some(n) => n.map_err(h2_io)?,
                None => return Err(io::ErrorKind::BrokenPipe.into()),
            };
            if n > 0 {
                let chunk = buf.split_to(n.min(buf.len())).freeze();
                send.send_data(chunk, false).map_err(h2_io)?;
            }
        }
    }
}

async fn from_stream(mut recv: RecvStream, mut w: OwnedWriteHalf) -> io::Result<()> {
    while let Some(data) = recv.data().await {
        let data = data.map_err(h2_io)?;
        w.write_all(&data).await?;
        recv.flow_control()
            .release_capacity(data.len())
            .map_err(h2_io)?;
    }
    w.shutdown().await
}
