//! `acs`: a TR-069 ACS. CPEs connect on `--listen`; devices, their
//! parameters, queued tasks and session history live in an SQLite file
//! (`--db`); a JSON API on `--api` lists devices and queues tasks:
//!
//! * `GET /devices`, `GET /devices/{id}` (parameters, tasks with results, sessions);
//! * `POST /devices/{id}/tasks` with a task such as
//!   `{"method": "GetParameterValues", "parameterNames": ["Device.DeviceInfo.UpTime"]}`.
//!
//! `acs task DEVICE JSON` queues the same task from the command line. A log
//! line per session event goes to stdout.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::{Parser, Subcommand};
use cwmp_examples::acs::cwmp::Acs;
use cwmp_examples::acs::http::{bind, serve_api, serve_cpes};
use cwmp_examples::acs::store::{SqliteStore, Store};
use cwmp_examples::acs::task::Task;
use cwmp_session::acs::AcsConfig;

/// A TR-069 ACS with an SQLite store and a JSON management API.
#[derive(Parser, Debug)]
#[command(name = "acs", version)]
struct Args {
    /// The SQLite database file.
    #[arg(long, default_value = "acs.db", global = true)]
    db: PathBuf,
    /// Where CPEs connect.
    #[arg(long, default_value = "127.0.0.1:7547")]
    listen: SocketAddr,
    /// Where the management API listens.
    #[arg(long, default_value = "127.0.0.1:7557")]
    api: SocketAddr,
    /// CPEs authenticate with HTTP Digest as this user (with
    /// `--cpe-password`); without it CPEs are not authenticated (lab use).
    #[arg(long, requires = "cpe_password")]
    cpe_username: Option<String>,
    /// The CPEs' password (see `--cpe-username`).
    #[arg(long, requires = "cpe_username")]
    cpe_password: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Queues a task for DEVICE (its id, `OUI-ProductClass-SerialNumber`)
    /// in the database; it runs in the device's next session.
    Task {
        /// The device id.
        device: String,
        /// The task as JSON, e.g. '{"method":"Reboot"}'.
        task: String,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut store = match SqliteStore::open(&args.db) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("acs: cannot open {}: {e}", args.db.display());
            return ExitCode::FAILURE;
        }
    };
    if let Some(Command::Task { device, task }) = args.command {
        let task = match serde_json::from_str(&task)
            .map_err(|e| e.to_string())
            .and_then(|v| Task::from_json(&v).map_err(|e| e.to_string()))
        {
            Ok(t) => t,
            Err(why) => {
                eprintln!("acs: bad task: {why}");
                return ExitCode::from(2);
            }
        };
        return match store.queue_task(&device, &task) {
            Ok(Some(id)) => {
                println!("task {id} queued for {device}");
                ExitCode::SUCCESS
            }
            Ok(None) => {
                eprintln!("acs: no device {device:?} in {}", args.db.display());
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("acs: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let credentials = args.cpe_username.zip(args.cpe_password).map(|(u, p)| (u, p.into_bytes()));
    let acs = Arc::new(Mutex::new(Acs::new(Box::new(store), AcsConfig::new("cwmp-rs acs"), credentials)));
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("acs: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let (cpes, api) = match (bind(args.listen).await, bind(args.api).await) {
            (Ok(c), Ok(a)) => (c, a),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("acs: {e}");
                return ExitCode::FAILURE;
            }
        };
        let (c, a) = (cpes.local_addr(), api.local_addr());
        println!("acs: CPEs on {}, API on {}, database {}", fmt_addr(c), fmt_addr(a), args.db.display());
        tokio::spawn(serve_api(api, acs.clone()));
        serve_cpes(cpes, acs).await;
        ExitCode::SUCCESS
    })
}

fn fmt_addr(a: std::io::Result<SocketAddr>) -> String {
    a.map_or_else(|e| e.to_string(), |a| a.to_string())
}
