//! The command line, as in ../shared/INTERFACES.md.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "boundary",
    version,
    about = "A tamper-evident, encrypted log of unwanted contact from a patient."
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The data folder: database (SQLite), master key and signing key.
    #[arg(
        long,
        global = true,
        env = "BOUNDARY_DATA",
        default_value = "./boundary-data"
    )]
    pub data: PathBuf,
    /// A postgres:// URL to use PostgreSQL instead of SQLite in the data folder.
    #[arg(
        long,
        global = true,
        env = "BOUNDARY_DATABASE_URL",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// Print one JSON object instead of plain text.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(flatten)]
    pub files: FileStorage,
}

/// Where attached files are kept: the data folder, unless a bucket is named. Several
/// servers sharing one PostgreSQL database need a bucket. The bucket's credentials come
/// from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` in the environment.
#[derive(Debug, clap::Args)]
pub(crate) struct FileStorage {
    /// An S3-compatible bucket for attached files, instead of the data folder.
    #[arg(long, global = true, env = "BOUNDARY_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// The bucket's server, for anything but AWS, e.g. https://minio.example.org:9000.
    #[arg(
        long,
        global = true,
        env = "BOUNDARY_S3_ENDPOINT",
        requires = "s3_bucket"
    )]
    pub s3_endpoint: Option<String>,
    /// The bucket's region (default: AWS_REGION, else us-east-1).
    #[arg(
        long,
        global = true,
        env = "BOUNDARY_S3_REGION",
        requires = "s3_bucket"
    )]
    pub s3_region: Option<String>,
    /// A folder inside the bucket for Boundary's files.
    #[arg(
        long,
        global = true,
        env = "BOUNDARY_S3_PREFIX",
        requires = "s3_bucket"
    )]
    pub s3_prefix: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the web app and API. On an empty store, first set it up and print a one-time set-up link.
    Serve {
        #[command(flatten)]
        front: FrontArgs,
        #[command(flatten)]
        tsa: TsaArgs,
        #[command(flatten)]
        sessions: SessionArgs,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Create the data folder, the master key, the log signing key and the schema.
    Init,
    /// Organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Members.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Personal access tokens for the API.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Rebuild every projection from the events.
    Rebuild,
    /// Recompute every leaf and the tree from what is stored and check every kept checkpoint;
    /// or, with --bundle, check an evidence bundle. Exit status: 0 verified, 1 a check failed,
    /// 2 a mistake in the command, 3 a bundle that checks out but whose origin is not
    /// established by a key, checkpoint or receipt you hold.
    Verify {
        /// Also check consistency with a checkpoint (signed note) held elsewhere; with
        /// --bundle, that the bundle's log grew from it.
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
        /// Also check one entry's receipt (JSON, as downloaded); with --bundle, that the
        /// entry is in the bundle unchanged and the log grew from the receipt's checkpoint.
        #[arg(long, value_name = "FILE")]
        receipt: Option<PathBuf>,
        /// Check an evidence bundle (.zip) instead, with no database and no network.
        #[arg(long, value_name = "FILE")]
        bundle: Option<PathBuf>,
        /// With --bundle: the log's verifier key you trust (C2SP vkey), obtained separately.
        /// Without it (or --against, or --receipt) a bundle that checks out exits 3: its
        /// origin is not established.
        #[arg(long, value_name = "VKEY", requires = "bundle")]
        vkey: Option<String>,
        /// With --bundle: the timestamping authority's own certificate (PEM) to check the
        /// bundle's timestamp against, instead of the certificate the bundle carries.
        #[arg(long, value_name = "FILE", requires = "bundle")]
        tsa_cert: Option<PathBuf>,
    },
    /// Make one case's evidence pack (PDF) or verifiable bundle (zip), as its owner would
    /// from the case page; recorded in the case's access history as made from the command
    /// line. Progress goes to stderr.
    Export {
        /// The case's id.
        #[arg(long)]
        case: String,
        /// `pdf` (the evidence pack) or `bundle` (the verifiable zip, with the pack in it).
        #[arg(long)]
        format: String,
        /// Where to write it; an existing file is not overwritten.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The first day of contacts to include (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// The last day of contacts to include (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// An entry or attached file to withhold (its id); repeat for more.
        #[arg(long, value_name = "ID")]
        withhold: Vec<String>,
        /// Why they are withheld, shown in the pack and the bundle.
        #[arg(long)]
        reason: Option<String>,
        /// Keep the records of who looked at the case (with their addresses) in the bundle.
        #[arg(long)]
        access_records: bool,
    },
    /// Master key management.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Print the latest signed checkpoint; with --vkey, the verifier key.
    Checkpoint {
        #[arg(long)]
        vkey: bool,
    },
    /// Print performance figures, each beside its comparison measured in the same run.
    Bench {
        /// How many entries to log for the measurement.
        #[arg(long, default_value_t = 2000)]
        entries: usize,
        /// How many events the ledger figures use.
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
    },
}

