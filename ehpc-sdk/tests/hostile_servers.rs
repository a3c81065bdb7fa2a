//! The client against hostile servers on loopback: redirects to another
//! host, huge, endless and trickled bodies, error pages that echo the
//! signed request.

mod hostile;

use ehpc_sdk::operation::add_users::UserItem;
use ehpc_sdk::{Client, Error};
use hostile::{builder_for, recorder, serve, write_counted, Received, Record, TOKEN};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const MIB: usize = 1024 * 1024;

fn stop_call(client: &Client) -> ehpc_sdk::operation::stop_visual_service::StopVisualServiceCall {
    client
        .stop_visual_service()
        .cluster_id("ehpc-hz-FYUr32****")
        .cidr_ip("192.168.0.0/24")
        .port(12016)
}

// ---- redirects ----

#[tokio::test]
async fn redirects_are_not_followed_and_leak_nothing() {
    for status in [301, 302, 303, 307, 308] {
        let other = recorder().await;
        let target = format!(
            "http://{}/collect?Signature=sig&SecurityToken={TOKEN}#top",
            other.addr
        );
        let location = target.clone();
        let endpoint = serve(move |mut stream, _, _| {
            let location = location.clone();
            async move {
                let answer = format!(
                    "HTTP/1.1 {status} Moved\r\nLocation: {location}\r\n\
                     Content-Length: 0\r\nConnection: close\r\n\r\n"
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            }
        })
        .await;
        let client = builder_for(endpoint.addr).build().unwrap();
        // A GET operation and a POST one (307 and 308 would re-send its
        // signed body).
        let get = stop_call(&client).send().await.unwrap_err();
        let post = client
            .stop_serverless_jobs()
            .cluster_id("ehpc-hz-FYUr32****")
            .job_ids(vec!["job-1".into()])
            .send()
            .await
            .unwrap_err();
        for error in [get.to_string(), post.to_string()] {
            assert!(error.contains("redirect, not followed"), "{error}");
            assert!(!error.contains(TOKEN), "{error}");
        }
        let expected = format!("http://{}/collect", other.addr);
        assert_redirect_error(status, &get, &expected);
        assert_redirect_error(status, &post, &expected);
        assert_eq!(
            other.connections(),
            0,
            "{status}: the other host was reached"
        );
        assert!(other.requests().is_empty());
        let received = endpoint.requests();
        assert_eq!(received.len(), 2);
        assert!(received.iter().all(|r| r.header("referer").is_none()));
    }
}

fn assert_redirect_error<E>(status: u16, error: &Error<E>, location: &str)
where
    E: ehpc_sdk::operation_support::OperationError + std::fmt::Debug,
{
    let Error::Response(response) = error else {
        panic!("{status}: expected an unexpected-response error: {error:?}");
    };
    assert_eq!(response.status(), status);
    assert!(response.is_redirect());
    assert_eq!(response.location(), Some(location));
    assert_eq!(error.attempts(), 1, "{status}: a redirect is not retried");
    assert!(!format!("{error:?}").contains(TOKEN));
}

// ---- body size ----

/// Writes 64 KiB pieces until `total` bytes or until the client is gone.
async fn stream_body(stream: &mut TcpStream, record: &Record, total: usize, chunked: bool) {
    let piece = vec![b'x'; 64 * 1024];
    let mut written = 0;
    while written < total {
        let ok = if chunked {
            let mut framed = format!("{:x}\r\n", piece.len()).into_bytes();
            framed.extend_from_slice(&piece);
            framed.extend_from_slice(b"\r\n");
            write_counted(stream, record, &framed).await
        } else {
            write_counted(stream, record, &piece).await
        };
        if !ok {
            return;
        }
        written += piece.len();
    }
    if chunked {
        let _ = stream.write_all(b"0\r\n\r\n").await;
    }
}

/// How much a server may get written past the limit into the sockets'
/// buffers before it notices the client left.
const BUFFERS: u64 = 12 * MIB as u64;

/// What the hostile servers below offer: far more than the limit.
const OFFERED: usize = 128 * MIB;

async fn huge_answer(status: u16, announced: Option<u64>) -> hostile::Server {
    serve(move |mut stream, _: Received, record: Arc<Record>| async move {
        let framing = match announced {
            Some(length) => format!("Content-Length: {length}"),
            None => "Transfer-Encoding: chunked".to_string(),
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n"
        );
        if stream.write_all(head.as_bytes()).await.is_ok() {
            stream_body(&mut stream, &record, OFFERED, announced.is_none()).await;
        }
    })
    .await
}

#[tokio::test]
async fn a_huge_content_length_is_refused_before_reading() {
    let server = huge_answer(200, Some(1 << 30)).await;
    let client = builder_for(server.addr)
        .max_response_body(MIB)
        .build()
        .unwrap();
    let error = stop_call(&client).send().await.unwrap_err();
    let Error::Response(response) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(response.status(), 200);
    assert_eq!(response.body_limit_exceeded(), Some(MIB));
    assert_eq!(response.body_len(), 0, "nothing is read");
    assert!(
        error.to_string().contains("limit of 1048576 bytes"),
        "{error}"
    );
    let sent = server.sent_when_done().await;
    assert!(sent < BUFFERS, "the server wrote {sent} bytes");
}

#[tokio::test]
async fn a_huge_chunked_body_stops_at_the_limit() {
    let server = huge_answer(200, None).await;
    let client = builder_for(server.addr)
        .max_response_body(MIB)
        .build()
        .unwrap();
    let error = stop_call(&client).send().await.unwrap_err();
    let Error::Response(response) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(response.body_limit_exceeded(), Some(MIB));
    // Reading stopped with the first piece past the limit.
    assert!(response.body_len() > MIB && response.body_len() <= MIB + 64 * 1024 + 16);
    let sent = server.sent_when_done().await;
    assert!(sent < MIB as u64 + BUFFERS, "the server wrote {sent} bytes");
}

#[tokio::test]
async fn a_huge_5xx_body_is_read_once_up_to_the_limit_and_not_retried() {
    let server = huge_answer(500, None).await;
    let client = builder_for(server.addr)
        .max_response_body(MIB)
        .build()
        .unwrap();
    let error = stop_call(&client).send().await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.attempts(), 1);
    let sent = server.sent_when_done().await;
    assert_eq!(server.requests().len(), 1);
    assert!(sent < MIB as u64 + BUFFERS, "the server wrote {sent} bytes");
}

