//! Starting and stopping the emulator, and the handle tests hold.

use crate::http::router::{self, MAX_HEAD_BYTES};
use crate::model::Settings;
use crate::services::{credentials_uri, ehpc, sts};
use crate::spec::{Catalog, SpecError};
use crate::state::{
    lock, AccessKey, EndpointFault, Fault, FaultError, FlowError, Limits, MetadataRecord, Qps,
    RequestRecord, State, StateError, Times, DEFAULT_REQUEST_LOG_CAPACITY,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

/// Access key id accepted when none is configured.
pub const DEFAULT_ACCESS_KEY_ID: &str = "emulator-key";
/// Secret of [`DEFAULT_ACCESS_KEY_ID`].
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "emulator-secret";

/// A client that does not finish its request head in this time is
/// disconnected.
const HEAD_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// What a connection over the cap gets, without its request being read.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\n\
content-length: 33\r\nconnection: close\r\n\r\ntoo many connections; retry later\n";

/// The issuer STS `AssumeRoleWithOIDC` accepts tokens from unless
/// [`EmulatorBuilder::oidc_issuer`] or [`EmulatorBuilder::add_oidc_issuer`]
/// says otherwise.
pub const DEFAULT_OIDC_ISSUER: &str = "https://oidc-ack.emulator.invalid/clusters/emulator";

/// Configures an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    keys: Vec<AccessKey>,
    specs_dir: Option<PathBuf>,
    /// Empty: [`DEFAULT_OIDC_ISSUER`].
    oidc_issuers: Vec<String>,
    log_capacity: usize,
    settings: Settings,
    limits: Limits,
    qps: BTreeMap<String, Qps>,
    api_qps: BTreeMap<String, Qps>,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            keys: Vec::new(),
            specs_dir: None,
            oidc_issuers: Vec::new(),
            log_capacity: DEFAULT_REQUEST_LOG_CAPACITY,
            settings: Settings::default(),
            limits: Limits::default(),
            qps: BTreeMap::new(),
            api_qps: BTreeMap::new(),
        }
    }
}

impl EmulatorBuilder {
    /// Address to listen on; `127.0.0.1:0` (a free loopback port) unless
    /// set.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Accepts this access key. When no key is configured,
    /// [`DEFAULT_ACCESS_KEY_ID`] / [`DEFAULT_ACCESS_KEY_SECRET`] is.
    pub fn access_key(mut self, key: AccessKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Serves the specs of this directory (laid out like `specs/`) instead
    /// of those compiled in.
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.specs_dir = Some(dir.into());
        self
    }

    /// The `iss` an OIDC token must carry for `AssumeRoleWithOIDC`
    /// (default [`DEFAULT_OIDC_ISSUER`]): tokens from this issuer only,
    /// in place of any set before.
    pub fn oidc_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.oidc_issuers = vec![issuer.into()];
        self
    }

    /// Accepts OIDC tokens from `issuer` too, beside those added before
    /// (the first one added replaces [`DEFAULT_OIDC_ISSUER`]), as for pods
    /// of several clusters, each with its own RRSA issuer, assuming roles
    /// from one emulator. [`Emulator::oidc_token`] uses the first.
    pub fn add_oidc_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.oidc_issuers.push(issuer.into());
        self
    }

    /// How many requests the log keeps, the most recent ones
    /// ([`DEFAULT_REQUEST_LOG_CAPACITY`] unless set; 0 keeps none), so a
    /// long run keeps its memory flat.
    pub fn request_log_capacity(mut self, capacity: usize) -> Self {
        self.log_capacity = capacity;
        self
    }

    /// Connections served at once, [`crate::DEFAULT_MAX_CONNECTIONS`]
    /// unless set; a connection over the cap is answered 503 and closed.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.limits.max_connections = max.max(1);
        self
    }

    /// Time a client has to send a whole request body,
    /// [`crate::DEFAULT_BODY_READ_TIMEOUT`] unless set; a slower one is
    /// answered 408 and disconnected.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_read_timeout = timeout;
        self
    }

    /// Answers every operation from its spec's examples, the stateful
    /// ones too, as for a test of parameters and encodings that sends
    /// requests about resources that do not exist.
    pub fn examples_only(mut self) -> Self {
        self.limits.stateful = false;
        self
    }

    /// How long resources take to change phase, and how jobs end.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Limits each caller (account and region) to `limit` calls of
    /// `action`; over it, calls are refused with `Throttling.User`. The
    /// same as `--qps ACTION=RATE[:BURST]`.
    pub fn qps(mut self, action: impl Into<String>, limit: Qps) -> Self {
        self.qps.insert(action.into(), limit);
        self
    }

    /// Limits all callers together to `limit` calls of `action`; over it,
    /// calls are refused with `Throttling.Api`.
    pub fn api_qps(mut self, action: impl Into<String>, limit: Qps) -> Self {
        self.api_qps.insert(action.into(), limit);
        self
    }

    /// Loads the specs, binds and starts serving on the current tokio
    /// runtime.
    pub async fn start(self) -> Result<Emulator, StartError> {
        let catalog = match &self.specs_dir {
            Some(dir) => Catalog::from_dir(dir)?,
            None => Catalog::embedded()?,
        };
        let mut keys = self.keys;
        if keys.is_empty() {
            keys.push(AccessKey::new(
                DEFAULT_ACCESS_KEY_ID,
                DEFAULT_ACCESS_KEY_SECRET,
            ));
        }
        let listener = TcpListener::bind(self.listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: self.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: self.listen,
            source,
        })?;
        let mut oidc_issuers = self.oidc_issuers;
        if oidc_issuers.is_empty() {
            oidc_issuers.push(DEFAULT_OIDC_ISSUER.to_string());
        }
        let state = Arc::new(State::new(
            catalog,
            keys,
            oidc_issuers,
            self.log_capacity,
            self.limits,
        ));
        state.model().settings = self.settings;
        state.set_qps(self.qps, self.api_qps)?;
        let (shutdown, stopped) = watch::channel(false);
        tokio::spawn(accept(listener, Arc::clone(&state), stopped));
        Ok(Emulator {
            addr,
            state,
            shutdown,
        })
    }
}

