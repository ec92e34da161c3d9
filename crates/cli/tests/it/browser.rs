//! The browser suite (`tests/browser`): every journey in Debian's Chromium with
//! JavaScript on and off, checked by axe-core, against the real binary. HTTP-client tests
//! send the headers they choose; a browser sends what the standards say, which is how the
//! `Origin: null` refusal of every form (issue 12) went unseen. `.ci/run` installs
//! Chromium and the suite's two npm packages.

use std::path::Path;
use std::process::Command;

#[test]
fn every_journey_works_in_a_real_browser() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser");
    assert!(
        suite.join("node_modules/playwright-core").exists(),
        "the browser suite's packages are missing: run `npm ci` in tests/browser (`.ci/run` does)"
    );
    // The router's own list, so the suite can say which pages no journey has visited.
    let routes = tempfile::NamedTempFile::new().unwrap();
    let list: Vec<String> = boundary_web::route_list()
        .iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    std::fs::write(routes.path(), list.join("\n")).unwrap();
    let out = Command::new("node")
        .arg("run.mjs")
        .current_dir(&suite)
        .env("BOUNDARY_BIN", env!("CARGO_BIN_EXE_boundary"))
        .env("BOUNDARY_ROUTES", routes.path())
        .output()
        .expect("node, to run the browser suite (`.ci/run` installs it)");
    let report = String::from_utf8_lossy(&out.stdout);
    println!("{report}");
    let last = report.lines().last().unwrap_or_default();
    assert!(
        out.status.success() && last.contains(" 0 failed"),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
