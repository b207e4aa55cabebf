//! An optional log sink: one line per HTTP attempt, retry and token fetch.
//!
//! Lines are built from methods, paths, status codes and timings only. As a second guard,
//! the logger also masks every configured secret before a line is written.

use crate::error::{ErrorKind, Result};
use crate::json::input::Fields;
use crate::secret::Secret;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

/// How much the library logs (`log.level`); each level includes those before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing.
    Off,
    /// Errors only.
    Error,
    /// Also what was refused or retried (an inbound request refused, a request retried).
    Warn,
    /// Also rare events worth knowing (a token fetched, a new connection pool after a fork).
    Info,
    /// Also every request attempt and its answer's status (never a secret).
    Debug,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Off => "OFF",
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }
}

/// Where log lines go (`log.file`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sink {
    /// Standard error.
    Stderr,
    /// Appended to this file.
    File(PathBuf),
}

/// The `log` section of the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogConfig {
    /// How much is logged.
    pub level: Level,
    /// Where it goes.
    pub sink: Sink,
}

impl LogConfig {
    /// Reads the `log` section of a configuration.
    pub fn read(f: &Fields) -> Result<LogConfig> {
        let Some(log) = f.opt_object("log")? else {
            return Ok(LogConfig {
                level: Level::Off,
                sink: Sink::Stderr,
            });
        };
        let level = match log.check_enum("level", &["off", "error", "warn", "info", "debug"])? {
            None | Some("info") => Level::Info,
            Some("off") => Level::Off,
            Some("error") => Level::Error,
            Some("warn") => Level::Warn,
            Some(_) => Level::Debug,
        };
        let sink = match log.opt_str("file")? {
            None | Some("stderr") => Sink::Stderr,
            Some("") => return Err(log.error("file", "must be a path or \"stderr\"")),
            Some(path) => Sink::File(PathBuf::from(path)),
        };
        Ok(LogConfig { level, sink })
    }
}

/// No lock guards the sinks: a lock held by another thread when a PHP-FPM master forks would
/// stay locked in the child forever. Each line is one `write` to a file opened for appending
/// (the kernel keeps such writes whole), or to a fresh duplicate of standard error (std's
/// `stderr()` takes a process-wide lock).
pub struct Logger {
    level: Level,
    file: Option<File>,
    secrets: Vec<Secret>,
}

impl Logger {
    /// A logger that masks `secrets` in every line it writes.
    pub fn new(config: &LogConfig, secrets: Vec<Secret>) -> Result<Logger> {
        let file = match (&config.sink, config.level) {
            (_, Level::Off) | (Sink::Stderr, _) => None,
            (Sink::File(path), _) => {
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| {
                        crate::error::Error::new(
                            ErrorKind::Config,
                            format!("log.file {} cannot be opened: {e}", path.display()),
                        )
                    })?;
                Some(file)
            }
        };
        Ok(Logger {
            level: config.level,
            file,
            secrets: secrets
                .into_iter()
                .filter(|s| !s.expose().is_empty())
                .collect(),
        })
    }

    /// Whether a line of `level` would be written.
    pub fn enabled(&self, level: Level) -> bool {
        level != Level::Off && level <= self.level
    }

    /// Writes one line, with every secret masked.
    pub fn log(&self, level: Level, message: impl AsRef<str>) {
        if !self.enabled(level) {
            return;
        }
        let mut line = format!(
            "{} vipps {} {}\n",
            timestamp(),
            level.name(),
            message.as_ref()
        );
        for secret in &self.secrets {
            if line.contains(secret.expose()) {
                line = line.replace(secret.expose(), "***");
            }
        }
        // A failing log write must never fail a payment, so write errors are ignored.
        match &self.file {
            Some(file) => {
                let _ = (&*file).write_all(line.as_bytes());
            }
            None => {
                if let Ok(fd) = std::io::stderr().as_fd().try_clone_to_owned() {
                    let _ = File::from(fd).write_all(line.as_bytes());
                }
            }
        }
    }
}

fn timestamp() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:03}", now.as_secs(), now.subsec_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_and_levels_filter() {
        let path = std::env::temp_dir().join(format!("vipps-log-test-{}.log", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let config = LogConfig {
            level: Level::Info,
            sink: Sink::File(path.clone()),
        };
        let logger = Logger::new(&config, vec![Secret::new("TOPSECRET")]).unwrap();
        logger.log(Level::Info, "token TOPSECRET refreshed");
        logger.log(Level::Debug, "not written");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("token *** refreshed"), "{text}");
        assert!(!text.contains("TOPSECRET"));
        assert!(!text.contains("not written"));
        let _ = std::fs::remove_file(&path);
    }
}
