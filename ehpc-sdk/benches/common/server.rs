//! The loopback server of the per-call bench: it answers every request
//! head with one fixed JSON body over keep-alive connections and checks
//! nothing, so no signature work happens on the server.

use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The answer to every request.
pub const BODY: &str =
    r#"{"Message":"Service stopped","RequestId":"896D338C-E4F4-41EC-A154-D605E5DE6880"}"#;

/// Starts the answering server on its own thread and runtime.
pub fn start() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let address = listener.local_addr().expect("local address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("tokio listener");
            loop {
                let (stream, _) = listener.accept().await.expect("accept");
                tokio::spawn(answer_connection(stream));
            }
        });
    });
    address
}

/// Answers every request head on the connection with the fixed body until
/// the peer closes it. Requests carry no bodies (GETs, and POSTs whose
/// parameters all travel in the query).
async fn answer_connection(mut stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json;charset=utf-8\r\n\
         x-acs-request-id: 896D338C-E4F4-41EC-A154-D605E5DE6880\r\n\
         content-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let mut buffer = vec![0u8; 16 * 1024];
    let mut filled = 0;
    loop {
        match stream.read(&mut buffer[filled..]).await {
            Ok(0) | Err(_) => return,
            Ok(read) => filled += read,
        }
        let mut consumed = 0;
        while let Some(end) = find_head_end(&buffer[consumed..filled]) {
            consumed += end;
            if stream.write_all(response.as_bytes()).await.is_err() {
                return;
            }
        }
        buffer.copy_within(consumed..filled, 0);
        filled -= consumed;
        assert!(filled < buffer.len(), "request head larger than the buffer");
    }
}

/// Length up to and including the blank line ending the first head.
fn find_head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}
