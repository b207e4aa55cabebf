//! Generates the C headers into OUT_DIR: `vipps.h` (documented, for C and C++) and
//! `vipps_php.h` (no preprocessor lines and no comments, which PHP's FFI::cdef cannot parse).
//! The committed copies in include/ are compared with these by `tests/headers_fresh.rs`.

use std::path::PathBuf;

fn main() {
    // cbindgen reads the whole crate (any `pub` item can reach the header), so any change
    // under src/ must regenerate it; watching ffi.rs alone let a stale header pass locally.
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    // The release packaging (scripts/dist.sh) names the shared library `libvipps.so.<ABI>`. Only
    // then: a SONAME in the development build would make the C programs linked with -lvipps need
    // a libvipps.so.1 link that target/debug does not have.
    println!("cargo:rerun-if-env-changed=VIPPS_SONAME");
    if let Ok(soname) = std::env::var("VIPPS_SONAME") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
    let crate_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");

    let header = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can generate the header from src/ffi.rs");
    let mut c_header = Vec::new();
    header.write(&mut c_header);
    let c_header = String::from_utf8(c_header).expect("the header is UTF-8");
    std::fs::write(out_dir.join("vipps.h"), &c_header).expect("OUT_DIR is writable");
    std::fs::write(out_dir.join("vipps_php.h"), php_header(&c_header))
        .expect("OUT_DIR is writable");
}

/// Keeps the declarations only: PHP's C parser knows the stdint types but no preprocessor.
fn php_header(c_header: &str) -> String {
    let mut out =
        String::from("/* vipps C ABI for PHP FFI::cdef (generated from vipps.h; do not edit) */\n");
    let mut in_block_comment = false;
    let mut skip_depth = 0;
    for line in c_header.lines() {
        let trimmed = line.trim();
        if in_block_comment {
            in_block_comment = !trimmed.ends_with("*/");
            continue;
        }
        if trimmed.starts_with("/*") {
            in_block_comment = !trimmed.ends_with("*/");
            continue;
        }
        if trimmed.starts_with("#if") {
            // The __cplusplus blocks hold extern "C" braces; PHP needs none of them.
            skip_depth += usize::from(trimmed.contains("__cplusplus"));
            continue;
        }
        if trimmed.starts_with("#endif") {
            skip_depth = skip_depth.saturating_sub(1);
            continue;
        }
        if skip_depth > 0
            || trimmed.starts_with('#')
            || trimmed.starts_with("//")
            || trimmed.is_empty()
        {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