/// A running emulator. Dropping it stops it: it accepts no more
/// connections and closes open ones once their request is answered.
pub struct Emulator {
    addr: SocketAddr,
    pub(crate) state: Arc<State>,
    shutdown: watch::Sender<bool>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .field("operations", &self.operations())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts one with the defaults: embedded specs, the default key, a
    /// free loopback port.
    pub async fn start() -> Result<Emulator, StartError> {
        Emulator::builder().start().await
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to give a client as its endpoint, e.g. `http://127.0.0.1:40123`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The served actions, sorted.
    pub fn operations(&self) -> Vec<String> {
        self.state
            .catalog
            .operation_names()
            .map(str::to_string)
            .collect()
    }

    /// The specs served.
    pub fn catalog(&self) -> &Catalog {
        &self.state.catalog
    }

    /// Makes calls of `action` go wrong. Faults apply after the request
    /// passed the gateway's checks (signature, timestamp, nonce), before
    /// the operation's parameters are looked at; several set for one
    /// action are used in the order they were set.
    pub fn inject(&self, action: &str, fault: Fault, times: Times) -> Result<(), FaultError> {
        self.state.inject(action, fault, times)
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.state.faults().clear();
    }

    /// The RPC requests received so far, oldest first: the most recent
    /// ones, up to the log's capacity
    /// ([`EmulatorBuilder::request_log_capacity`]).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.log().records()
    }

    /// Requests the log no longer holds, dropped at its capacity since it
    /// was last cleared.
    pub fn requests_dropped(&self) -> u64 {
        self.state.log().dropped()
    }

    pub fn clear_requests(&self) {
        self.state.log().clear();
    }

    /// Makes every temporary key issued so far expire now, as if their
    /// lifetime had passed: calls signed with them are refused with
    /// `InvalidSecurityToken.Expired`.
    pub fn expire_temporary_keys(&self) {
        self.state.issued.expire_all(SystemTime::now());
    }

    /// Every request the metadata service received, oldest first.
    pub fn metadata_requests(&self) -> Vec<MetadataRecord> {
        lock(&self.state.metadata.log).clone()
    }

    /// An OIDC token (an unsigned JWT) from the (first) configured issuer
    /// for `subject`, valid for an hour: what `AssumeRoleWithOIDC` accepts.
    pub fn oidc_token(&self, subject: &str) -> String {
        sts::oidc_token(
            &self.state.oidc_issuers[0],
            subject,
            Duration::from_secs(3600),
        )
    }

    /// An OIDC token from any `issuer`, valid for `lifetime` (zero for one
    /// that has expired).
    pub fn oidc_token_from(issuer: &str, subject: &str, lifetime: Duration) -> String {
        sts::oidc_token(issuer, subject, lifetime)
    }

    /// Makes the metadata service fail as `fault` says until called with
    /// `None`; [`EndpointFault::RefuseToken`] switches to the token-less
    /// flow.
    pub fn set_metadata_fault(&self, fault: Option<EndpointFault>) {
        *lock(&self.state.metadata.fault) = fault;
    }

    /// The URL of the credentials-URI endpoint, for
    /// `ALIBABA_CLOUD_CREDENTIALS_URI`.
    pub fn credentials_uri(&self) -> String {
        format!("{}{}/role", self.endpoint(), credentials_uri::PREFIX)
    }

    /// Makes the credentials URI fail as `fault` says until called with
    /// `None`.
    pub fn set_credentials_uri_fault(&self, fault: Option<EndpointFault>) {
        *lock(&self.state.credentials_uri.fault) = fault;
    }

