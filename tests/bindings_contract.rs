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

// ---- The public surface of each binding, checked against the header and the error kinds ----

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

/// The header's operations: the exports whose first parameter is a client handle, apart from
/// the handle's own lifecycle (`vipps_client_new` takes a configuration, `vipps_client_free`
/// is `close`/the destructor).
fn operations() -> BTreeSet<String> {
    read("include/vipps.h")
        .lines()
        .filter(|line| line.contains("(const struct vipps_client *client"))
        .filter_map(|line| {
            let head = &line[..line.find('(')?];
            Some(head[head.rfind("vipps_")? + "vipps_".len()..].to_owned())
        })
        .collect()
}

/// The exports that need no client (`make_order_id`, `idempotency_key`, `build_receipt`):
/// module functions in Python and Node, static methods in PHP.
fn helpers() -> BTreeSet<String> {
    read("include/vipps.h")
        .lines()
        .filter(|line| {
            line.starts_with("char *vipps_") && line.contains("(const char *request_json)")
        })
        .filter_map(|line| {
            let head = &line[..line.find('(')?];
            Some(head["char *vipps_".len()..].to_owned())
        })
        .collect()
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn pascal(snake: &str) -> String {
    let camel = camel(snake);
    let mut chars = camel.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A JavaScript or TypeScript class from `opening` to its closing brace at the start of a line.
fn js_class<'a>(text: &'a str, opening: &str) -> &'a str {
    let start = text
        .find(opening)
        .unwrap_or_else(|| panic!("no `{opening}`"))
        + opening.len();
    let rest = &text[start..];
    &rest[..rest.find("\n}").unwrap_or(rest.len())]
}

/// A Python class from `opening` to the next line that is not indented.
fn py_class<'a>(text: &'a str, opening: &str) -> &'a str {
    let start = text
        .find(opening)
        .unwrap_or_else(|| panic!("no `{opening}`"))
        + opening.len();
    let rest = &text[start..];
    let mut end = 0;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        let top_level = line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '@');
        if index > 0 && top_level {
            break;
        }
        end += line.len();
    }
    &rest[..end]
}

/// The identifier after `prefix` at the start of each line (after trimming `indent`).
fn names_after(text: &str, indent: &str, prefix: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix(indent)?.strip_prefix(prefix))
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// Compares a binding's public methods with the operations: every operation present, and
/// nothing else apart from the extras named here (each with its reason at the call site).
fn check_methods(
    binding: &str,
    methods: &BTreeSet<String>,
    expected: &BTreeSet<String>,
    extras: &[&str],
    problems: &mut Vec<String>,
) {
    for name in expected.difference(methods) {
        problems.push(format!("{binding} lacks the operation {name}"));
    }
    for name in methods.difference(expected) {
        if !extras.contains(&name.as_str()) {
            problems.push(format!(
                "{binding} has the public method {name}, which is no operation of include/vipps.h \
                 (add it to the header or to this test's list of extras)"
            ));
        }
    }
}

#[test]
fn the_header_has_operations_and_helpers() {
    let operations = operations();
    assert!(operations.contains("capture") && operations.contains("handle_callback"));
    assert!(!operations.contains("client_free"), "{operations:?}");
    assert_eq!(
        helpers(),
        BTreeSet::from([
            "make_order_id".to_owned(),
            "idempotency_key".to_owned(),
            "build_receipt".to_owned()
        ])
    );
    // Every export is an operation, a helper, or one of the five lifecycle functions.
    assert_eq!(exported().len(), operations.len() + helpers().len() + 5);
}

