//! `fapi-server [--config FILE]`: runs one instance until Ctrl-C.

use std::{path::PathBuf, process::ExitCode};

use clap::Parser;
use fapi_server::{config::Settings, Server};
use tracing_subscriber::EnvFilter;

/// A self-hostable Clerk Frontend API: sign-up, sign-in, two-step verification.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Instance settings (TOML). Without it, the embedded development defaults.
    #[arg(long, short, env = "FAPI_CONFIG")]
    config: Option<PathBuf>,
    /// Print the effective settings as TOML and exit: the file's, with what the
    /// dashboard saved in the database on top.
    #[arg(long)]
    print_config: bool,
    /// Forget the settings the dashboard saved (the file's apply again; its webhook
    /// endpoints and JWT templates stay) and exit.
    #[arg(long)]
    forget_saved_settings: bool,
    /// Read a password from standard input, print its Argon2id hash (for
    /// `[dashboard] admins`) and exit.
    #[arg(long)]
    hash_password: bool,
    /// Make a new session-signing key in the database and exit: the next start signs
    /// with it, and publishes the old one until its last token has expired.
    #[arg(long)]
    rotate_signing_key: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        .init();
    let cli = Cli::parse();
    if cli.hash_password {
        let mut line = String::new();
        if let Err(e) = std::io::stdin().read_line(&mut line) {
            eprintln!("fapi-server: reading the password: {e}");
            return ExitCode::FAILURE;
        }
        let password = line.trim_end_matches(['\r', '\n']);
        if password.chars().count() < 12 {
            eprintln!("fapi-server: an administrator's password needs at least 12 characters");
            return ExitCode::from(2);
        }
        println!("{}", fapi_server::passwords::hash_now(password));
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fapi-server: {e}");
            return ExitCode::from(2);
        }
    };
    if cli.forget_saved_settings {
        return match fapi_server::forget_saved_settings(&settings).await {
            Ok(n) => {
                println!("forgot {n} saved settings: the config file's apply again (running instances within a second)");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("fapi-server: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if cli.print_config {
        let settings = match fapi_server::effective_settings(&settings).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("fapi-server: {e}");
                return ExitCode::FAILURE;
            }
        };
        match settings.printable() {
            Ok(text) => {
                print!("{text}");
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                eprintln!("fapi-server: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if cli.rotate_signing_key {
        return match fapi_server::rotate_signing_key(&settings).await {
            Ok(kid) => {
                println!("new signing key {kid}: restart fapi-server to sign with it");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("fapi-server: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match Server::start(settings).await {
        Ok(server) => {
            // Tools (xtask, tests) read this line to learn the bound port.
            println!("fapi-server listening on http://{}", server.addr());
            server.wait().await;
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fapi-server: {e}");
            ExitCode::FAILURE
        }
    }
}