    /// How many requests the credentials URI received.
    pub fn credentials_uri_requests(&self) -> usize {
        self.state
            .credentials_uri
            .requests
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Moves the emulator's clock on by `by` (whole seconds): resources
    /// whose phase lasts less than that move on, as if the time had
    /// passed. The same as `POST /__emulator/clock` with
    /// `{"advance_seconds": N}`.
    pub fn advance_clock(&self, by: Duration) {
        self.state.clock.advance(by.as_secs());
    }

    /// The emulator's clock, in seconds since the Unix epoch: real time
    /// plus every advance.
    pub fn clock_now(&self) -> u64 {
        self.state.clock.now()
    }

    /// The actions answered from the resource model rather than from
    /// their examples, in any API version, sorted.
    pub fn stateful_operations() -> Vec<&'static str> {
        let mut names: Vec<&str> = ehpc::STATEFUL
            .iter()
            .flat_map(|(_, names)| names.iter().copied())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The actions of API `version` answered from the resource model,
    /// sorted; empty for a version with none.
    pub fn stateful_operations_in(version: &str) -> Vec<&'static str> {
        let mut names: Vec<&str> = ehpc::STATEFUL
            .iter()
            .filter(|(v, _)| *v == version)
            .flat_map(|(_, names)| names.iter().copied())
            .collect();
        names.sort_unstable();
        names
    }

    /// Every resource, the settings and the clock's advance, as JSON; what
    /// [`Emulator::load_state`] and `--state FILE` read.
    pub fn dump_state(&self) -> String {
        self.state.dump()
    }

    /// Replaces every resource, the settings and the clock's advance with
    /// those of `json`. A document that does not parse changes nothing;
    /// the error gives its line and column.
    pub fn load_state(&self, json: &str) -> Result<(), StateError> {
        self.state.load(json)
    }

    /// How long resources take to change phase, and how jobs end.
    pub fn settings(&self) -> Settings {
        self.state.model().settings
    }

    /// Changes the settings; phases already entered keep their start.
    pub fn set_settings(&self, settings: Settings) {
        self.state.model().settings = settings;
    }

    /// The per-caller limits, by action ([`EmulatorBuilder::qps`]).
    pub fn qps(&self) -> BTreeMap<String, Qps> {
        self.state.flow().user_limits().clone()
    }

    /// The limits across accounts, by action ([`EmulatorBuilder::api_qps`]).
    pub fn api_qps(&self) -> BTreeMap<String, Qps> {
        self.state.flow().api_limits().clone()
    }

    /// Sets or (with `None`) removes the per-caller limit of `action`.
    /// Every bucket starts full again.
    pub fn set_qps(&self, action: &str, limit: Option<Qps>) -> Result<(), FlowError> {
        let mut user = self.qps();
        match limit {
            Some(limit) => user.insert(action.to_string(), limit),
            None => user.remove(action),
        };
        self.state.set_qps(user, self.api_qps())
    }

    /// Sets or removes the limit of `action` across accounts.
    pub fn set_api_qps(&self, action: &str, limit: Option<Qps>) -> Result<(), FlowError> {
        let mut api = self.api_qps();
        match limit {
            Some(limit) => api.insert(action.to_string(), limit),
            None => api.remove(action),
        };
        self.state.set_qps(self.qps(), api)
    }

    /// Stops accepting connections. Also done on drop.
    pub fn shutdown(&self) {
        // No receiver left means everything has stopped already.
        let _ = self.shutdown.send(true);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The emulator could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The specs could not be loaded.
    Specs(SpecError),
    /// The address could not be bound.
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// A flow-control limit cannot be set.
    Flow(FlowError),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Specs(error) => write!(f, "{error}"),
            StartError::Bind { addr, source } => write!(f, "cannot listen on {addr}: {source}"),
            StartError::Flow(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Specs(error) => Some(error),
            StartError::Bind { source, .. } => Some(source),
            StartError::Flow(error) => Some(error),
        }
    }
}

impl From<FlowError> for StartError {
    fn from(error: FlowError) -> Self {
        StartError::Flow(error)
    }
}

impl From<SpecError> for StartError {
    fn from(error: SpecError) -> Self {
        StartError::Specs(error)
    }
}

async fn accept(listener: TcpListener, state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(state.limits.max_connections));
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => match Arc::clone(&slots).try_acquire_owned() {
                    Ok(slot) => {
                        tokio::spawn(serve(stream, Arc::clone(&state), stopped.clone(), slot));
                    }
                    // Full: say so if the socket takes it now, and close.
                    Err(_) => {
                        let _ = stream.try_write(BUSY);
                    }
                },
                // Out of file descriptors and the like: pause rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            _ = stopped.changed() => return,
        }
    }
}

/// Serves one connection; `_slot` is its place under the connection cap,
/// given back when it ends.
async fn serve(
    stream: TcpStream,
    state: Arc<State>,
    mut stopped: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| router::route(Arc::clone(&state), request));
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_READ_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    // Errors here are the client's (garbage, early close) or a dropped
    // connection asked for by a fault; either way only this connection ends.
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = stopped.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
