//! mTLS with the lab's PKI: rustls on ring, TLS 1.3 only, as in
//! linkerd2-proxy and ztunnel. Both sides present a workload certificate
//! and require the peer's; the client side checks the server's DNS name.

use std::fs::File;
use std::io::{self, BufReader};
use std::sync::Arc;

use rustls::server::AllowAnyAuthenticatedClient;
use rustls::{Certificate, ClientConfig, PrivateKey, RootCertStore, ServerConfig, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::{client, server, TlsAcceptor, TlsConnector};

pub struct Tls {
    connector: TlsConnector,
    acceptor: TlsAcceptor,
    name: ServerName,
}

pub struct Files<'a> {
    pub cert: &'a str,
    pub key: &'a str,
    pub ca: &'a str,
    pub server_name: &'a str,
}

fn open(path: &str) -> Result<BufReader<File>, String> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| format!("{}: {}", path, e))
}

fn certs(path: &str) -> Result<Vec<Certificate>, String> {
    let der = rustls_pemfile::certs(&mut open(path)?).map_err(|e| format!("{}: {}", path, e))?;
    if der.is_empty() {
        return Err(format!("{}: no certificate", path));
    }
    Ok(der.into_iter().map(Certificate).collect())
}

fn key(path: &str) -> Result<PrivateKey, String> {
    let items =
        rustls_pemfile::read_all(&mut open(path)?).map_err(|e| format!("{}: {}", path, e))?;
    items
        .into_iter()
        .find_map(|item| match item {
            rustls_pemfile::Item::PKCS8Key(k) | rustls_pemfile::Item::RSAKey(k) => {
                Some(PrivateKey(k))
            }
            _ => None,
        })
        .ok_or_else(|| format!("{}: no PKCS#8 or RSA private key", path))
}

impl Tls {
    /// `alpn` is offered by the client and required by the server (HBONE
    /// speaks h2 inside mTLS).
    pub fn load(f: &Files, alpn: Option<&[u8]>) -> Result<Tls, String> {
        let chain = certs(f.cert)?;
        let key = key(f.key)?;
        let mut roots = RootCertStore::empty();
        for ca in certs(f.ca)? {
            roots.add(&ca).map_err(|e| format!("{}: {}", f.ca, e))?;
        }
        let name = ServerName::try_from(f.server_name)
            .map_err(|_| format!("bad server name '{}'", f.server_name))?;
        let mut server = ServerConfig::builder()
            .with_safe_defaults()
            .with_client_cert_verifier(AllowAnyAuthenticatedClient::new(roots.clone()))
            .with_single_cert(chain.clone(), key.clone())
            .map_err(|e| format!("{}: {}", f.cert, e))?;
        let mut client = ClientConfig::builder()
            .with_safe_defaults()
            .with_root_certificates(roots)
            .with_single_cert(chain, key)
            .map_err(|e| format!("{}: {}", f.cert, e))?;
        if let Some(p) = alpn {
            server.alpn_protocols = vec![p.to_vec()];
            client.alpn_protocols = vec![p.to_vec()];
        }
        Ok(Tls {
            connector: TlsConnector::from(Arc::new(client)),
            acceptor: TlsAcceptor::from(Arc::new(server)),
            name,
        })
    }

    pub async fn connect(&self, sock: TcpStream) -> io::Result<client::TlsStream<TcpStream>> {
        self.connector.connect(self.name.clone(), sock).await
    }

    pub async fn accept(&self, sock: TcpStream) -> io::Result<server::TlsStream<TcpStream>> {
        self.acceptor.accept(sock).await
    }
}
