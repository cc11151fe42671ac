//! Split points the app never calls. A `#[wasm_split]` function is a wasm export,
//! which the linker keeps even when nothing calls it; the splitter roots every export
//! in the first module, so an app without `<UserProfile/>` would get the whole
//! profile in its first download. Dropping the exports whose split point has no
//! caller (no matching import) leaves that code unreachable, and the splitter
//! leaves it out.

use std::collections::HashSet;

use eyre::{Result, WrapErr};
use wasm_encoder::{Encode, RawSection};
use wasmparser::{Parser, Payload};

const EXPORT_SECTION: u8 = 7;

/// The split point an export or import belongs to (`__wasm_split_00<module>00_`
/// `export_<id>_<fn>` and its `…_import_…` twin share it), if it is one.
fn split_point(name: &str, side: &str) -> Option<String> {
    let rest = name.strip_prefix("__wasm_split_00")?;
    let (module, rest) = rest.split_once("00_")?;
    let point = rest.strip_prefix(side)?.strip_prefix('_')?;
    Some(format!("{module}/{point}"))
}

/// `wasm` without the exports of split points nobody imports, and their names.
/// Every other section is copied byte for byte (in place, so the relocation
/// sections' section indices and offsets still hold).
pub fn drop_uncalled_split_points(wasm: &[u8]) -> Result<(Vec<u8>, Vec<String>)> {
    let mut called = HashSet::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::ImportSection(imports) = payload? {
            for import in imports.into_imports() {
                if let Some(point) = split_point(import?.name, "import") {
                    called.insert(point);
                }
            }
        }
    }

    let mut out = wasm_encoder::Module::new();
    let mut dropped = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let Some((id, range)) = payload.as_section() else {
            continue;
        };
        let range = range.start as usize..range.end as usize;
        if let Payload::ExportSection(exports) = payload {
            let mut kept = Vec::new();
            let mut count = 0u32;
            let mut entries = exports.into_iter_with_offsets().peekable();
            while let Some(entry) = entries.next() {
                let (start, export) = entry.wrap_err("reading the export section")?;
                let end = match entries.peek() {
                    Some(Ok((next, _))) => *next as usize,
                    _ => range.end,
                };
                let start = start as usize;
                match split_point(export.name, "export") {
                    Some(point) if !called.contains(&point) => dropped.push(export.name.to_owned()),
                    _ => {
                        kept.extend_from_slice(&wasm[start..end]);
                        count += 1;
                    }
                }
            }
            let mut data = Vec::new();
            count.encode(&mut data);
            data.extend_from_slice(&kept);
            out.section(&RawSection {
                id: EXPORT_SECTION,
                data: &data,
            });
        } else {
            out.section(&RawSection {
                id,
                data: &wasm[range],
            });
        }
    }
    Ok((out.finish(), dropped))
}

#[cfg(test)]
mod tests {
    use wasm_encoder::{
        CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
        ImportSection, Module, TypeSection,
    };

    use super::*;

    const CALLED: &str = "__wasm_split_00steps00_export_0123abcd_load_steps";
    const UNCALLED: &str = "__wasm_split_00user_profile00_export_4567ef01_load_profile";

    /// A module importing one split point and exporting two, and `main`.
    fn module() -> Vec<u8> {
        let mut types = TypeSection::new();
        types.ty().function([], []);
        let mut imports = ImportSection::new();
        imports.import(
            "__wasm_split_placeholder",
            "__wasm_split_00steps00_import_0123abcd_load_steps",
            EntityType::Function(0),
        );
        let mut functions = FunctionSection::new();
        for _ in 0..3 {
            functions.function(0);
        }
        let mut exports = ExportSection::new();
        exports.export(CALLED, ExportKind::Func, 1);
        exports.export("main", ExportKind::Func, 2);
        exports.export(UNCALLED, ExportKind::Func, 3);
        let mut code = CodeSection::new();
        for _ in 0..3 {
            let mut body = Function::new([]);
            body.instructions().end();
            code.function(&body);
        }
        let mut module = Module::new();
        module
            .section(&types)
            .section(&imports)
            .section(&functions)
            .section(&exports)
            .section(&code);
        module.finish()
    }

    fn exports(wasm: &[u8]) -> Vec<String> {
        let mut names = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            if let Payload::ExportSection(exports) = payload.unwrap() {
                for export in exports {
                    names.push(export.unwrap().name.to_owned());
                }
            }
        }
        names
    }

    #[test]
    fn drops_only_the_split_points_nobody_calls() {
        let (wasm, dropped) = drop_uncalled_split_points(&module()).unwrap();
        assert_eq!(dropped, [UNCALLED]);
        assert_eq!(exports(&wasm), [CALLED, "main"]);
        wasmparser::validate(&wasm).unwrap();
    }

    #[test]
    fn a_module_without_split_points_is_copied_as_it_is() {
        let mut exports = ExportSection::new();
        exports.export("memory", ExportKind::Memory, 0);
        let mut memory = wasm_encoder::MemorySection::new();
        memory.memory(wasm_encoder::MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        let mut module = Module::new();
        module.section(&memory).section(&exports);
        let wasm = module.finish();
        let (copy, dropped) = drop_uncalled_split_points(&wasm).unwrap();
        assert!(dropped.is_empty());
        assert_eq!(copy, wasm);
    }
}
