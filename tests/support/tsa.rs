//! A real RFC 3161 timestamping authority for tests: OpenSSL's `openssl ts`, with its own
//! CA and a TSA certificate for timeStamping, made fresh in a temporary folder. Shared by
//! the ledger's and the server's tests through `#[path]`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl must be installed");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and a TSA whose certificate carries `extended_key_usage`; returns the folder,
/// holding `ca.pem`, `tsa.pem`, `tsa.key` and `tsa.cnf`.
pub fn make_tsa(extended_key_usage: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    openssl(
        &d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3650",
            "-subj",
            "/CN=Boundary test TSA CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        &d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-subj",
            "/CN=Boundary test TSA",
        ],
    );
    std::fs::write(d.join("ext.cnf"), format!("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,{extended_key_usage}\n")).unwrap();
    openssl(
        &d,
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.pem",
            "-days",
            "3650",
            "-extfile",
            "ext.cnf",
        ],
    );
    std::fs::write(d.join("serial"), "01\n").unwrap();
    std::fs::write(
        d.join("tsa.cnf"),
        format!(
            "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\ndir = {}\nserial = $dir/serial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.pem\ncerts = $dir/ca.pem\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
            d.display()
        ),
    )
    .unwrap();
    (dir, d)
}

/// Answers one DER request with `openssl ts -reply`.
pub fn stamp(d: &Path, req: &[u8]) -> Vec<u8> {
    std::fs::write(d.join("req.der"), req).unwrap();
    openssl(
        d,
        &[
            "ts",
            "-reply",
            "-config",
            "tsa.cnf",
            "-queryfile",
            "req.der",
            "-out",
            "resp.der",
        ],
    );
    std::fs::read(d.join("resp.der")).unwrap()
}

/// The TSA behind a tiny HTTP endpoint (Python's standard library). Writing `down` or
/// `garbage` into the folder's `mode` file makes it fail; `ok` makes it answer again.
pub struct HttpTsa {
    pub url: String,
    child: std::process::Child,
}

const SERVER: &str = r#"
import http.server, os, subprocess, sys
d = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        mode = open(os.path.join(d, 'mode')).read().strip()
        if mode == 'down':
            self.send_response(503); self.end_headers(); return
        if mode == 'garbage':
            out = b'<html>this is not DER</html>'
        else:
            open(os.path.join(d, 'req.der'), 'wb').write(body)
            subprocess.run(['openssl', 'ts', '-reply', '-config', os.path.join(d, 'tsa.cnf'), '-queryfile', os.path.join(d, 'req.der'), '-out', os.path.join(d, 'resp.der')], check=True, capture_output=True)
            out = open(os.path.join(d, 'resp.der'), 'rb').read()
        self.send_response(200)
        self.send_header('Content-Type', 'application/timestamp-reply')
        self.send_header('Content-Length', str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *args):
        pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"#;

impl HttpTsa {
    pub fn start(d: &Path) -> Self {
        use std::io::BufRead;
        set_mode(d, "ok");
        let mut child = Command::new("python3")
            .args(["-c", SERVER, d.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 must be installed");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Self {
            url: format!("http://127.0.0.1:{}/", line.trim()),
            child,
        }
    }
}

pub fn set_mode(d: &Path, mode: &str) {
    std::fs::write(d.join("mode"), mode).unwrap();
}

impl Drop for HttpTsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
