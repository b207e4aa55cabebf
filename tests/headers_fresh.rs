//! The committed headers in include/ must be exactly what build.rs generates from the code,
//! so bindings never load a header that lies about the library.
//! `VIPPS_UPDATE_HEADERS=1 cargo test --test headers_fresh` (or `make headers`) refreshes them.

use std::path::Path;

#[test]
fn committed_headers_match_the_generated_ones() {
    let generated_dir = Path::new(env!("OUT_DIR"));
    let include_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    let update = std::env::var_os("VIPPS_UPDATE_HEADERS").is_some();
    for name in ["vipps.h", "vipps_php.h"] {
        let generated =
            std::fs::read_to_string(generated_dir.join(name)).expect("build.rs wrote the header");
        let committed_path = include_dir.join(name);
        if update {
            std::fs::write(&committed_path, &generated).expect("include/ is writable");
            continue;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == generated,
            "include/{name} differs from what the code generates: run `make headers` and commit the result"
        );
    }
}

#[test]
fn the_php_header_has_no_preprocessor_lines() {
    let php =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/vipps_php.h"))
            .unwrap();
    assert!(
        !php.lines().any(|l| l.trim_start().starts_with('#')),
        "PHP's FFI::cdef rejects preprocessor lines"
    );
    let types: Vec<&str> = php.lines().filter(|l| l.starts_with("typedef")).collect();
    assert_eq!(
        types,
        ["typedef struct vipps_client vipps_client;"],
        "only the client handle is a C type: add other pub Rust types to cbindgen.toml's exclude"
    );
    for function in [
        "vipps_client_new",
        "vipps_client_free",
        "vipps_string_free",
        "vipps_version",
        "vipps_abi_version",
    ] {
        assert!(
            php.contains(&format!("{function}(")),
            "{function} is missing from vipps_php.h"
        );
    }
}
