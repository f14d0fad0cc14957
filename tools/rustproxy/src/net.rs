//! Sockets: the original destination of a captured connection, and
//! upstream connects with the lab's timeout.

use std::io;
use std::mem;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::unix::io::AsRawFd;
use std::time::Duration;

use tokio::net::TcpStream;

/// haproxy's `timeout connect` in the lab's configurations.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The address the peer dialled before iptables REDIRECTed it to us, as
/// haproxy and Envoy read it. The lab has no IPv6, so only IPv4.
pub fn original_dst(sock: &TcpStream) -> io::Result<SocketAddr> {
    // SAFETY: sockaddr_in is plain old data and getsockopt writes at
    // most `len` bytes into it.
    let mut sin: libc::sockaddr_in = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    let rc = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::SOL_IP,
            libc::SO_ORIGINAL_DST,
            &mut sin as *mut libc::sockaddr_in as *mut libc::c_void,
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    let ip = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
    let dst = SocketAddr::from((ip, u16::from_be(sin.sin_port)));
    // Dialled straight at our listener: forwarding would loop.
    if dst == sock.local_addr()? {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a captured connection",
        ));
    }
    Ok(dst)
}

pub async fn connect(dst: SocketAddr) -> io::Result<TcpStream> {
    let sock = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(dst))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, format!("connect {}", dst)))??;
    sock.set_nodelay(true)?;
    Ok(sock)
}

/// An error as io::Error, with the kind of the I/O error inside it if any,
/// so that callers can tell a peer that went away from a real failure.
pub fn other<E>(e: E) -> io::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    let mut kind = io::ErrorKind::Other;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(c) = cause {
        if let Some(ioe) = c.downcast_ref::<io::Error>() {
            kind = ioe.kind();
            break;
        }
        cause = c.source();
    }
    io::Error::new(kind, e)
}

/// How connections end when a peer goes away first: not worth a log line.
pub fn is_hangup(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotConnected
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
    )
}
