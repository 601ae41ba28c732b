//! A Rust program that runs Python inside itself (feature `embed`): [`start`] starts the
//! interpreter and makes importable what the generated bindings need, wherever the program runs
//! from and whatever its environment holds.
//!
//! - the packages (dspy, pydantic) of the virtualenv the program was built with: its interpreter
//!   (`PYO3_PYTHON`, else the activated `VIRTUAL_ENV`, read when this crate is compiled) is the one
//!   pyo3 linked against, and an embedded interpreter does not look inside a virtualenv by itself;
//! - the folders holding the user's modules (a generated crate's `PYTHON_ROOTS`), first on `sys.path`.
//!
//! Which `libpython` the program loads is the linker's choice: link the interpreter's own with
//! `pyo3_build_config::add_libpython_rpath_link_args()` in the program's `build.rs` (the README's
//! recipe), or the system's may be loaded instead, with the virtualenv's standard library.
use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::PyList;

/// The interpreter pyo3 was built against, as the build saw it.
const BUILT_WITH: Option<&str> = match option_env!("PYO3_PYTHON") {
    Some(python) => Some(python),
    None => option_env!("VIRTUAL_ENV"),
};

/// Starts Python (once per process; safe to call again, from any thread) and puts the virtualenv
/// the program was built with and `roots` (a generated crate's `PYTHON_ROOTS`) on `sys.path`.
pub fn start(roots: &[&str]) -> PyResult<()> {
    Python::initialize();
    // One thread puts the virtualenv on `sys.path`; one starting at the same moment (tests run
    // in parallel) waits for all of it, or it could import while the virtualenv's packages still
    // come after the base interpreter's. It waits without the GIL, which the first one needs
    // (`site.addsitedir` runs Python code), also when its caller holds the GIL.
    static VIRTUALENV: OnceLock<Result<(), String>> = OnceLock::new();
    let added = Python::attach(|py| {
        py.detach(|| {
            VIRTUALENV
                .get_or_init(|| match BUILT_WITH {
                    Some(built_with) => Python::attach(|py| add_virtualenv(py, built_with))
                        .map_err(|err| err.to_string()),
                    None => Ok(()),
                })
                .clone()
        })
    });
    added.map_err(pyo3::exceptions::PyRuntimeError::new_err)?;
    Python::attach(|py| {
        let path = py.import("sys")?.getattr("path")?.cast_into::<PyList>()?;
        for root in roots.iter().rev() {
            let root = std::path::Path::new(root);
            let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
            let root = root.to_string_lossy();
            if !path.contains(root.as_ref())? {
                path.insert(0, root.as_ref())?;
            }
        }
        Ok(())
    })
}

/// `site.addsitedir` of the virtualenv holding `python` (an interpreter's path, or the
/// virtualenv's folder), when it is one: a folder with `pyvenv.cfg`.
fn add_virtualenv(py: Python<'_>, python: &str) -> PyResult<()> {
    let given = std::path::Path::new(python);
    let Some(venv) = given
        .ancestors()
        .take(3)
        .find(|dir| dir.join("pyvenv.cfg").is_file())
    else {
        return Ok(()); // a plain interpreter: its own site-packages are already on sys.path
    };
    let version = py.version_info();
    let site = venv
        .join("lib")
        .join(format!("python{}.{}", version.major, version.minor))
        .join("site-packages");
    if !site.is_dir() {
        return Ok(());
    }
    let path = py.import("sys")?.getattr("path")?.cast_into::<PyList>()?;
    let before: Vec<String> = path.extract()?;
    py.import("site")?
        .call_method1("addsitedir", (site.to_string_lossy().as_ref(),))?;
    // addsitedir appends: the base interpreter's own site-packages (a pyenv's, the system's)
    // would come first, and an older copy of a package there (typing_extensions) would shadow
    // the virtualenv's, which dspy's dependencies need. The virtualenv's entries go before them,
    // as in the virtualenv's own interpreter (still after the standard library).
    let after: Vec<String> = path.extract()?;
    let added: Vec<&String> = after.iter().filter(|p| !before.contains(p)).collect();
    let first_site = before
        .iter()
        .position(|p| p.ends_with("site-packages") || p.ends_with("dist-packages"));
    if let Some(at) = first_site {
        let mut order: Vec<&String> = before.iter().collect();
        order.splice(at..at, added);
        path.call_method1("__setitem__", (pyo3::types::PySlice::full(py), order))?;
    }
    Ok(())
}
