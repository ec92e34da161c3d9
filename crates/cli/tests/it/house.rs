//! The house stays in order: crates whose modules import in one direction only keep
//! doing so (`tools/import_graph.py`, which also draws the graph).

use std::path::Path;
use std::process::Command;

/// The crates with no import circle; each one cleaned up joins the list.
const WITHOUT_CIRCLES: [&str; 5] = ["domain", "ledger", "report", "web", "cli"];

#[test]
fn no_module_imports_back_into_a_module_that_imports_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for krate in WITHOUT_CIRCLES {
        let out = Command::new("python3")
            .arg(root.join("tools/import_graph.py"))
            .arg(root.join("crates").join(krate).join("src"))
            .arg("--strict")
            .output()
            .expect("python3 runs the import graph");
        assert!(
            out.status.success(),
            "an import circle in {krate}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
