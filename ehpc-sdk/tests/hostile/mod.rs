//! Hostile HTTP servers on loopback, written by hand so they can do what
//! no well-behaved server does: redirect elsewhere, send endless, huge or
//! trickled bodies, echo the request back.

#![allow(dead_code)]

use ehpc_sdk::{ClientBuilder, Credentials, RetryConfig};
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

pub const TOKEN: &str = "STS.token-never-shown-7f3a";
pub const SECRET: &str = "secret-never-shown-91c2";

/// Temporary keys: the token is in every request.
pub fn temporary_keys() -> Credentials {
    Credentials::new("LTAI-hostile-test", SECRET).with_security_token(TOKEN)
}

/// A builder aimed at `server`, with quick retries.
pub fn builder_for(addr: std::net::SocketAddr) -> ClientBuilder {
    ehpc_sdk::Client::builder()
        .endpoint(format!("http://{addr}"))
        .region("cn-hangzhou")
        .credentials(temporary_keys())
        .retry_config(
            RetryConfig::standard()
                .with_base_delay(Duration::from_millis(1))
                .with_max_delay(Duration::from_millis(5)),
        )
}

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Received {
    pub head: String,
    pub body: Vec<u8>,
}

impl Received {
    /// The value of a header, by its lowercase name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The request line's target and the body, as one text to search.
    pub fn text(&self) -> String {
        format!("{}\n{}", self.head, String::from_utf8_lossy(&self.body))
    }

    /// The value of a signed parameter, from the query or the form body.
    pub fn param(&self, name: &str) -> Option<String> {
        let target = self.head.split(' ').nth(1)?;
        let query = target.split_once('?').map_or("", |(_, q)| q);
        let body = String::from_utf8_lossy(&self.body);
        query
            .split('&')
            .chain(body.split('&'))
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_string))
    }
}

/// What a server saw: its connections, the requests on them, and the body
/// bytes its answers managed to write.
#[derive(Default)]
pub struct Record {
    pub connections: AtomicUsize,
    pub finished: AtomicUsize,
    pub requests: Mutex<Vec<Received>>,
    pub sent: AtomicU64,
}

pub struct Server {
    pub addr: std::net::SocketAddr,
    pub record: Arc<Record>,
}

impl Server {
    pub fn requests(&self) -> Vec<Received> {
        self.record.requests.lock().unwrap().clone()
    }

    pub fn connections(&self) -> usize {
        self.record.connections.load(Ordering::SeqCst)
    }

    /// Body bytes written, once every connection's handler has ended (its
    /// write failed because the client went away, or it finished).
    pub async fn sent_when_done(&self) -> u64 {
        // A safety net for a broken client, not a measured time.
        for _ in 0..2000 {
            if self.record.finished.load(Ordering::SeqCst) == self.connections() {
                return self.record.sent.load(Ordering::SeqCst);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the server's handlers did not end");
    }
}

/// A listener whose accepted sockets have a small send buffer, so what the
/// server managed to write is close to what the client read.
async fn small_buffer_listener() -> TcpListener {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_send_buffer_size(64 * 1024).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    socket.listen(64).unwrap()
}

/// Serves every connection with `answer`, after reading one request.
pub async fn serve<F, Fut>(answer: F) -> Server
where
    F: Fn(TcpStream, Received, Arc<Record>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = small_buffer_listener().await;
    let addr = listener.local_addr().unwrap();
    let record = Arc::new(Record::default());
    let answer = Arc::new(answer);
    let shared = record.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            shared.connections.fetch_add(1, Ordering::SeqCst);
            let (answer, record) = (answer.clone(), shared.clone());
            tokio::spawn(async move {
                if let Some(request) = read_request(&mut stream).await {
                    record.requests.lock().unwrap().push(request.clone());
                    answer(stream, request, record.clone()).await;
                }
                record.finished.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    Server { addr, record }
}

/// A listener that only records: connections and every byte received.
pub async fn recorder() -> Server {
    serve(|mut stream, _, _| async move {
        let mut rest = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(1), stream.read_to_end(&mut rest)).await;
    })
    .await
}

async fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = data[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some(Received { head, body })
}

/// Writes `bytes`, counting what was written as body; `false` once the
/// client is gone.
pub async fn write_counted(stream: &mut TcpStream, record: &Record, bytes: &[u8]) -> bool {
    match stream.write_all(bytes).await {
        Ok(()) => {
            record.sent.fetch_add(bytes.len() as u64, Ordering::SeqCst);
            true
        }
        Err(_) => false,
    }
}