#[tokio::test]
async fn a_body_under_the_limit_in_many_pieces_is_read_whole() {
    let message = "m".repeat(900 * 1024);
    let body = format!(r#"{{"RequestId":"REQ-big","Message":"{message}"}}"#);
    let server = serve(move |mut stream, _, _| {
        let body = body.clone();
        async move {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            for piece in body.as_bytes().chunks(16 * 1024) {
                let _ = stream.write_all(piece).await;
                let _ = stream.flush().await;
            }
        }
    })
    .await;
    let client = builder_for(server.addr)
        .max_response_body(MIB)
        .build()
        .unwrap();
    let answer = stop_call(&client).send().await.unwrap();
    assert_eq!(answer.request_id, "REQ-big");
    assert_eq!(answer.message.unwrap().len(), 900 * 1024);
}

// ---- trickled answers ----

/// Writes `answer` one byte at a time, `pause` apart, until it is written
/// or the client is gone.
async fn trickle(stream: &mut TcpStream, record: &Record, answer: &[u8], pause: Duration) {
    for byte in answer {
        if !write_counted(stream, record, std::slice::from_ref(byte)).await {
            return;
        }
        let _ = stream.flush().await;
        tokio::time::sleep(pause).await;
    }
}

#[tokio::test]
async fn a_trickled_answer_ends_at_the_default_attempt_timeout() {
    let body = format!(
        r#"{{"RequestId":"REQ-slow","Message":"{}"}}"#,
        "s".repeat(400)
    );
    let whole_body = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // A trickled body, and a trickled head.
    for (answer, trickled_from) in [
        (whole_body.clone(), whole_body.find("\r\n\r\n").unwrap() + 4),
        (whole_body.clone(), 0),
    ] {
        let total = answer.len() as u64;
        let server = serve(move |mut stream, _, record| {
            let answer = answer.clone();
            async move {
                let (head, rest) = answer.as_bytes().split_at(trickled_from);
                if stream.write_all(head).await.is_ok() {
                    trickle(&mut stream, &record, rest, Duration::from_millis(10)).await;
                }
            }
        })
        .await;
        // Every read arrives well within the read timeout; only a deadline
        // over the whole answer ends this.
        let client = builder_for(server.addr)
            .connect_timeout(Duration::from_millis(100))
            .read_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let error = stop_call(&client).send().await.unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
        let sent = server.sent_when_done().await + trickled_from as u64;
        assert!(sent < total, "the whole answer ({total} bytes) was sent");
    }
}

// ---- echoing error pages ----

/// Answers `status` with `page(request)`.
async fn echoing(status: u16, page: fn(&Received) -> String) -> hostile::Server {
    serve(move |mut stream, request, _| async move {
        let body = page(&request);
        let answer = format!(
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(answer.as_bytes()).await;
    })
    .await
}

fn add_users(client: &Client) -> ehpc_sdk::operation::add_users::AddUsersCall {
    client
        .add_users()
        .cluster_id("ehpc-hz-FYUr32****")
        .user(vec![UserItem::new()
            .name("alice")
            .group("users")
            .password("Pw-never-shown-55")])
}

/// The secrets of the request the server received, as sent (encoded).
fn sent_secrets(request: &Received) -> Vec<String> {
    let mut secrets = vec![TOKEN.to_string(), "Pw-never-shown-55".to_string()];
    secrets.extend(request.param("Signature"));
    secrets.extend(request.param("SecurityToken"));
    secrets.extend(request.param("User.1.Password"));
    secrets
}

fn assert_hidden(shown: &str, request: &Received) {
    for secret in sent_secrets(request) {
        assert!(!shown.contains(&secret), "{secret} shown in {shown}");
    }
}

#[tokio::test]
async fn an_html_page_echoing_the_request_shows_no_secret() {
    let server = echoing(400, |request| {
        format!(
            "<html><body><h1>Bad gateway</h1><pre>{}</pre></body></html>",
            request.text()
        )
    })
    .await;
    let client = builder_for(server.addr).build().unwrap();
    let error = add_users(&client).send().await.unwrap_err();
    let request = &server.requests()[0];
    assert!(request.param("Signature").is_some());
    let Error::Response(response) = &error else {
        panic!("{error:?}");
    };
    assert!(response
        .body_prefix()
        .contains("AccessKeyId=LTAI-hostile-test"));
    assert!(response.body_prefix().contains("** redacted **"));
    for shown in [
        format!("{error}"),
        format!("{error:#}"),
        format!("{error:?}"),
        response.body_prefix().to_string(),
    ] {
        assert_hidden(&shown, request);
    }
}

#[tokio::test]
async fn a_service_error_echoing_the_request_shows_no_secret() {
    let server = echoing(400, |request| {
        let echo = request.text();
        let encoded = ehpc_sdk::signing::percent_encode(&echo);
        serde_json::json!({
            "Code": "IncompleteSignature",
            "Message": format!("server string to sign is:GET&%2F&{encoded}"),
            "RequestId": "REQ-echo",
            "Echo": echo,
            "Request": {
                "SecurityToken": request.param("SecurityToken"),
                "Signature": request.param("Signature"),
                "User.1.Password": request.param("User.1.Password"),
            },
        })
        .to_string()
    })
    .await;
    let client = builder_for(server.addr).build().unwrap();
    let error = add_users(&client).send().await.unwrap_err();
    let request = &server.requests()[0];
    let service = error.service_error().expect("a service error");
    assert_eq!(error.code(), Some("IncompleteSignature"));
    for shown in [
        format!("{error}"),
        format!("{error:#}"),
        format!("{error:?}"),
        format!("{service:?}"),
        serde_json::Value::Object(service.details().body().clone()).to_string(),
    ] {
        assert_hidden(&shown, request);
    }
    assert_eq!(
        service.details().body()["Request"]["Signature"],
        "** redacted **"
    );
}
