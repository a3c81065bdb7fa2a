//! Stops the VNC visualization service of an E-HPC cluster.
//!
//! ```text
//! ALIBABA_CLOUD_ACCESS_KEY_ID=… ALIBABA_CLOUD_ACCESS_KEY_SECRET=… \
//!   cargo run -p ehpc-sdk --example stop_visual_service -- \
//!   --cluster-id ehpc-hz-jeJki6**** --cidr-ip 192.168.0.0/24 --region cn-hangzhou
//! ```
//!
//! `--endpoint URL` sends the request elsewhere (a local emulator, a proxy).
//! `ALIBABA_CLOUD_SECURITY_TOKEN` is sent when set (temporary keys).
//!
//! Without the variables, credentials come from the rest of the default
//! chain: a CLI profile (`~/.aliyun/config.json`, `ALIBABA_CLOUD_CONFIG_FILE`,
//! `ALIBABA_CLOUD_PROFILE`; a `RamRoleArn` profile assumes its role through
//! STS), the INI file `~/.alibabacloud/credentials`, or the ECS instance's
//! RAM role. Without `--region`, the region comes from
//! `ALIBABA_CLOUD_REGION_ID` or the profile's `region_id`.

use ehpc_sdk::ClientBuilder;
use std::process::ExitCode;

const USAGE: &str = "usage: stop_visual_service --cluster-id ID --cidr-ip CIDR [--port 12016] \
[--region REGION] [--endpoint URL]
credentials: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, \
optional ALIBABA_CLOUD_SECURITY_TOKEN; else the CLI profile, the credentials file \
or the ECS RAM role";

struct Args {
    cluster_id: String,
    cidr_ip: String,
    port: i32,
    region: Option<String>,
    endpoint: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut cluster_id, mut cidr_ip, mut region, mut endpoint) = (None, None, None, None);
    let mut port = 12016;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--cluster-id" => cluster_id = Some(value()?),
            "--cidr-ip" => cidr_ip = Some(value()?),
            "--port" => {
                let text = value()?;
                port = text
                    .parse()
                    .map_err(|_| format!("--port: `{text}` is not a port number"))?;
            }
            "--region" => region = Some(value()?),
            "--endpoint" => endpoint = Some(value()?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        cluster_id: cluster_id.ok_or("--cluster-id is required")?,
        cidr_ip: cidr_ip.ok_or("--cidr-ip is required")?,
        port,
        region,
        endpoint,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Region and credentials not given on the command line come from the
    // environment: variables first, then the default chain's files.
    let mut builder = ClientBuilder::from_env();
    if let Some(region) = args.region {
        builder = builder.region(region);
    }
    if let Some(endpoint) = args.endpoint {
        builder = builder.endpoint(endpoint);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let result = client
        .stop_visual_service()
        .cluster_id(args.cluster_id)
        .cidr_ip(args.cidr_ip)
        .port(args.port)
        .send()
        .await;
    match result {
        Ok(answer) => {
            println!(
                "{} (request id {})",
                answer.message.as_deref().unwrap_or("done"),
                answer.request_id
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