#[test]
fn every_client_has_exactly_the_operations_of_the_header() {
    let snake = operations();
    let camel_ops: BTreeSet<String> = snake.iter().map(|op| camel(op)).collect();
    let mut problems = Vec::new();

    // Python: Client and AsyncClient; the helpers are module functions.
    let python = read("bindings/python/src/vipps/client.py");
    let sync: BTreeSet<String> = names_after(py_class(&python, "\nclass Client"), "    ", "def ")
        .into_iter()
        .filter(|name| !name.starts_with('_'))
        .collect();
    // close(), the `closed` property.
    check_methods(
        "Python Client",
        &sync,
        &snake,
        &["close", "closed"],
        &mut problems,
    );
    let asynchronous: BTreeSet<String> =
        names_after(py_class(&python, "\nclass AsyncClient"), "    ", "")
            .into_iter()
            .filter(|name| !name.starts_with('_'))
            .filter(|name| {
                py_class(&python, "\nclass AsyncClient")
                    .contains(&format!("    {name} = _async_method(\"{name}\")"))
            })
            .collect();
    check_methods(
        "Python AsyncClient",
        &asynchronous,
        &snake,
        &[],
        &mut problems,
    );
    let module = names_after(&python, "", "def ");
    for helper in helpers() {
        if !module.contains(&helper) {
            problems.push(format!("Python lacks the module function {helper}"));
        }
    }

    // Node: the class in lib/client.js and its declaration in index.d.ts.
    let node = read("bindings/node/lib/client.js");
    let node_methods: BTreeSet<String> = names_after(js_class(&node, "\nclass Client"), "  ", "")
        .into_iter()
        .filter(|name| !["constructor", "static", "get", "async"].contains(&name.as_str()))
        .chain(names_after(
            js_class(&node, "\nclass Client"),
            "  ",
            "async ",
        ))
        .collect();
    // The synchronous twins of pure operations, the Node request adapter, the helper as a
    // method, close().
    let node_extras = [
        "handleCallbackSync",
        "shippingOptionsResponseSync",
        "applyEventSync",
        "handleIncoming",
        "makeOrderId",
        "close",
    ];
    check_methods(
        "Node Client",
        &node_methods,
        &camel_ops,
        &node_extras,
        &mut problems,
    );
    let declared: BTreeSet<String> = names_after(
        js_class(&read("bindings/node/index.d.ts"), "\nexport class Client"),
        "  ",
        "",
    )
    .into_iter()
    .filter(|name| !["constructor", "static", "get", "readonly"].contains(&name.as_str()))
    .collect();
    check_methods(
        "Node index.d.ts Client",
        &declared,
        &camel_ops,
        &node_extras,
        &mut problems,
    );
    let index = read("bindings/node/index.js");
    for helper in helpers() {
        if !node.contains(&format!("\nfunction {}(", camel(&helper)))
            || !index.contains(&camel(&helper))
        {
            problems.push(format!(
                "Node lacks the exported function {}",
                camel(&helper)
            ));
        }
    }

    // PHP: the public instance methods of Vipps\Client; the helpers are static methods.
    let php = read("bindings/php/src/Client.php");
    let instance: BTreeSet<String> = names_after(&php, "    ", "public function ")
        .into_iter()
        .filter(|name| !name.starts_with("__"))
        .collect();
    // handleCurrentRequest: handleCallback on PHP's globals.
    check_methods(
        "PHP Client",
        &instance,
        &camel_ops,
        &["handleCurrentRequest"],
        &mut problems,
    );
    let statics = names_after(&php, "    ", "public static function ");
    for helper in helpers() {
        if !statics.contains(&camel(&helper)) {
            problems.push(format!("PHP lacks the static Client::{}", camel(&helper)));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The class each binding must use for a kind: the kind's stem plus the language's suffix.
/// Python and Node prefix `Vipps` to Timeout so as not to shadow the platform's TimeoutError.
fn expected_class(binding: &str, kind: &str) -> String {
    let stem = pascal(kind);
    match binding {
        "PHP" => format!("{stem}Exception"),
        _ if kind == "timeout" => "VippsTimeoutError".to_owned(),
        _ => format!("{stem}Error"),
    }
}

/// `key => Class` pairs of a table written one entry per line, between `opening` and `closing`.
fn table(text: &str, opening: &str, closing: &str, separator: &str) -> Vec<(String, String)> {
    let start = text
        .find(opening)
        .unwrap_or_else(|| panic!("no `{opening}`"))
        + opening.len();
    let end = start + text[start..].find(closing).unwrap();
    text[start..end]
        .lines()
        .filter_map(|line| {
            let (key, class) = line.split_once(separator)?;
            let key = key.trim().trim_matches(|c| c == '\'' || c == '"');
            let class = class
                .trim()
                .trim_end_matches(',')
                .trim_end_matches("::class");
            Some((key.to_owned(), class.to_owned()))
        })
        .collect()
}

/// The kind → class tables of the three bindings, as written in their sources.
fn kind_tables() -> Vec<(&'static str, Vec<(String, String)>)> {
    // Python: each class names its kind (`kind = "..."`); ERROR_CLASSES is built from them.
    let python = read("bindings/python/src/vipps/errors.py");
    let mut python_table = Vec::new();
    let mut class = String::new();
    for line in python.lines() {
        if let Some(rest) = line.strip_prefix("class ") {
            class = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
        } else if let Some(kind) = line.trim().strip_prefix("kind = \"") {
            python_table.push((kind.trim_end_matches('"').to_owned(), class.clone()));
        }
    }
    let listed = &python[python.find("ERROR_CLASSES").unwrap()..];
    python_table.retain(|(_, class)| listed.contains(&format!("        {class},")));
    vec![
        ("Python", python_table),
        (
            "Node",
            table(
                &read("bindings/node/lib/errors.js"),
                "const CLASSES = {",
                "};",
                ":",
            ),
        ),
        (
            "PHP",
            table(
                &read("bindings/php/src/VippsException.php"),
                "public const CLASSES = [",
                "];",
                "=>",
            ),
        ),
    ]
}

#[test]
fn every_binding_maps_exactly_the_error_kinds_to_aligned_classes() {
    let kinds: BTreeSet<String> = vipps::ErrorKind::ALL
        .iter()
        .map(|k| k.as_str().to_owned())
        .collect();
    let mut problems = Vec::new();
    for (binding, entries) in kind_tables() {
        let mapped: BTreeSet<String> = entries.iter().map(|(kind, _)| kind.clone()).collect();
        if entries.len() != mapped.len() {
            problems.push(format!("{binding} maps a kind twice: {entries:?}"));
        }
        for kind in kinds.difference(&mapped) {
            problems.push(format!("{binding} has no class for the kind {kind}"));
        }
        for kind in mapped.difference(&kinds) {
            problems.push(format!("{binding} maps {kind}, which is no ErrorKind"));
        }
        for (kind, class) in &entries {
            let expected = expected_class(binding, kind);
            if *class != expected {
                problems.push(format!("{binding} maps {kind} to {class}, not {expected}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The parent class of `class` in a binding's sources (`class X(Parent, ...)` or
/// `class X extends Parent`), by stem: `ApiError` and `ApiException` are both `Api`.
fn parent_stem(text: &str, class: &str) -> Option<String> {
    let at = text
        .find(&format!("class {class}("))
        .or_else(|| text.find(&format!("class {class} extends ")))?;
    let rest = &text[at + "class ".len() + class.len()..];
    let parent: String = rest
        .trim_start_matches('(')
        .trim_start_matches(" extends ")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    Some(
        parent
            .trim_start_matches("Vipps")
            .trim_end_matches("Exception")
            .trim_end_matches("Error")
            .to_owned(),
    )
}

#[test]
fn the_error_hierarchy_is_the_same_in_every_binding() {
    let php_dir = root().join("bindings/php/src");
    let texts = [
        ("Python", read("bindings/python/src/vipps/errors.py")),
        ("Node", read("bindings/node/lib/errors.js")),
        ("PHP", sources(&php_dir, "php")),
    ];
    let mut problems = Vec::new();
    for kind in vipps::ErrorKind::ALL {
        let kind = kind.as_str();
        let parents: Vec<(&str, Option<String>)> = texts
            .iter()
            .map(|(binding, text)| (*binding, parent_stem(text, &expected_class(binding, kind))))
            .collect();
        if parents
            .iter()
            .any(|(_, parent)| *parent != parents[0].1 || parent.is_none())
        {
            problems.push(format!(
                "the parents of the {kind} classes differ: {parents:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn first_identifier(cell: &str) -> String {
    cell.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The README's one table of the bindings' classes names, per kind, the class each binding's
/// own table maps it to.
#[test]
fn the_readme_table_matches_the_bindings() {
    let readme = read("README.md");
    let start = readme
        .find("### Errors in the bindings")
        .expect("README section `### Errors in the bindings`");
    let section = &readme[start..];
    let section = &section[..section[4..]
        .find("\n#")
        .map_or(section.len(), |end| end + 4)];
    let rows: Vec<Vec<String>> = section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            line.split('|')
                .map(|cell| cell.trim().trim_matches('`').to_owned())
                .filter(|cell| !cell.is_empty())
                .collect()
        })
        .collect();
    let mut problems = Vec::new();
    for (column, (binding, entries)) in kind_tables().into_iter().enumerate() {
        for (kind, class) in entries {
            let row = rows.iter().find(|row| row.first() == Some(&kind));
            match row.and_then(|row| row.get(column + 1)) {
                Some(cell) if first_identifier(cell) == class => {}
                other => problems.push(format!(
                    "README row {kind}: {binding} column is {other:?}, the binding says {class}"
                )),
            }
        }
    }
    // One row per kind, and the closed client's.
    assert_eq!(rows.len(), vipps::ErrorKind::ALL.len() + 1, "{rows:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The `"call"` and expected error `"kind"` values of the shared conformance cases.
fn conformance_values(key: &str) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("conformance/cases")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let case: serde_json::Value = serde_json::from_str(&text).unwrap();
        let steps = case["steps"].as_array().cloned().unwrap_or_default();
        for step in steps {
            let value = match key {
                "call" => step["call"].as_str().map(str::to_owned),
                _ => step["expect"]["error"]["kind"].as_str().map(str::to_owned),
            };
            values.extend(value);
        }
    }
    values
}

/// The conformance cases that each binding runs (conformance/README.md) call every operation
/// and helper of the header and produce every error kind the library can produce. Two kinds
/// are never an error envelope of a reachable call: `signature_invalid` (a failed verification
/// is `verified: false` with a 401) and `internal` (a caught panic).
#[test]
fn the_conformance_cases_cover_every_operation_and_error_kind() {
    let called = conformance_values("call");
    let missing: Vec<String> = operations()
        .union(&helpers())
        .filter(|op| !called.contains(*op))
        .cloned()
        .collect();
    assert!(missing.is_empty(), "no conformance case calls {missing:?}");
    let produced = conformance_values("kind");
    let missing: Vec<&str> = vipps::ErrorKind::ALL
        .iter()
        .map(|k| k.as_str())
        .filter(|k| !["signature_invalid", "internal"].contains(k) && !produced.contains(*k))
        .collect();
    assert!(
        missing.is_empty(),
        "no conformance case expects {missing:?}"
    );
    assert!(
        std::fs::read_dir(root().join("conformance/cases"))
            .unwrap()
            .count()
            >= 40
    );
}

/// The value of `#define NAME value` in the header (`VIPPS_MAX_BODY` or, before its rename,
/// `MAX_BODY`), with `(a * b)` evaluated.
fn header_constant(names: &[&str]) -> u64 {
    let header = read("include/vipps.h");
    let value = names
        .iter()
        .find_map(|name| {
            header
                .lines()
                .find_map(|line| line.strip_prefix(&format!("#define {name} ")))
        })
        .unwrap_or_else(|| panic!("no #define of {names:?}"));
    product(value)
}

/// `1`, `1024 * 1024` or `(1024 * 1024)`.
fn product(expression: &str) -> u64 {
    expression
        .trim()
        .trim_start_matches('(')
        .trim_end_matches([';', ')'])
        .split('*')
        .map(|factor| factor.trim().parse::<u64>().unwrap())
        .product()
}

/// The value a binding assigns to `prefix` (the rest of that line).
fn binding_constant(path: &str, prefix: &str) -> u64 {
    let text = read(path);
    let line = text
        .lines()
        .find_map(|line| line.trim().strip_prefix(prefix))
        .unwrap_or_else(|| panic!("{path} has no `{prefix}`"));
    product(line)
}

/// The header's constants that the bindings copy: the ABI version each binding refuses a
/// mismatch of, and the body limit the Python and Node request helpers read up to (PHP reads
/// `php://input` whole and lets the library refuse it).
#[test]
fn every_binding_copies_the_constants_of_the_header() {
    let abi = header_constant(&["VIPPS_ABI_VERSION"]);
    for (path, prefix) in [
        ("bindings/python/src/vipps/_lib.py", "ABI_VERSION = "),
        ("bindings/node/lib/native.js", "const ABI_VERSION = "),
        ("bindings/php/src/Native.php", "public const ABI_VERSION = "),
    ] {
        assert_eq!(binding_constant(path, prefix), abi, "{path}");
    }
    let max_body = header_constant(&["VIPPS_MAX_BODY", "MAX_BODY"]);
    for (path, prefix) in [
        ("bindings/python/src/vipps/_lib.py", "MAX_BODY = "),
        ("bindings/node/lib/http.js", "const MAX_BODY = "),
    ] {
        assert_eq!(binding_constant(path, prefix), max_body, "{path}");
    }
}

/// The configuration keys the library accepts (`KNOWN_KEYS` in src/config/mod.rs).
fn config_keys() -> BTreeSet<String> {
    let source = read("src/config/mod.rs");
    let list = js_class(&source, "const KNOWN_KEYS: &[&str] = &[");
    let keys: BTreeSet<String> = list
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"')?.strip_suffix("\","))
        .map(str::to_owned)
        .collect();
    assert!(keys.len() >= 15 && keys.contains("tls"), "{keys:?}");
    keys
}

#[test]
fn every_typed_binding_config_names_exactly_the_library_s_configuration_keys() {
    // A key the library gained (like `tls`) must not be a type error in TypeScript or mypy.
    let keys = config_keys();
    let node = read("bindings/node/index.d.ts");
    let ts = names_after(js_class(&node, "export interface ClientConfig {"), "  ", "");
    assert_eq!(ts, keys, "bindings/node/index.d.ts ClientConfig");
    let python = read("bindings/python/src/vipps/types.py");
    let py = names_after(py_class(&python, "class Config(TypedDict"), "    ", "");
    assert_eq!(py, keys, "bindings/python/src/vipps/types.py Config");
}
