//! A throwaway PostgreSQL for the tests: a fresh cluster in the temp folder,
//! trust authentication on loopback only, stopped and deleted when dropped. Set
//! `FAPI_TEST_POSTGRES_URL` to use a server of your own instead.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use super::{apt_install, describe, free_port, output_of, Result};

/// A running cluster (or the one named in the environment) and its URL.
pub struct Postgres {
    pub url: String,
    cluster: Option<Cluster>,
}

struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let mut stop = self.command("pg_ctl");
        stop.arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let _ = stop.status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Cluster {
    /// `initdb` refuses to run as root: as root, the cluster belongs to `postgres`.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    }

    fn run(&self, program: &str, args: &[&str]) -> Result {
        let mut c = self.command(program);
        c.args(args).stdout(Stdio::null());
        eprintln!("xtask: $ {}", describe(&c));
        let status = c.status().map_err(|e| format!("{program}: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` failed ({status})", describe(&c)))
        }
    }
}

impl Postgres {
    /// `FAPI_TEST_POSTGRES_URL` if set; else a new cluster, installing Debian's
    /// `postgresql` package where no PostgreSQL is installed.
    pub fn start(root: &Path) -> Result<Postgres> {
        if let Ok(url) = std::env::var("FAPI_TEST_POSTGRES_URL") {
            if !url.is_empty() {
                return Ok(Postgres { url, cluster: None });
            }
        }
        let bin = match installed_bin() {
            Some(bin) => bin,
            None => {
                apt_install(root, &["postgresql"])?;
                installed_bin().ok_or("PostgreSQL installed, but no initdb found")?
            }
        };
        let as_postgres = output_of("id", &["-u"]).is_some_and(|u| u.trim() == "0");
        // Under /tmp, which the postgres user can reach (a checkout under /root it
        // cannot).
        let dir = std::env::temp_dir().join(format!("fapi-postgres-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if as_postgres {
            // The cluster's folder (and the socket beside it) belongs to postgres.
            let mut chown = Command::new("chown");
            chown.arg("postgres").arg(&dir);
            super::run(root, chown)?;
        }
        let port = free_port()?;
        let cluster = Cluster {
            bin,
            dir: dir.clone(),
            as_postgres,
        };
        let data = dir.join("data");
        let data = data.to_string_lossy();
        cluster.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "-E", "UTF8"],
        )?;
        let log = dir.join("log");
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300",
            dir.display()
        );
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-l",
                &log.to_string_lossy(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        )?;
        Ok(Postgres {
            url: format!("postgres://postgres@127.0.0.1:{port}"),
            cluster: Some(cluster),
        })
    }

    /// Whether this is a cluster of our own (stopped when dropped).
    pub fn is_throwaway(&self) -> bool {
        self.cluster.is_some()
    }
}

/// The newest installed PostgreSQL's programs, Debian's layout.
fn installed_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}