/// Trusted timestamps (RFC 3161) for checkpoints.
#[derive(Debug, Args)]
pub(crate) struct TsaArgs {
    /// The timestamping authority's URL (http).
    #[arg(long, env = "BOUNDARY_TSA_URL", requires = "tsa_cert")]
    pub tsa_url: Option<String>,
    /// The TSA's certificate (PEM), whose signature tokens must carry.
    #[arg(long, env = "BOUNDARY_TSA_CERT", value_name = "FILE")]
    pub tsa_cert: Option<PathBuf>,
    /// At most one timestamp per this many seconds.
    #[arg(long, env = "BOUNDARY_TSA_INTERVAL", default_value_t = 600)]
    pub tsa_interval: i64,
}

/// E-mail for invitations and reminders. Without a host, Boundary sends none.
#[derive(Debug, Args)]
pub(crate) struct MailArgs {
    /// The SMTP server.
    #[arg(long, env = "BOUNDARY_SMTP_HOST", requires_all = ["smtp_from", "public_url"])]
    pub smtp_host: Option<String>,
    /// Its port; 587 for starttls, 465 for tls, 25 for none when not given.
    #[arg(long, env = "BOUNDARY_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// starttls, tls, or none (only for a relay on the same machine or network).
    #[arg(long, env = "BOUNDARY_SMTP_SECURITY", default_value = "starttls")]
    pub smtp_security: String,
    /// The user to sign in to the SMTP server as; the password is read from
    /// BOUNDARY_SMTP_PASSWORD only, so that it stays out of `ps`.
    #[arg(long, env = "BOUNDARY_SMTP_USER")]
    pub smtp_user: Option<String>,
    /// The sender, e.g. "Boundary <boundary@practice.nhs.uk>".
    #[arg(long, env = "BOUNDARY_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// A CA certificate (PEM) to trust for the SMTP server, besides the public ones.
    #[arg(long, env = "BOUNDARY_SMTP_CA_FILE", value_name = "FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// How often to look for reminders that are due, in seconds.
    #[arg(long, env = "BOUNDARY_REMINDER_INTERVAL", default_value_t = 900,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub reminder_interval: u64,
}

/// Where the web app listens and how people reach it.
#[derive(Debug, Args)]
pub(crate) struct FrontArgs {
    #[arg(long, env = "BOUNDARY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The address people use to reach Boundary, e.g. https://boundary.example.nhs.uk.
    #[arg(long, env = "BOUNDARY_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The reverse proxy in front of Boundary, whose X-Forwarded-For is believed.
    #[arg(long, env = "BOUNDARY_TRUSTED_PROXY", value_name = "IP")]
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// How long the case page waits for an export before showing its progress page instead.
    #[arg(long, env = "BOUNDARY_EXPORT_WAIT", value_name = "SECONDS", default_value_t = 1.5,
          value_parser = export_wait)]
    pub export_wait: f64,
}

fn export_wait(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=60.0).contains(&v) => Ok(v),
        _ => Err("give a number of seconds from 0 to 60, like 1.5".to_owned()),
    }
}

/// How long a signed-in session lasts (ASVS 7.3).
#[derive(Debug, Args)]
pub(crate) struct SessionArgs {
    /// A session unused this long ends.
    #[arg(long, env = "BOUNDARY_SESSION_IDLE_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(i64).range(1..=1440))]
    pub session_idle_minutes: i64,
    /// A session ends this long after sign-in, however busy.
    #[arg(long, env = "BOUNDARY_SESSION_MAX_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(i64).range(1..=168))]
    pub session_max_hours: i64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeysCommand {
    /// Re-wrap every case key under a new master key; the old one then opens nothing.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub(crate) enum OrgCommand {
    /// Add an organisation; prints its id.
    Add { name: String },
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Add a member; prints their id, or a one-time link to choose a password.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The organisation's id or name.
        #[arg(long)]
        org: String,
        /// clinician, manager, admin or auditor.
        #[arg(long)]
        role: String,
        /// Read the password from standard input instead of printing a link.
        #[arg(long)]
        password_stdin: bool,
        /// The address people use to reach Boundary, for the link.
        #[arg(
            long,
            env = "BOUNDARY_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Create a token for a member; prints it, once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        label: Option<String>,
        /// Days until the token stops working (1 to 366); without it, until revoked.
        #[arg(long)]
        expires_days: Option<i64>,
    },
}
