//! Every function the C header exports is reached by every binding: a new export that a
//! binding lacks fails here, before a user finds the gap.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `vipps_*` functions declared in the header.
fn exported() -> BTreeSet<String> {
    let header = std::fs::read_to_string(root().join("include/vipps.h")).unwrap();
    header
        .lines()
        .filter(|line| !line.trim_start().starts_with('*') && !line.trim_start().starts_with("//"))
        .filter_map(|line| {
            // The declared name is the last `vipps_` word before the parameter list.
            let head = &line[..line.find('(')?];
            let name = &head[head.rfind("vipps_")?..];
            name.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                .then(|| name.to_owned())
        })
        .filter(|name| name != "vipps_client") // the opaque type, not a function
        .collect()
}

fn sources(dir: &Path, extension: &str) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) == Some(extension) {
            text.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    text
}

#[test]
fn the_header_declares_the_functions_this_test_reads() {
    let names = exported();
    for expected in [
        "vipps_client_new",
        "vipps_capture",
        "vipps_handle_callback",
        "vipps_string_free",
    ] {
        assert!(
            names.contains(expected),
            "{expected} not found in {names:?}"
        );
    }
    let ffi = std::fs::read_to_string(root().join("src/ffi.rs")).unwrap();
    assert_eq!(
        names.len(),
        ffi.matches("#[no_mangle]").count(),
        "{names:?}"
    );
}

/// Where each binding declares the native functions it calls: Python's ctypes signatures
/// (`_lib.py`, client operations by their short name in `CLIENT_OPERATIONS`), Node's koffi
/// declarations (`lib/native.js`, by name or as a C prototype), PHP's calls through FFI (`src/`).
fn declarations() -> [(&'static str, String); 3] {
    let python = std::fs::read_to_string(root().join("bindings/python/src/vipps/_lib.py")).unwrap();
    let node = std::fs::read_to_string(root().join("bindings/node/lib/native.js")).unwrap();
    [
        ("Python", python),
        ("Node", node),
        ("PHP", sources(&root().join("bindings/php/src"), "php")),
    ]
}

#[test]
fn every_binding_declares_every_export() {
    let bindings = declarations();
    let mut missing = Vec::new();
    for name in exported() {
        let short = name.trim_start_matches("vipps_");
        for (binding, text) in &bindings {
            let forms = [
                format!("'{name}'"),
                format!("\"{name}\""),
                format!("lib.{name}."),
                format!("->{name}("),
                format!(" {name}("),
                format!("*{name}("),
                format!("\"{short}\","),
            ];
            if !forms.iter().any(|form| text.contains(form.as_str())) {
                missing.push(format!("{binding} lacks {name}"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
